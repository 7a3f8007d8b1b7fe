"""A dict of 2 item(s), int keys (insertion order = py2 hash order)."""
FEATURES = ["dict"]

obj = {1: 10, 2: 20}
