"""Classes and functions by reference."""
FEATURES = ["global"]

import pjfixtures

obj = [pjfixtures.Plain, pjfixtures.make_point, pjfixtures.OldPlain]
