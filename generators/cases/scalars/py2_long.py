"""Python 2 long values (1L, 0L, -1L, 2**64) written as LONG/LONG1 by Python 2."""
FEATURES = ["int", "py2-long", "list"]

try:
    long
except NameError:  # Python 3: every int is a long
    long = int
obj = [long(1), long(0), long(-1), long(2) ** 64, long(255)]
