"""Old-style with __getinitargs__: INST/OBJ with arguments, so cls(*args) on load."""
FEATURES = ["instance", "old-style", "reduce"]
PYTHONS = ["2.7"]

import pjfixtures
obj = pjfixtures.OldInitArgs(1, u"b")
