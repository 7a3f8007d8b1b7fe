"""NEWOBJ whose class is None."""
FEATURES = ["newobj"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x02N)\x81."
