"""INT text with junk after the digits."""
FEATURES = ["text-number"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"I9223372036854775807JUNK\n."
