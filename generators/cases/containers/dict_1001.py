"""A dict of 1001 items: SETITEMS batches (C writes an empty batch after 1000k)."""
FEATURES = ["dict", "batching"]

obj = dict((i, -i) for i in range(1001))
