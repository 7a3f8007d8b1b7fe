"""A short ASCII str."""
FEATURES = ["str"]

obj = u"hello, world"
