"""A nested class by reference: getattr chain at 0-3 (3.13 writes it differently), STACK_GLOBAL with a dotted name at 4+."""
FEATURES = ["global", "nested-qualname"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.Outer.Inner
