"""Python 2 str whose repr needs each quote style (STRING quoting at protocol 0)."""
FEATURES = ["py2-str", "list"]
PYTHONS = ["2.7"]

obj = [b"it's", b'say "hi"', b"both ' and \"", b"back\\slash\n"]
