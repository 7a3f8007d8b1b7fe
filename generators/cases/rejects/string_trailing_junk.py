"""STRING with text after the closing quote (py2 test_insecure_strings)."""
FEATURES = ["py2-str"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S'abc'   ?\n."
