"""A class referenced many times: memoized global, then BINGET."""
FEATURES = ["shared", "global"]

import pjfixtures
obj = [pjfixtures.Plain, pjfixtures.Plain, pjfixtures.Empty(), pjfixtures.Empty()]
