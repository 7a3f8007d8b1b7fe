"""Exception instances: (cls, args) + state; py2 names them exceptions.X."""
FEATURES = ["stdlib", "reduce", "global-renamed"]

obj = [ValueError(u"bad", 1), KeyError(u"k"), Exception()]
