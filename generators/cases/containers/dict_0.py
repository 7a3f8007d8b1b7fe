"""A dict of 0 item(s), int keys (insertion order = py2 hash order)."""
FEATURES = ["dict"]

obj = {}
