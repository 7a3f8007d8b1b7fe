"""Empty bytes: builtins.bytes() reduce at protocols 0-2, SHORT_BINBYTES from 3."""
FEATURES = ["bytes"]

obj = b""
