"""An ordinary instance with a __dict__: _reconstructor at 0-1, NEWOBJ + BUILD from 2."""
FEATURES = ["instance"]

import pjfixtures
obj = pjfixtures.Plain(a=1, b=u"two", c=[3])
