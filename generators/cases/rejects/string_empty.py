"""STRING with no argument at all."""
FEATURES = ["py2-str"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"S\n."
