"""Over 256 memoized objects: LONG_BINPUT/LONG_BINGET past index 255."""
FEATURES = ["shared", "memo-long"]

items = [[i] for i in range(300)]
obj = items + [items[0], items[255], items[256], items[299]]
