"""The empty tuple is never memoized: written each time."""
FEATURES = ["shared", "tuple"]

e = ()
obj = [e, e, (e, e)]
