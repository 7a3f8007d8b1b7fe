"""__getstate__ returning an empty dict: no BUILD in 3.x."""
FEATURES = ["instance", "getstate"]

import pjfixtures
obj = pjfixtures.GetStateFalse()
