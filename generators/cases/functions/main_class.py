"""A class defined in __main__ and an instance of it: dill (_create_type) and cloudpickle (a skeleton class + class state) write the class by value.

cloudpickle names each class it pickles by value with a class_tracker_id from
uuid.uuid4().hex; the producer replaces uuid.uuid4 so that the n-th call in a case returns
UUID(int=n, version=4) (here 00000000000040008000000000000001), which keeps the bytes the
same on every run.
"""
FEATURES = ["dill", "cloudpickle", "by-value", "instance"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]


class Point(object):
    """A point."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y


obj = [Point, Point(3, 4)]
