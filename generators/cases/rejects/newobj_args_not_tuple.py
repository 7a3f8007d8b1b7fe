"""NEWOBJ whose args are None."""
FEATURES = ["newobj"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x02cpjfixtures\nPlain\nN\x81."
