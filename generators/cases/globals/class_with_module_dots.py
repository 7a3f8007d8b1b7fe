"""A class whose module is dotted (collections.abc, os.path functions)."""
FEATURES = ["global"]

import collections
obj = [collections.OrderedDict]
