"""Several instances of two classes in a list (globals memoized once)."""
FEATURES = ["instance", "list"]

import pjfixtures
obj = [pjfixtures.Plain(i=i) for i in range(3)] + [pjfixtures.Other(), pjfixtures.Other()]
