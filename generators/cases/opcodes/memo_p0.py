"""PUT/GET at protocol 0, including a list that contains itself through GET."""
FEATURES = ["memo", "recursive"]

DATA = b"(lp0\nI1\nag0\naVx\np1\nag1\na."
