"""A complete gzip member followed by bytes that are not another member: gzip.decompress rejects them (gzip.BadGzipFile "Not a gzipped file")."""
FEATURES = ["compressed", "gzip", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import pjcompress

DATA = pjcompress.sample_gzip() + b"junk"
