"""BINBYTES8 with a 2**40 length: the C unpickler allocates first (MemoryError), the Python one reports truncation."""
FEATURES = ["bytes", "hostile", "reader-disagreement"]
EXPECT = "reject"
ERROR = "limit-exceeded"

DATA = b"\x80\x04\x8e\x00\x00\x00\x00\x00\x01\x00\x00abc."
