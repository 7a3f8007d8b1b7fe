"""Builtin and stdlib functions by reference."""
FEATURES = ["global"]

import copy
import os
obj = [len, abs, copy.deepcopy, os.getcwd]
