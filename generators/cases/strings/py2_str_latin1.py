"""Python 2 str with bytes >= 0x80: the default ASCII decoding fails in py3."""
FEATURES = ["py2-str", "non-ascii"]
PYTHONS = ["2.7"]

obj = [b"caf\xe9", b"\x00\xff"]
