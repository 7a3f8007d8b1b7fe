"""A float subclass."""
FEATURES = ["instance", "subclass"]

import pjfixtures
obj = pjfixtures.MyFloat(2.5)
