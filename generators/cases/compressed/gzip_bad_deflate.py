"""A gzip member whose deflate data starts with the reserved block type 3: zlib.error "invalid block type"."""
FEATURES = ["compressed", "gzip", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import pjcompress

# BFINAL=1, BTYPE=11 (reserved), then junk
DATA = pjcompress.gzip_member(b"\x07\x00\x00\x00", 0, 0)
