"""A frozenset reached again while its element is saved (protocol 4+: POP_MARK + GET)."""
FEATURES = ["recursive", "frozenset", "instance"]

import pjfixtures
o = pjfixtures.Plain()
obj = frozenset([o])
o.owner = obj
