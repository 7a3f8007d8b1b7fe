"""An aware datetime in timezone.utc (Python 3 only)."""
FEATURES = ["stdlib", "datetime", "reduce"]
PYTHONS = ["3.6+"]

import datetime
obj = datetime.datetime(2020, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
