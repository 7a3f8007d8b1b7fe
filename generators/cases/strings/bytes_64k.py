"""bytes of 65536: at the frame size target, written unframed at protocol 4+."""
FEATURES = ["bytes", "large", "framing"]

obj = b"z" * 65536
