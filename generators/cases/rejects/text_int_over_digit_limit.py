"""A protocol-0 LONG of 5000 decimal digits: past CPython's 4300-digit int/str conversion limit (3.7.14+, 3.8.14+, 3.9.14+, 3.10.7+, 3.11+), ValueError; 2.7 and 3.6 load it."""
FEATURES = ["text-number", "int", "hostile", "reader-disagreement"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"L" + b"7" * 5000 + b"L\n."
