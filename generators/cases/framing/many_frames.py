"""list(range(25000)) at protocol 4+: several 64 KiB frames."""
FEATURES = ["framing", "list", "large"]
PROTOCOLS = [4, 5]

obj = list(range(25000))
