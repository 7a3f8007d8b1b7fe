"""Two instances share one list in their state."""
FEATURES = ["shared", "instance"]

import pjfixtures
common = [1, 2]
obj = [pjfixtures.Plain(x=common), pjfixtures.Plain(y=common)]
