"""__reduce__ with a single list item (APPEND)."""
FEATURES = ["reduce", "listitems"]

import pjfixtures

obj = pjfixtures.Reduce4()
obj.append(None)
