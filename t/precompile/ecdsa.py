#!/usr/bin/env python3
"""ecdsa.py - an independent secp256k1 ECDSA signer (python3 big ints) for the
ecrecover example guest's test.  Usage: ecdsa.py SEED OUT_ITEM
Writes the guest's 97-byte input (z | r | s | v) to OUT_ITEM and prints the
expected public values: the public key x | y in hex (64 bytes big-endian)."""
import random
import sys

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        s = 3 * a[0] * a[0] * pow(2 * a[1], P - 2, P) % P
    else:
        s = (b[1] - a[1]) * pow(b[0] - a[0], P - 2, P) % P
    x = (s * s - a[0] - b[0]) % P
    return x, (s * (a[0] - x) - a[1]) % P


def mul(k, pt):
    r = None
    while k:
        if k & 1:
            r = add(r, pt)
        pt = add(pt, pt)
        k >>= 1
    return r


rnd = random.Random(int(sys.argv[1]))
while True:
    d, k, z = rnd.randrange(1, N), rnd.randrange(1, N), rnd.randrange(2**256)
    R = mul(k, G)
    r = R[0] % N
    s = pow(k, N - 2, N) * (z + r * d) % N
    if r and s and R[0] < N:
        break
Q = mul(d, G)
with open(sys.argv[2], "wb") as f:
    f.write(z.to_bytes(32, "big") + r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([R[1] & 1]))
print((Q[0].to_bytes(32, "big") + Q[1].to_bytes(32, "big")).hex())
