"""__reduce__ returning (callable, args, state)."""
FEATURES = ["reduce"]

import pjfixtures
obj = pjfixtures.Reduce3(u"t")
obj.extra = [1]
