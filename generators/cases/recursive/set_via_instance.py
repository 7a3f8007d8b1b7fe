"""A set holding an instance whose state holds the set."""
FEATURES = ["recursive", "set", "instance"]
PROTOCOLS = [0, 1, 2, 3, 4, 5]

import pjfixtures
s = set()
o = pjfixtures.Plain()
o.owner = s
s.add(o)
obj = s
