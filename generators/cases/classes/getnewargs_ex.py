"""__getnewargs_ex__ with kwargs: NEWOBJ_EX at 4+, functools.partial(cls.__new__) at 2-3."""
FEATURES = ["instance", "newobj-ex"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.NewArgsEx(1, 2)
