"""A str of 65536 characters: larger than a frame, written unframed at protocol 4+."""
FEATURES = ["str", "large", "framing"]

obj = u"".join(u"abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(65536))
