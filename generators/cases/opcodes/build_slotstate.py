"""BUILD with a (dict, slotstate) tuple on a plain instance."""
FEATURES = ["instance", "slots"]

DATA = b"\x80\x02cpjfixtures\nPlain\n)\x81}X\x01\x00\x00\x00aK\x01s}X\x01\x00\x00\x00bK\x02s\x86b."
