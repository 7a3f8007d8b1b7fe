"""STRING of a lone quote."""
FEATURES = ["py2-str"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S'\n."
