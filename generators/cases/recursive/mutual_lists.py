"""Two lists that contain each other."""
FEATURES = ["recursive", "list"]

a = []
b = [a]
a.append(b)
obj = [a, b]
