"""Lone surrogates survive pickling (surrogatepass); canon uses hex."""
FEATURES = ["str", "surrogate"]

import sys
if sys.version_info[0] == 2:
    chr = unichr  # noqa: F821
obj = [u"a" + chr(0xd800) + u"b", chr(0xdfff), chr(0xdbff) + chr(0xdc00)]
