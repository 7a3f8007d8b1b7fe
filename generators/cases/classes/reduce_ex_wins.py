"""A class with __reduce__ and __reduce_ex__: __reduce_ex__ is used."""
FEATURES = ["reduce", "reduce-ex"]

import pjfixtures
obj = pjfixtures.ReduceExBoth()
