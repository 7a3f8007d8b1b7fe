"""12000 distinct short strings: several frames of MEMOIZE/SHORT_BINUNICODE."""
FEATURES = ["framing", "str", "memo-long"]
PROTOCOLS = [4, 5]

obj = [u"%05d" % i for i in range(12000)]
