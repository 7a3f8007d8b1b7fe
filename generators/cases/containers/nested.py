"""Lists, dicts, tuples and sets nested in each other."""
FEATURES = ["list", "dict", "tuple", "set", "str"]

obj = {u"a": [1, (2, 3), {u"b": [set([4]), ()]}], u"c": ([], {}, [[[]]])}
