"""Bytes after STOP are not read."""
FEATURES = ["stack"]

DATA = b"K\x07.trailing garbage \xff"
