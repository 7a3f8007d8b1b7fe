"""copy_reg._reconstructor(subprocess.Popen, subprocess.Popen, ["echo", "picklejar"]): the dangerous class is an argument, run by _reconstructor (base.__init__(obj, state)).

Technique class: a harmless-looking callable of copyreg that calls what it is given; the
dangerous global appears only as an argument, which scanners that check the REDUCE
callable miss. The recorded imports show the lookup of Popen, not its call (that happens
inside _reconstructor, where no unpickler sees it).
"""
FEATURES = ["evasion", "global", "global-renamed", "reduce", "memo"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"ccopy_reg\n_reconstructor\n"
        b"(csubprocess\nPopen\np0\n"          # cls
        b"g0\n"                               # base: the same class
        b"(lp1\nVecho\naVpicklejar\na"        # state: ["echo", "picklejar"]
        b"tR"
        b".")
