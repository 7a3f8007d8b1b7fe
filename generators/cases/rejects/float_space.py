"""FLOAT text with a leading space: C rejects it, the Python unpickler accepts."""
FEATURES = ["text-number", "float", "reader-disagreement"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"F 1.5\n."
