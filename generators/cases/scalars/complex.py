"""complex numbers: copyreg reduces them to builtins.complex(real, imag)."""
FEATURES = ["complex", "reduce", "list"]

obj = [1 + 2j, complex(0.0, -0.0), complex(float("inf"), 1e-300)]
