"""__reduce__ returning (module-level function, args)."""
FEATURES = ["reduce"]

import pjfixtures
obj = pjfixtures.PointFactory(5)
