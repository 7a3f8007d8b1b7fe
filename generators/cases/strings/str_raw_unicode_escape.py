"""Text that looks like raw-unicode-escape escapes (\\u1234, \\U..., \\x) must round-trip."""
FEATURES = ["str", "p0-escapes"]

obj = u"\\u1234 \\U0001f600 \\x41 \\\\"
