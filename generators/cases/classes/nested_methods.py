"""A method, a staticmethod and a bound classmethod of nested classes, by reference."""
FEATURES = ["global", "nested-qualname"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = [pjfixtures.Outer.Inner.method, pjfixtures.Outer.static_fn, pjfixtures.Outer.class_fn]
