"""STRING (py2 str) with both quote styles and escapes, read as str (ASCII), latin1 and bytes."""
FEATURES = ["py2-str", "p0-escapes"]

DATA = b"(S'abc'\nS\"dq\"\nS'a\\nb\\x41\\''\nS''\nl."
