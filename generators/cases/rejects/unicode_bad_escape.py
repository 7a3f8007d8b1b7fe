"""UNICODE with a truncated \\\\u escape."""
FEATURES = ["str", "p0-escapes"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"Vab\\u12\n."
