"""bytes of 255 and 256: SHORT_BINBYTES vs BINBYTES."""
FEATURES = ["bytes", "size-edges", "list"]

obj = [b"x" * 255, b"y" * 256]
