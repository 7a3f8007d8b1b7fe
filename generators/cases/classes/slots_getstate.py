"""__slots__ with __getstate__/__setstate__ (picklable at every protocol)."""
FEATURES = ["instance", "slots", "getstate"]

import pjfixtures
obj = pjfixtures.SlotsGetState(1, 2)
