"""__reduce_ex__ whose result depends on the protocol (< 2 vs >= 2)."""
FEATURES = ["reduce", "reduce-ex"]

import pjfixtures
obj = pjfixtures.ReduceEx(3)
