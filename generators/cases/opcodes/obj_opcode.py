"""OBJ (old-style instance, protocol 1+): MARK class args OBJ."""
FEATURES = ["old-style", "reduce"]

DATA = b"(cpjfixtures\nOldInitArgs\nK\x01K\x02o."
