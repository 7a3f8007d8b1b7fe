"""Python 3 bytes at protocol 2: _codecs.encode(str, "latin1") by hand; py2 readers get str."""
FEATURES = ["bytes", "reduce"]

DATA = b"\x80\x02c_codecs\nencode\nX\x02\x00\x00\x00\xc3\xa9X\x06\x00\x00\x00latin1\x86R."
