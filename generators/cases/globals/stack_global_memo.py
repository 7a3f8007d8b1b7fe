"""STACK_GLOBAL with memoized module and name strings, reused by BINGET."""
FEATURES = ["global", "memo"]

import struct
body = (b"]\x94(\x8c\x0apjfixtures\x94\x8c\x05Plain\x94\x93\x94"
        b"h\x01\x8c\x05Empty\x94\x93\x94h\x03e.")
DATA = b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body
