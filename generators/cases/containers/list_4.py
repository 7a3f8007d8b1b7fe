"""A list of 4 item(s): MARK..APPENDS."""
FEATURES = ["list"]

obj = [1, 2, 3, 4]
