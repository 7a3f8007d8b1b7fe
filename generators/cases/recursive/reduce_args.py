"""A __reduce__ whose args reach the object again through a list (REDUCE, then POP + GET)."""
FEATURES = ["recursive", "reduce"]

import pjfixtures
box = []
obj = pjfixtures.Point(box, 0)
box.append(obj)
