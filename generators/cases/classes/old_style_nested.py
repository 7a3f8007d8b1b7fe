"""Old-style instances inside containers and each other."""
FEATURES = ["instance", "old-style", "list"]
PYTHONS = ["2.7"]

import pjfixtures

a = pjfixtures.OldPlain()
b = pjfixtures.OldPlain()
a.peer = b
b.items = [1, 2]
obj = [a, b, {u"k": a}]
