"""A namedtuple instance (pjfixtures.PointNT): NEWOBJ with the fields as args."""
FEATURES = ["stdlib", "newobj"]

import pjfixtures
obj = pjfixtures.PointNT(1, u"y")
