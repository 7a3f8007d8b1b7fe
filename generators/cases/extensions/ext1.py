"""A class registered with copyreg.add_extension code 1: EXT1 at protocol 2+, GLOBAL below."""
FEATURES = ["extension"]
LOAD = {"extensions": {"1": ["pjfixtures", "ExtA"]}}

import pjfixtures
obj = [pjfixtures.ExtA, pjfixtures.ExtA]
