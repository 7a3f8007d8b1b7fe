"""Instances of an extension-registered class (NEWOBJ with an EXT class)."""
FEATURES = ["extension", "instance"]
LOAD = {"extensions": {"1000": ["pjfixtures", "ExtA"]}}

import pjfixtures
obj = [pjfixtures.ExtA(), pjfixtures.ExtA()]
