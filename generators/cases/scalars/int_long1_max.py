"""The largest LONG1 (255 bytes) and the smallest LONG4 (256 bytes), both signs."""
FEATURES = ["int", "list"]

# 255 bytes hold -2**2039 .. 2**2039-1; one beyond needs 256 bytes (LONG4)
obj = [2 ** 2039 - 1, -2 ** 2039, 2 ** 2039, -2 ** 2039 - 1]
