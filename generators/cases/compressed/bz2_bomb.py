"""A 234-byte bzip2 stream that inflates to 257 MiB (a valid pickle: one BINBYTES8 of zeros): past the 256 MiB decompression cap, limit-exceeded."""
FEATURES = ["compressed", "bz2", "hostile", "large"]
EXPECT = "reject"
ERROR = "limit-exceeded"

import binascii

# Made once (2 s of CPU, so it is kept as bytes):
#   c = bz2.BZ2Compressor(9); N = 257 << 20
#   c.compress(b"\x80\x04\x8e" + struct.pack("<Q", N)) + c.compress(b"\0" * N) + c.compress(b".") + c.flush()
DATA = binascii.unhexlify(
    "425a68393141592653591f0e03e1057e38e040c40040004001000820005060026aa68d33645404b08a80"
    "96f045404b7d9edc22a025f3141592653590e09e2df015f8e4000c0000008200030804d4642a025a90a8"
    "0973141592653590e09e2df015f8e4000c0000008200030804d4642a025a90a80973141592653590e09e"
    "2df015f8e4000c0000008200030804d4642a025a90a80973141592653590e09e2df015f8e4000c000000"
    "8200030804d4642a025a90a80973141592653596999feed013248d000c00040010008200050669a052a3"
    "d3422228dfa94a522b7a1111470bb9229c28481e5e7b8200")
