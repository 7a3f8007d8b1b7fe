"""An instance of a nested class."""
FEATURES = ["instance", "nested-qualname"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.Outer.Inner()
obj.v = 1
