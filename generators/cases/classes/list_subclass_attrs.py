"""A list subclass with an attribute: items and state."""
FEATURES = ["instance", "subclass", "listitems"]

import pjfixtures
obj = pjfixtures.MyListAttrs([u"a"])
