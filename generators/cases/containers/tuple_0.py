"""A tuple of 0 item(s): EMPTY_TUPLE, never memoized."""
FEATURES = ["tuple"]

obj = ()
