"""INT text: 01 and 00 are True/False; other INT values are ints."""
FEATURES = ["int", "bool", "text-number"]

DATA = b"(I01\nI00\nI1\nI0\nI-7\nI2147483648\nl."
