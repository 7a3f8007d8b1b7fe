"""3.6/3.7 bytearray at protocol 2: bytearray(str, "latin-1")."""
FEATURES = ["bytearray", "reduce"]

DATA = b"\x80\x02c__builtin__\nbytearray\nX\x02\x00\x00\x00abX\x07\x00\x00\x00latin-1\x86R."
