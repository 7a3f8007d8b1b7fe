"""The signed 32-bit edges: 2**31-1 and -2**31 are BININT, one further is LONG1."""
FEATURES = ["int", "list"]

obj = [2 ** 31 - 1, -2 ** 31, 2 ** 31, -2 ** 31 - 1]
