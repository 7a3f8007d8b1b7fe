"""EMPTY_SET and two ADDITEMS batches, one of them empty."""
FEATURES = ["set"]

DATA = b"\x80\x04\x8f(K\x01K\x02\x90(\x90."
