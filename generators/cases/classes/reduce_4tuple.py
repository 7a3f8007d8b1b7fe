"""__reduce__ with listitems: APPENDS onto the reduced object."""
FEATURES = ["reduce", "listitems"]

import pjfixtures

obj = pjfixtures.Reduce4()
obj.append(1)
obj.append(u"two")
