"""A list of 1001 ints: APPENDS batches of 1000 (C and Python picklers differ at 1 mod 1000)."""
FEATURES = ["list", "batching"]

obj = list(range(1001))
