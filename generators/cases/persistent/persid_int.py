"""An int persistent id (protocol 0 writes str(pid), so it loads as a str there)."""
FEATURES = ["persistent-id"]
PYTHONS = ["3.6+"]
LOAD = {"persistent_load": True}

import pjfixtures
obj = [pjfixtures.PersRef(42)]
