"""SHORT_BINSTRING and BINSTRING with high bytes."""
FEATURES = ["py2-str", "non-ascii"]

DATA = b"\x80\x02]q\x00(U\x03\xe9\xe8\xe7T\x02\x00\x00\x00\x00\xffe."
