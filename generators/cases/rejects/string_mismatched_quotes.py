"""STRING with mismatched quotes."""
FEATURES = ["py2-str"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S'abc\"\n."
