"""An old-style class on Python 2 (INST at 0, OBJ at 1+); an ordinary class on 3."""
FEATURES = ["instance", "old-style"]

import pjfixtures
obj = pjfixtures.OldPlain()
obj.x = 1
obj.y = u"y"
