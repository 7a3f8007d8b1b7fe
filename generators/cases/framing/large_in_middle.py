"""A large bytes between small items: frame committed, payload unframed, new frame."""
FEATURES = ["framing", "large", "bytes"]
PROTOCOLS = [4, 5]

obj = [1, b"x" * 66000, [2]]
