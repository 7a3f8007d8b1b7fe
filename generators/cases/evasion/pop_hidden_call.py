"""os.system("echo picklejar") whose result is POPped at once; the pickle returns None.

Technique: a call made only for its effect leaves nothing in the loaded value; a
decompiler that builds the value tree drops it. Reported against fickling by the authors of
promptfoo's ModelAudit (2025); technique class.
"""
FEATURES = ["evasion", "global", "reduce", "stack"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"cos\nsystem\n(S'echo picklejar'\ntR0N."
