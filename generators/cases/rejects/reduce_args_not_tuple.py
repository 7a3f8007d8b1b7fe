"""REDUCE whose args are None."""
FEATURES = ["reduce"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"cbuiltins\nint\nNR."
