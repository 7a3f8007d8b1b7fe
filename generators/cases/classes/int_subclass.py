"""An int subclass: _reconstructor(cls, int, 5) at 0-1, NEWOBJ(cls, 5) from 2."""
FEATURES = ["instance", "subclass"]

import pjfixtures
obj = pjfixtures.MyInt(5)
