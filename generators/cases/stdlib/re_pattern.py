"""A compiled regular expression: copyreg reduces it to re._compile(pattern, flags)."""
FEATURES = ["stdlib", "reduce"]

import re
obj = re.compile(u"a+b", re.IGNORECASE)
