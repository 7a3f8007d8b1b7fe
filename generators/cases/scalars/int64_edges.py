"""The signed 64-bit edges (py2 int vs long) as LONG/LONG1."""
FEATURES = ["int", "list"]

obj = [2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 2 ** 64]
