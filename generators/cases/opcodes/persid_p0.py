"""PERSID with an ASCII id at protocol 0."""
FEATURES = ["persistent-id"]
LOAD = {"persistent_load": True}

DATA = b"(Pkey1\nPkey2\nl."
