"""STRING ending in a lone backslash."""
FEATURES = ["py2-str", "p0-escapes"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S'\\'\n."
