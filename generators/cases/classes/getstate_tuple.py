"""__getstate__ returning a tuple, consumed by __setstate__."""
FEATURES = ["instance", "getstate"]

import pjfixtures
obj = pjfixtures.GetState([1, 2])
