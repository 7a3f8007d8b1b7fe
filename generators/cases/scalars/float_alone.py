"""A float alone (F at protocol 0, BINFLOAT big-endian from 1)."""
FEATURES = ["float"]

obj = 3.141592653589793
