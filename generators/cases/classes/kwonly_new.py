"""A __new__ with keyword-only arguments, pickled through __getnewargs_ex__."""
FEATURES = ["instance", "newobj-ex"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.KwOnly(1, b=2)
