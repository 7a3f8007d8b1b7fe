"""A __slots__ instance with one slot unset."""
FEATURES = ["instance", "slots"]
PROTOCOLS = [2, 3, 4, 5]

import pjfixtures
obj = pjfixtures.Slotted(u"only a")
