"""A FRAME longer than the data: C says truncated, the Python unpickler reads on."""
FEATURES = ["truncated", "framing", "reader-disagreement"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00K\x01."
