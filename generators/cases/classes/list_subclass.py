"""A list subclass: NEWOBJ then APPENDS (listitems), no state."""
FEATURES = ["instance", "subclass", "listitems"]

import pjfixtures
obj = pjfixtures.MyList([1, 2, 3])
