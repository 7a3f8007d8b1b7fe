"""A second PROTO opcode after the first is accepted."""
FEATURES = ["proto"]

DATA = b"\x80\x02K\x01\x80\x03\x85."
