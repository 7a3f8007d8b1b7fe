"""True and False: I01/I00 at protocols 0-1, NEWTRUE/NEWFALSE from 2."""
FEATURES = ["bool", "list"]

obj = [True, False]
