"""collections.OrderedDict: reduce with dictitems."""
FEATURES = ["stdlib", "dictitems", "reduce"]

import collections
obj = collections.OrderedDict([(u"b", 1), (u"a", 2)])
