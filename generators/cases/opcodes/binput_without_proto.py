"""Binary opcodes in a stream with no PROTO (a protocol-1 pickle)."""
FEATURES = ["proto", "memo"]

DATA = b"]q\x00(K\x01h\x00e."
