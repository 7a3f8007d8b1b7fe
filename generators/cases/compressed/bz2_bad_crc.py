"""A bzip2 stream whose block CRC does not match the block: OSError "Invalid data stream"."""
FEATURES = ["compressed", "bz2", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import pjcompress

# bytes 10-13 are the first block's CRC (after "BZh9" and the 6-byte block magic)
DATA = pjcompress.flip(pjcompress.SAMPLE_BZ2, 10, 0x01)
