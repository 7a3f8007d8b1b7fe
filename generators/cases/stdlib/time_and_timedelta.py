"""datetime.time and datetime.timedelta."""
FEATURES = ["stdlib", "datetime", "reduce", "list"]

import datetime
obj = [datetime.time(13, 14, 15, 16), datetime.timedelta(days=-1, seconds=5, microseconds=7)]
