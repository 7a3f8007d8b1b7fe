"""Two closures that share one cell (a counter and its reader): both functions by value, the cell written once and referenced twice."""
FEATURES = ["dill", "cloudpickle", "by-value", "closure", "shared"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]


def make_counter(start):
    count = [start]

    def incr():
        count[0] += 1
        return count[0]

    def get():
        return count[0]
    return incr, get


obj = make_counter(10)
