"""A tuple subclass."""
FEATURES = ["instance", "subclass"]

import pjfixtures
obj = pjfixtures.MyTuple((1, 2))
