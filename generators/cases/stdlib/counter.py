"""collections.Counter: reduce (Counter, (dict,))."""
FEATURES = ["stdlib", "reduce"]

import collections
obj = collections.Counter(u"abracadabra")
