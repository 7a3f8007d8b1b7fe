"""A naive datetime with microseconds (10-byte state)."""
FEATURES = ["stdlib", "datetime", "reduce"]

import datetime
obj = datetime.datetime(2001, 2, 3, 4, 5, 6, 789012)
