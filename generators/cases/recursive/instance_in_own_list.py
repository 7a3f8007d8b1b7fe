"""An instance holding a list that holds the instance."""
FEATURES = ["recursive", "instance", "list"]

import pjfixtures
obj = pjfixtures.Plain()
obj.children = [obj, obj]
