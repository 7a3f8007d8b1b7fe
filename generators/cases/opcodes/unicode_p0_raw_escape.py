"""UNICODE (raw-unicode-escape) with \\\\u, \\\\U escapes and raw latin-1 bytes."""
FEATURES = ["str", "p0-escapes", "non-ascii"]

DATA = b"(V\\u20ac\\U0001f600\xe9\nV\nl."
