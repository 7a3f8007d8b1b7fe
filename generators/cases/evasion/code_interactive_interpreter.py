"""code.InteractiveInterpreter().runsource("print('picklejar')"), the method fetched with builtins.getattr: a Python prompt driven by a pickle.

Technique: the code module compiles and runs source text; picklescan's advisories of 2025
list code.InteractiveInterpreter.runcode among the callables it missed (pull request #48,
https://github.com/mmaitre314/picklescan/pull/48).
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"cbuiltins\ngetattr\n"
        b"(ccode\nInteractiveInterpreter\n)R"          # InteractiveInterpreter()
        b"Vrunsource\ntR"                              # getattr(<it>, "runsource")
        b"(Vprint('picklejar')\ntR"                    # (...)("print('picklejar')")
        b".")
