"""A frozenset subclass."""
FEATURES = ["instance", "subclass", "reduce"]

import pjfixtures
obj = pjfixtures.MyFrozenSet([2])
