"""Characters protocol 0 treats specially: backslash, NUL, LF, CR, SUB (3.7+ escape all five)."""
FEATURES = ["str", "p0-escapes"]

obj = u"a\\b\x00c\nd\re\x1af"
