"""A set subclass: set.__reduce__ gives (cls, (list,), state)."""
FEATURES = ["instance", "subclass", "reduce"]

import pjfixtures
obj = pjfixtures.MySet([1])
