"""Extension codes 256 and 65535: EXT2."""
FEATURES = ["extension"]
LOAD = {"extensions": {"256": ["pjfixtures", "ExtA"], "65535": ["pjfixtures", "ExtB"]}}

import pjfixtures
obj = [pjfixtures.ExtA, pjfixtures.ExtB]
