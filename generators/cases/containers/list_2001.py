"""A list of 2001 ints: APPENDS batches of 1000 (C and Python picklers differ at 1 mod 1000)."""
FEATURES = ["list", "batching"]

obj = list(range(2001))
