"""INT text with signs and spaces: C reads I-0/I+1 as bools, Python as ints."""
FEATURES = ["int", "bool", "text-number", "reader-disagreement"]

DATA = b"(I-0\nI+1\nI 5\nI+5\nl."
