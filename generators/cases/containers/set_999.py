"""A set of 999 ints: set(list) reduce below protocol 4, EMPTY_SET + ADDITEMS batches from 4."""
FEATURES = ["set", "batching"]

obj = set(range(999))
