"""GET with a non-numeric index."""
FEATURES = ["memo", "text-number"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"]p0\ngx\n."
