"""A set of 1000 tuples that all share one tuple of 100 strs: each element's sort key holds the shared tuple, so a codec must key it once (CPython loads it; a budget charged per re-expansion refuses it)."""
FEATURES = ["shared", "set", "tuple"]

common = tuple(u"s%d" % i for i in range(100))
obj = set((common, i) for i in range(1000))
