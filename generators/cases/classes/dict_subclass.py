"""A dict subclass: NEWOBJ then SETITEMS (dictitems)."""
FEATURES = ["instance", "subclass", "dictitems"]

import pjfixtures
obj = pjfixtures.MyDict()
obj[u"k"] = u"v"
obj[2] = 3
