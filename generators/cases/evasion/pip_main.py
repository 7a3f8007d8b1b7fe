"""pip._internal.cli.main.main(["--version"]): pip, which installs and runs packages, called from a pickle.

Technique: a callable missing from blocklists that runs arbitrary code indirectly (pip
install of a package with a setup script). CVE-2025-1716: picklescan before 0.0.21 did not
treat pip as unsafe (https://osv.dev/vulnerability/CVE-2025-1716).
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"\x8c\x16pip._internal.cli.main\x8c\x04main\x93"
        b"]\x8c\t--versiona\x85R"
        b".")
