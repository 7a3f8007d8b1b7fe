"""INST (old-style instance, protocol 0) with a dict BUILD."""
FEATURES = ["old-style", "instance"]

DATA = b"(ipjfixtures\nOldPlain\np0\n(dp1\nVx\np2\nI1\nsb."
