"""None alone (N): the smallest pickle; protocol 4 frames below 4 bytes are dropped from 3.7 on."""
FEATURES = ["none"]

obj = None
