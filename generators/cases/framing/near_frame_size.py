"""Items that fill a frame to just under, at and over 65536 bytes."""
FEATURES = ["framing", "bytes"]
PROTOCOLS = [4, 5]

obj = [b"a" * 65000, b"b" * 520, b"c" * 16, b"d" * 1000]
