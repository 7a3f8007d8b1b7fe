"""Functions and a class that live in importable modules: dill and cloudpickle pickle them by reference (GLOBAL), as pickle does."""
FEATURES = ["dill", "cloudpickle", "global"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]

import os.path
import pjfixtures

obj = [pjfixtures.make_point, pjfixtures.Point, os.path.join, len]
