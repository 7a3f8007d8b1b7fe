"""An instance with an empty __dict__: no BUILD in 3.x; Python 2 writes BUILD {} at protocol 2."""
FEATURES = ["instance"]

import pjfixtures
obj = pjfixtures.Empty()
