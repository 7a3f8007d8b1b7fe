"""Real pandas timezone-aware datetimes: a UTC and a fixed-offset DatetimeIndex-backed Series and a Timestamp with a tz.

UTC and fixed offsets pickle without a tz database (pandas 1.x names pytz, pandas 3.x the
standard library's datetime.timezone).
"""
FEATURES = ["pandas", "datetime"]
NEEDS = ["pandas"]

import datetime

import pandas as pd

east = datetime.timezone(datetime.timedelta(hours=5, minutes=30)) if hasattr(
    datetime, "timezone") else None
utc = pd.Series(pd.date_range("2020-03-29T00:00", periods=2, freq="h", tz="UTC"))
obj = [utc, pd.Timestamp("2021-06-01T12:00", tz="UTC")]
if east is not None:
    obj.append(pd.Series(pd.date_range("2020-01-01", periods=2, freq="D", tz=east)))
