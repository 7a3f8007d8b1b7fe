"""FileNotFoundError: written as exceptions.OSError at 0-2, loads back as FileNotFoundError."""
FEATURES = ["stdlib", "reduce", "global-renamed"]
PYTHONS = ["3.6+"]

obj = FileNotFoundError(2, u"missing")
