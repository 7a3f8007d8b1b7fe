"""Latin-1, BMP and astral characters (UTF-8 of 2, 3 and 4 bytes)."""
FEATURES = ["str", "non-ascii"]

import sys
if sys.version_info[0] == 2:
    chr = unichr  # noqa: F821
obj = u"caf" + chr(0xe9) + u" " + chr(0x20ac) + chr(0x4e2d) + u" " + chr(0x1f600)
