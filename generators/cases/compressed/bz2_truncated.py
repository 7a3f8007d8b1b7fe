"""A bzip2 stream cut before its end-of-stream marker: "Compressed data ended before the end-of-stream marker was reached"."""
FEATURES = ["compressed", "bz2", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import pjcompress

DATA = pjcompress.SAMPLE_BZ2[:-12]
