"""Old-style with __getstate__/__setstate__."""
FEATURES = ["instance", "old-style", "getstate"]
PYTHONS = ["2.7"]

import pjfixtures
obj = pjfixtures.OldGetState(21)
