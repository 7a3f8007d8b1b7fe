"""__slots__ plus __dict__: state is (dict, slots)."""
FEATURES = ["instance", "slots"]
PROTOCOLS = [2, 3, 4, 5]

import pjfixtures

obj = pjfixtures.SlottedDict()
obj.s = 5
obj.d = 6
