"""An object array: the raw data is a list of the objects."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf

d = pf.np_dtype("O8", False, True)
d.state = (3, "|", None, None, None, -1, -1, 63)
obj = pf.np_array(d, (3,), [1, u"two", None])
