"""A datetime with fold=1: the fold bit is in the state only at protocol 4+."""
FEATURES = ["stdlib", "datetime", "reduce"]
PYTHONS = ["3.6+"]

import datetime
obj = datetime.datetime(2021, 11, 7, 1, 30, fold=1)
