"""An xz stream whose CRC-64 check of the block does not match: lzma.LZMAError "Corrupt input data"."""
FEATURES = ["compressed", "xz", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import pjcompress

# the 8 bytes before the index (which starts 24 bytes from the end) are the CRC-64
DATA = pjcompress.flip(pjcompress.SAMPLE_XZ, len(pjcompress.SAMPLE_XZ) - 24 - 8, 0xff)
