"""A str subclass (a bytes subclass on Python 2)."""
FEATURES = ["instance", "subclass"]

import pjfixtures
obj = pjfixtures.MyStr("text")
