"""A class two levels deep (Outer.Inner.Deep)."""
FEATURES = ["global", "nested-qualname"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.Outer.Inner.Deep
