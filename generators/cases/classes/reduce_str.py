"""__reduce__ returning a str: the object pickles as that global."""
FEATURES = ["reduce", "global"]

import pjfixtures
obj = [pjfixtures.SINGLETON, pjfixtures.SINGLETON]
