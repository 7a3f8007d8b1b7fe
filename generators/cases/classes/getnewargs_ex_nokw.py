"""__getnewargs_ex__ with empty kwargs: plain NEWOBJ."""
FEATURES = ["instance", "newobj"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = pjfixtures.NewArgsExNoKw(7)
