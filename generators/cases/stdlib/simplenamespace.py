"""types.SimpleNamespace: (cls, (), dict)."""
FEATURES = ["stdlib", "reduce"]
PYTHONS = ["3.6+"]

import types
obj = types.SimpleNamespace(a=1, b=u"b")
