"""__reduce__ returning (class, args)."""
FEATURES = ["reduce"]

import pjfixtures
obj = pjfixtures.Point(1, 2)
