"""LONG1 lengths 1..9 and the two-complement sign edges (0x7f/0x80/0xff...)."""
FEATURES = ["int", "list"]

obj = [2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 39, 2 ** 40, 2 ** 47, 2 ** 55, 2 ** 56,
       -2 ** 32, -2 ** 39 - 1, -2 ** 40, -(2 ** 56) - 1, 2 ** 100, -2 ** 100, -2 ** 127]
