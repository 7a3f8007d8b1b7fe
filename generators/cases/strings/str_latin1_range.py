"""Every character U+0080..U+00FF (raw latin-1 bytes in protocol 0 UNICODE)."""
FEATURES = ["str", "non-ascii"]

import sys
if sys.version_info[0] == 2:
    chr = unichr  # noqa: F821
obj = u"".join(chr(c) for c in range(0x80, 0x100))
