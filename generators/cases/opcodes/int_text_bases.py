"""INT text in other bases (int(s, 0) / strtol base 0): 0x10, 0o17, 1_0."""
FEATURES = ["int", "text-number", "reader-disagreement"]

DATA = b"(I0x10\nl."
