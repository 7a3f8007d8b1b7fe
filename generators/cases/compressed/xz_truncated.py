"""An xz stream cut inside its index: lzma.LZMAError "Compressed data ended before the end-of-stream marker was reached"."""
FEATURES = ["compressed", "xz", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import pjcompress

DATA = pjcompress.SAMPLE_XZ[:-20]
