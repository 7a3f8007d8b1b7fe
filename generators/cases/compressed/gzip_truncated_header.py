"""Only the first 5 bytes of a gzip header (magic, method, flags, one mtime byte)."""
FEATURES = ["compressed", "gzip", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x1f\x8b\x08\x00\x00"
