"""A gzip file whose deflate data is complete but whose 8-byte CRC-32/ISIZE trailer is cut to 5 bytes."""
FEATURES = ["compressed", "gzip", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import pjcompress

DATA = pjcompress.sample_gzip()[:-3]
