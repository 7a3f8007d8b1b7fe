"""One str object referenced twice: memoized, so GET; canon never anchors str."""
FEATURES = ["shared", "str"]

s = u"".join([u"sha", u"red"])
obj = [s, s, (s, s)]
