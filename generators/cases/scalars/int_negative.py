"""Negative ints at the BININT1/BININT2 edges: all negatives are BININT."""
FEATURES = ["int", "list"]

obj = [-1, -255, -256, -65535, -65536, -65537]
