"""A 10000-bit int: LONG4 with a 1251-byte payload."""
FEATURES = ["int"]

obj = 3 ** 6300
