"""Two instances pointing at each other."""
FEATURES = ["recursive", "instance"]

import pjfixtures
a = pjfixtures.Pair()
b = pjfixtures.Pair(left=a)
a.right = b
obj = a
