"""A dict of 1 item(s), int keys (insertion order = py2 hash order)."""
FEATURES = ["dict"]

obj = {1: 10}
