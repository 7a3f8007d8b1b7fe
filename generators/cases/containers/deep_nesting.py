"""A list nested 200 deep."""
FEATURES = ["list", "deep"]

obj = []
cur = obj
for i in range(200):
    nxt = [i]
    cur.append(nxt)
    cur = nxt
