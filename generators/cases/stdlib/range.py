"""range (xrange on Python 2): builtins.range at 3+, __builtin__.xrange below."""
FEATURES = ["stdlib", "reduce", "global-renamed"]

try:
    xrange
except NameError:
    xrange = range
obj = [xrange(5), xrange(1, 10, 3)]
