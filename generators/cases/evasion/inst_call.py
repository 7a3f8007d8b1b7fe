"""INST os system: the class lookup and the call in one protocol-0 opcode, os.system("echo picklejar").

Technique: INST imports like GLOBAL and calls at once; scanners that only read GLOBAL and
STACK_GLOBAL miss it. Published as picklescan issue #13 ("Dangerous global detection
bypass with inst instruction", 2023, https://github.com/mmaitre314/picklescan/issues/13)
and modelscan issue #51 (https://github.com/protectai/modelscan/issues/51).
"""
FEATURES = ["evasion", "global", "old-style"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"(S'echo picklejar'\nios\nsystem\n."
