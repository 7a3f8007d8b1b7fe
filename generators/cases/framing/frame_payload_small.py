"""Empty containers and atoms in one small frame."""
FEATURES = ["framing", "tuple", "list"]
PROTOCOLS = [4, 5]

obj = [(), [], {}, 1, None]
