"""Small ints: 0, 1, 255, 256, 65535, 65536, -1 (BININT1, BININT2, BININT)."""
FEATURES = ["int", "list"]

obj = [0, 1, 255, 256, 65535, 65536, -1]
