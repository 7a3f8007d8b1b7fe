"""A diamond: two lists share a third, reached through a tuple."""
FEATURES = ["shared", "list", "tuple"]

bottom = [u"bottom"]
left = [bottom]
right = [bottom]
obj = (left, right, bottom)
