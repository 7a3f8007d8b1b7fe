"""BINPERSID with a tuple id."""
FEATURES = ["persistent-id"]
LOAD = {"persistent_load": True}

DATA = b"\x80\x02X\x01\x00\x00\x00aK\x01\x86Q."
