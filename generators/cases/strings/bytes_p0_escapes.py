"""bytes with NUL, LF, CR, SUB, backslash and high bytes (protocol 0 escaping)."""
FEATURES = ["bytes", "p0-escapes"]

obj = b"\x00\x80\xff\n\\\r\x1a"
