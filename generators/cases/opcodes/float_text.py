"""FLOAT text forms: 1.5, 1e3, inf, nan, -0.0."""
FEATURES = ["float", "text-number"]

DATA = b"(F1.5\nF1e3\nFinf\nF-inf\nFnan\nF-0.0\nF0.1\nl."
