"""PERSID with a non-ASCII id at protocol 0."""
FEATURES = ["persistent-id"]
LOAD = {"persistent_load": True}
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"P\xe2\x88\x85\n."
