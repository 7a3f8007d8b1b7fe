"""Extension code 255: the largest EXT1."""
FEATURES = ["extension"]
LOAD = {"extensions": {"255": ["pjfixtures", "ExtB"]}}

import pjfixtures
obj = pjfixtures.ExtB
