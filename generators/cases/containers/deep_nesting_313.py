"""A list nested 3000 deep, as CPython 3.13's pickle.dumps(x, 4) writes it (one frame; 3.13's C pickler nests up to 4999 lists, older ones about 1000): past the old 1000-level default depth limit."""
FEATURES = ["list", "deep", "framing"]

import struct

# x = None; for _ in range(3000): x = [x]; pickle.dumps(x, 4) on 3.13
N = 3000
BODY = b"]\x94" * N + b"N" + b"a" * N + b"."
DATA = b"\x80\x04\x95" + struct.pack("<Q", len(BODY)) + BODY
