"""functools.partial of a lambda: the partial by reference (reduce with state), the lambda inside it by value."""
FEATURES = ["dill", "cloudpickle", "by-value", "stdlib", "reduce"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]

import functools

obj = functools.partial(lambda a, b, c=0: a * b + c, 3, c=1)
