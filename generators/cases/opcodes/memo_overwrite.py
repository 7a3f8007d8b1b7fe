"""PUT twice at the same index: the later value wins."""
FEATURES = ["memo"]

DATA = b"\x80\x02K\x01q\x000K\x02q\x000h\x00."
