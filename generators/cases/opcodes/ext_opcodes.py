"""EXT1, EXT2, EXT4 written by hand with a registry for each code."""
FEATURES = ["extension"]
LOAD = {"extensions": {"1": ["pjfixtures", "ExtA"], "256": ["pjfixtures", "ExtB"], "65536": ["pjfixtures", "ext_function"]}}

DATA = b"\x80\x02]q\x00(\x82\x01\x83\x00\x01\x84\x00\x00\x01\x00e."
