"""The top-level object itself replaced by a persistent id."""
FEATURES = ["persistent-id"]
LOAD = {"persistent_load": True}

import pjfixtures
obj = pjfixtures.PersRef("root")
