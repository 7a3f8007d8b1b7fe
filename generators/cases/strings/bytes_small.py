"""Short bytes: _codecs.encode(latin1 str) at protocols 0-2 (py3), SHORT_BINBYTES from 3."""
FEATURES = ["bytes"]

obj = b"abc"
