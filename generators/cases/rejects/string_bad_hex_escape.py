"""STRING with a malformed \\\\x escape."""
FEATURES = ["py2-str", "p0-escapes"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S'\\x4'\n."
