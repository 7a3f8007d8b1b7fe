"""__reduce__ with a state_setter (6-tuple, Python 3.8+): setter, obj, state, TUPLE2, REDUCE, POP."""
FEATURES = ["reduce", "state-setter"]
PYTHONS = ["3.8+"]

import pjfixtures
obj = pjfixtures.Reduce6([1])
