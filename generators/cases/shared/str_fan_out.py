"""One 100-character str referenced 200 times (and twice more in a tuple): memoized once, fetched with GET; canon prints it per reference and never anchors it."""
FEATURES = ["shared", "str"]

s = u"".join([u"fan-out ", u"x" * 92])
obj = [s] * 200 + [(s, s)]
