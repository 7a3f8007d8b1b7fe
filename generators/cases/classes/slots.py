"""A class with __slots__: state is (None, {slots}); not picklable below protocol 2."""
FEATURES = ["instance", "slots"]
PROTOCOLS = [2, 3, 4, 5]

import pjfixtures
obj = pjfixtures.Slotted(1, [2])
