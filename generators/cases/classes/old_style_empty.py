"""An old-style instance with no attributes (Python 2 still writes BUILD {})."""
FEATURES = ["instance", "old-style"]
PYTHONS = ["2.7"]

import pjfixtures
obj = pjfixtures.OldPlain()
