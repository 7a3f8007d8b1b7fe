"""__reduce__ with dictitems: SETITEMS onto the reduced object."""
FEATURES = ["reduce", "dictitems"]

import pjfixtures

obj = pjfixtures.Reduce5()
obj[u"a"] = 1
obj[u"b"] = 2
