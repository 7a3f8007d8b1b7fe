"""Python 3 builtins that protocols 0-2 write under their Python 2 names (int->long, str->unicode, range->xrange, reduce)."""
FEATURES = ["global", "global-renamed"]
PYTHONS = ["3.6+"]

import functools
obj = [int, str, range, bytes, functools.reduce, ValueError, object, bool]
