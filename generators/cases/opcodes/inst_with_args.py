"""INST with arguments: the class is called (cls(1, 2))."""
FEATURES = ["old-style", "reduce"]

DATA = b"(I1\nI2\nipjfixtures\nOldInitArgs\n."
