"""A 2 KiB zstd frame of RLE blocks that inflates to 64 MiB of zeros: a bomb that is not a pickle (the first byte is no opcode), unknown-opcode at byte 0."""
FEATURES = ["compressed", "zstd", "hostile", "unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

import pjcompress

BLOCK = 128 * 1024                 # the largest block (window 1 MiB)
COUNT = 512                        # 64 MiB of zeros
DATA = pjcompress.zstd_frame(
    [pjcompress.zstd_block("rle", b"\x00", False, count=BLOCK)] * (COUNT - 1)
    + [pjcompress.zstd_block("rle", b"\x00", True, count=BLOCK)])
