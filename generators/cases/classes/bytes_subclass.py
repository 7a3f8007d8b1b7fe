"""A bytes subclass (str subclass on Python 2)."""
FEATURES = ["instance", "subclass"]

import pjfixtures
obj = pjfixtures.MyBytes(b"raw")
