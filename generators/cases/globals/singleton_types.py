"""type(None), type(Ellipsis), type(NotImplemented) (REDUCE of type) and the Ellipsis/NotImplemented singletons."""
FEATURES = ["global", "reduce"]
PYTHONS = ["3.6+"]

obj = [type(None), type(Ellipsis), type(NotImplemented), Ellipsis, NotImplemented]
