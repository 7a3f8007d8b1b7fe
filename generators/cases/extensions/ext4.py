"""Extension codes 65536 and 0x7fffffff: EXT4."""
FEATURES = ["extension"]
LOAD = {"extensions": {"65536": ["pjfixtures", "ext_function"], "2147483647": ["pjfixtures", "ExtB"]}}

import pjfixtures
obj = [pjfixtures.ext_function, pjfixtures.ExtB]
