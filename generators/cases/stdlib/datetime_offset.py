"""A datetime with a fixed-offset timezone carrying a name."""
FEATURES = ["stdlib", "datetime", "reduce"]
PYTHONS = ["3.6+"]

import datetime
tz = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30), u"X")
obj = datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=tz)
