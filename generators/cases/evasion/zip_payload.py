"""os.system("echo picklejar") as the data.pkl of a PyTorch-style zip checkpoint.

Technique class: the pickle sits in a zip archive, as torch.save writes it
(`archive/data.pkl` beside `archive/byteorder` and `archive/version`); torch.load opens the
archive and unpickles data.pkl, while a scanner that only scans raw .pkl streams (this file
starts with `PK\x03\x04`, not a pickle opcode) or only some archive members (by name or
extension) misses it. Picklescan's zip bypasses of 2025 are of this class (CVE-2025-1944,
CVE-2025-1945, reported by Sonatype: a member name or flag bits altered so that the scanner
skips data.pkl while PyTorch still loads it). The archive is written by hand: stored
members, a fixed 1980-01-01 timestamp, so the bytes are the same everywhere.
"""
FEATURES = ["evasion", "compressed", "zip", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

import pjcompress

PAYLOAD = b"\x80\x02cos\nsystem\nX\x0e\x00\x00\x00echo picklejar\x85R."

DATA = pjcompress.zip_archive([
    ("archive/data.pkl", PAYLOAD),
    ("archive/byteorder", b"little"),
    ("archive/version", b"3\n"),
])
