"""The same tuple three times (memoized after its elements)."""
FEATURES = ["shared", "tuple"]

t = (1, [2])
obj = [t, t, (t,)]
