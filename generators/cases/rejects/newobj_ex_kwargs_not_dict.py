"""NEWOBJ_EX whose kwargs are a list."""
FEATURES = ["newobj-ex"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x04cpjfixtures\nPlain\n)]\x92."
