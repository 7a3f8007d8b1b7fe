"""datetime.date: reduce to (date, (4-byte state,)); a py2 str state needs encoding=latin1/bytes in py3."""
FEATURES = ["stdlib", "datetime", "reduce"]

import datetime
obj = datetime.date(2024, 2, 29)
