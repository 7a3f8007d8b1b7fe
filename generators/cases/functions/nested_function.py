"""A nested function returned by its enclosing function (qualname make_adder.<locals>.add), closing over an argument."""
FEATURES = ["dill", "cloudpickle", "by-value", "closure", "nested-qualname"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]


def make_adder(n):
    def add(x):
        return x + n
    return add


obj = make_adder(5)
