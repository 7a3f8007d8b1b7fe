"""One bytes object referenced twice."""
FEATURES = ["shared", "bytes"]

b = bytes(bytearray(b"xyz"))
obj = [b, b]
