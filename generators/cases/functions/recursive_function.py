"""A recursive function: it reaches itself through its globals (cloudpickle writes the global, dill refers to __main__.__dict__)."""
FEATURES = ["dill", "cloudpickle", "by-value", "recursive"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


obj = fact
