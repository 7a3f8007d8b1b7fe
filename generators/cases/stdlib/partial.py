"""functools.partial: reduce (partial, (func,)) + state (func, args, kwargs, dict)."""
FEATURES = ["stdlib", "reduce"]

import functools
obj = functools.partial(int, base=2)
