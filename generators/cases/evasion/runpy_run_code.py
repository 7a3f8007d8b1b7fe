"""runpy._run_code("print('picklejar')", {}): exec of source text through a private runpy helper.

Technique: runpy executes code given as text; picklescan added the runpy module to its
blocklist in pull request #27 (2024, https://github.com/mmaitre314/picklescan/pull/27).
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"crunpy\n_run_code\n(Vprint('picklejar')\n(dtR."
