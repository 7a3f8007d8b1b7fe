"""A tuple mixing None, bools, ints of each opcode, floats and complex."""
FEATURES = ["none", "bool", "int", "float", "complex", "tuple"]

obj = (None, True, False, 0, 300, 70000, -5, 2 ** 40, 1.25, 2j)
