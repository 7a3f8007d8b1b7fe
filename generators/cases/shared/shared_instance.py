"""One instance referenced from a list and from another instance."""
FEATURES = ["shared", "instance"]

import pjfixtures
a = pjfixtures.Plain(v=1)
b = pjfixtures.Plain(ref=a)
obj = [a, b, a]
