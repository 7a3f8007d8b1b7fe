"""__getnewargs__: NEWOBJ with arguments from protocol 2."""
FEATURES = ["instance", "newobj"]

import pjfixtures
obj = pjfixtures.NewArgs(1, u"y")
