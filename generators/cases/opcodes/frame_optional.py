"""A protocol-4 stream with no FRAME at all."""
FEATURES = ["framing"]

DATA = b"\x80\x04]\x94(K\x01K\x02e."
