"""Astral-plane characters only (\\UXXXXXXXX escapes at protocol 0)."""
FEATURES = ["str", "non-ascii"]

import sys
if sys.version_info[0] == 2:
    chr = unichr  # noqa: F821
obj = chr(0x1f600) + chr(0x10ffff) + chr(0x10000)
