"""The empty str (unicode on Python 2)."""
FEATURES = ["str"]

obj = u""
