"""A set of 1000 ints: set(list) reduce below protocol 4, EMPTY_SET + ADDITEMS batches from 4."""
FEATURES = ["set", "batching"]

obj = set(range(1000))
