"""FLOAT text that is not a number."""
FEATURES = ["text-number", "float"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"F1.5x\n."
