"""BINPUT/BINGET, LONG_BINPUT/LONG_BINGET with the same index space."""
FEATURES = ["memo", "memo-long"]

DATA = b"\x80\x02]q\x05K\x01r\x00\x01\x00\x00ah\x05aj\x00\x01\x00\x00a."
