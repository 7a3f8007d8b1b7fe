"""INT text without its newline."""
FEATURES = ["truncated", "text-number"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"I12"
