"""A persistent id inside an instance state."""
FEATURES = ["persistent-id", "instance"]
LOAD = {"persistent_load": True}

import pjfixtures
obj = pjfixtures.Plain(link=pjfixtures.PersRef("ext"))
