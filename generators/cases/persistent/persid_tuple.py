"""A tuple persistent id: BINPERSID of a tuple (protocol 0: its str())."""
FEATURES = ["persistent-id", "tuple"]
PYTHONS = ["3.6+"]
LOAD = {"persistent_load": True}

import pjfixtures
obj = {u"ref": pjfixtures.PersRef((u"table", 7))}
