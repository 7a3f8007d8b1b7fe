"""Python 2 builtin types and functions by reference (their names map to Python 3 on load)."""
FEATURES = ["global", "global-renamed"]
PYTHONS = ["2.7"]

obj = [int, str, float, len, getattr, Exception]
