"""LONG_BINPUT 0xffffffff: the C unpickler grows its memo array to 2**32 slots (MemoryError); the Python one uses a dict and succeeds."""
FEATURES = ["memo", "hostile", "reader-disagreement"]
EXPECT = "reject"
ERROR = "limit-exceeded"

DATA = b"\x80\x02Nr\xff\xff\xff\xff."
