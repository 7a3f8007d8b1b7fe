"""An instance whose attribute is itself."""
FEATURES = ["recursive", "instance"]

import pjfixtures
obj = pjfixtures.Plain()
obj.me = obj
