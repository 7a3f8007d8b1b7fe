"""collections.deque with maxlen."""
FEATURES = ["stdlib", "reduce"]

import collections
obj = collections.deque([1, 2, 3], 5)
