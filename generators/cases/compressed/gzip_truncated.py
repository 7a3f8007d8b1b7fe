"""A gzip file cut inside its deflate data: "Compressed file ended before the end-of-stream marker was reached"."""
FEATURES = ["compressed", "gzip", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import pjcompress

DATA = pjcompress.sample_gzip()[:10 + 20]   # the 10-byte header and 20 of 43 deflate bytes
