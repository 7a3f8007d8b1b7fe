"""C0 controls, DEL and C1 controls, U+2028, U+FEFF and U+FFFF in text."""
FEATURES = ["str", "non-ascii"]

import sys
if sys.version_info[0] == 2:
    chr = unichr  # noqa: F821
obj = u"".join(chr(c) for c in list(range(0, 32)) + [0x7f, 0x80, 0x85, 0x9f, 0xa0, 0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff])
