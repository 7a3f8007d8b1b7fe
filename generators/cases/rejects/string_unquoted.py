"""STRING without quotes."""
FEATURES = ["py2-str"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"Sabc\n."
