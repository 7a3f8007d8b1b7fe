"""uuid.UUID: an instance whose state holds the 128-bit int."""
FEATURES = ["stdlib", "instance"]

import uuid
obj = uuid.UUID("12345678-1234-5678-1234-567812345678")
