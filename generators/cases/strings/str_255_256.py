"""UTF-8 lengths 255 and 256: SHORT_BINUNICODE vs BINUNICODE at protocol 4+."""
FEATURES = ["str", "size-edges", "list"]

obj = [u"a" * 255, u"b" * 256, u"\u00e9" * 127 + u"c", u"\u00e9" * 128]
