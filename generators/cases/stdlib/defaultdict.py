"""collections.defaultdict(list): reduce (defaultdict, (list,)) + dictitems."""
FEATURES = ["stdlib", "dictitems", "reduce"]

import collections
obj = collections.defaultdict(list)
obj[u"k"].append(1)
