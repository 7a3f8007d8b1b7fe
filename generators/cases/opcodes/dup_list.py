"""DUP of a list then APPEND: the list contains itself."""
FEATURES = ["dup", "recursive"]

DATA = b"]2a."
