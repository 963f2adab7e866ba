#!/usr/bin/env python3
"""oracle.py - compare lib/rv's SP1 precompiles and hooks (through the rvsys
helper, which runs a real ecall) with an independent python3 big-integer
model of SP1 v5.2.4's executor semantics (crates/core/executor/src/syscalls/
precompiles, crates/curves/src/weierstrass/mod.rs sw_add/sw_double, hook.rs).
Random and edge inputs; deterministic seed.  Usage: oracle.py RVSYS [N]
Exits 1 and names the first mismatch."""
import random
import subprocess
import sys

P_K1 = 2**256 - 2**32 - 977
N_K1 = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G_K1 = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
        0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)
P_BN = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
R_BN = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
G_BN = (1, 2)
P_25519 = 2**255 - 19

SYS = {"SECP256K1_ADD": 0x0001010A, "SECP256K1_DOUBLE": 0x0000010B, "SECP256K1_DECOMPRESS": 0x0000010C,
       "BN254_ADD": 0x0001010E, "BN254_DOUBLE": 0x0000010F, "UINT256_MUL": 0x0001011D,
       "BN254_FP_ADD": 0x00010126, "BN254_FP_SUB": 0x00010127, "BN254_FP_MUL": 0x00010128,
       "BN254_FP2_ADD": 0x00010129, "BN254_FP2_SUB": 0x0001012A, "BN254_FP2_MUL": 0x0001012B}
A0, A1 = 0x00300000, 0x00300100


class Panic(Exception):
    """SP1's executor panics: we expect a guest fault."""


def nn(v):
    if v < 0:
        raise Panic()
    return v


def le(v, nbytes=32):
    return v.to_bytes(nbytes, "little").hex()


def from_le(h):
    return int.from_bytes(bytes.fromhex(h), "little")


# ---- SP1's formulas on raw (possibly non-canonical) integers ----
def sw_add(p, P, Q):
    (x1, y1), (x2, y2) = P, Q
    if x1 == x2 and y1 == y2:
        raise Panic()
    num = nn(p + y2 - y1) % p
    den = nn(p + x2 - x1) % p
    s = num * pow(den, p - 2, p) % p
    x3 = nn(s * s + p + p - x1 - x2) % p
    y3 = nn(s * (p + x1 - x3) + p - y1) % p
    return x3, y3


def sw_double(p, P):
    x, y = P
    s = (3 * x * x) % p * pow((2 * y) % p, p - 2, p) % p
    x3 = nn(s * s + p + p - x - x) % p
    y3 = nn(s * (p + x - x3) + p - y) % p
    return x3, y3


def smul(p, k, P):
    """Textbook double-and-add with a None infinity (independent of the syscalls' edge rules)."""
    R = None
    while k:
        if k & 1:
            R = P if R is None else (sw_double(p, R) if R == P else add_affine(p, R, P))
        P = sw_double(p, P)
        k >>= 1
    return R


def add_affine(p, P, Q):
    if P[0] == Q[0]:
        return None
    return sw_add(p, P, Q)


def on_curve(p, b, P):
    return (P[1] * P[1] - P[0] ** 3 - b) % p == 0


class Runner:
    def __init__(self, exe):
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.n = 0
        self.fail = []

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def check(self, what, line, expect):
        """expect: list of hex strings (one per memory range) or a substring of the fault message."""
        got = self.ask(line)
        self.n += 1
        if isinstance(expect, str):
            ok = got.startswith("fault") and expect in got
        else:
            ok = got.split()[1:] == expect and got.startswith("ok")
        if not ok:
            self.fail.append("%s\n  request: %s\n  expected: %s\n  got: %s" % (what, line[:300], expect, got))


def sys_line(code, a0, a1, regions):
    return "sys %x %x %x " % (code, a0, a1) + " ".join("%x=%s" % (a, h) for a, h in regions)


def case_ec(r, name, p, P, Q=None, aliased=False):
    h = le(P[0]) + le(P[1])
    if Q is None:
        line = sys_line(SYS[name], A0, 0, [(A0, h)])
        try:
            R = sw_double(p, P)
            exp = ["%x=%s" % (A0, le(R[0]) + le(R[1]))]
        except Panic:
            exp = name
        r.check(name, line, exp)
        return
    hq = le(Q[0]) + le(Q[1])
    if aliased:
        line = sys_line(SYS[name], A0, A0, [(A0, h)])
        Q = P
    else:
        line = sys_line(SYS[name], A0, A1, [(A0, h), (A1, hq)])
    try:
        R = sw_add(p, P, Q)
        exp = ["%x=%s" % (A0, le(R[0]) + le(R[1]))] + ([] if aliased else ["%x=%s" % (A1, hq)])
    except Panic:
        exp = name
    r.check(name, line, exp)


def main():
    exe = sys.argv[1]
    N = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rnd = random.Random(15)
    r = Runner(exe)
    for name, p, b, G, order in (("SECP256K1", P_K1, 7, G_K1, N_K1), ("BN254", P_BN, 3, G_BN, R_BN)):
        pts = [smul(p, rnd.randrange(1, order), G) for _ in range(N)]
        for P in pts:
            assert on_curve(p, b, P)
        for i in range(N):
            P, Q = pts[i], pts[(i + 1) % N]
            case_ec(r, name + "_ADD", p, P, Q)
            case_ec(r, name + "_DOUBLE", p, P)
        # independent check of the group law: (k+1)G = kG + G, 2kG = double(kG)
        k = rnd.randrange(2, 1000)
        kG = smul(p, k, G)
        out = r.ask(sys_line(SYS[name + "_ADD"], A0, A1, [(A0, le(kG[0]) + le(kG[1])), (A1, le(G[0]) + le(G[1]))]))
        r.n += 1
        want = smul(p, k + 1, G)
        if out.split()[1] != "%x=%s" % (A0, le(want[0]) + le(want[1])):
            r.fail.append("%s: kG + G != (k+1)G: %s" % (name, out))
        P = pts[0]
        negP = (P[0], p - P[1])
        case_ec(r, name + "_ADD", p, P, negP)                        # P + (-P): SP1's 0-inverse rule
        case_ec(r, name + "_ADD", p, P, P)                           # same point: SP1 panics
        case_ec(r, name + "_ADD", p, P, P, aliased=True)             # a0 == a1
        case_ec(r, name + "_ADD", p, (0, 0), P)                      # (0,0) is not an identity in v5
        case_ec(r, name + "_DOUBLE", p, (P[0], 0))                   # y = 0
        case_ec(r, name + "_DOUBLE", p, (0, 0))
        hi = 2**256 - 1
        case_ec(r, name + "_ADD", p, (P[0] + p if P[0] + p <= hi else P[0], P[1]), pts[1])  # x >= p
        case_ec(r, name + "_ADD", p, (pts[1][0], hi), pts[2])        # y1 > p + y2 possible: panic or not
        case_ec(r, name + "_DOUBLE", p, (hi, hi))
        for _ in range(N):                                          # arbitrary (off-curve, non-canonical) words
            case_ec(r, name + "_ADD", p, (rnd.randrange(2**256), rnd.randrange(2**256)),
                    (rnd.randrange(2**256), rnd.randrange(2**256)))
            case_ec(r, name + "_DOUBLE", p, (rnd.randrange(2**256), rnd.randrange(2**256)))

    # SECP256K1_DECOMPRESS: x in words 8..15, y out in words 0..7
    def decompress(x, odd, name="SECP256K1_DECOMPRESS"):
        line = sys_line(SYS[name], A0, odd, [(A0, "00" * 32 + le(x))])
        exp = name
        if odd <= 1 and x < P_K1:
            y2 = (x ** 3 + 7) % P_K1
            y = pow(y2, (P_K1 + 1) // 4, P_K1)
            if y * y % P_K1 == y2:
                if y % 2 != odd:
                    y = (P_K1 - y) % P_K1
                exp = ["%x=%s" % (A0, le(y) + le(x))]
        r.check(name, line, exp)
    for _ in range(N):
        P = smul(P_K1, rnd.randrange(1, N_K1), G_K1)
        decompress(P[0], P[1] & 1)
        decompress(P[0], 1 - (P[1] & 1))
        decompress(rnd.randrange(P_K1), rnd.randrange(2))  # half are not on the curve
    decompress(P_K1, 0)      # x = p: not a field element
    decompress(P_K1 + 5, 1)
    decompress(G_K1[0], 2)   # is_odd must be 0 or 1

    # UINT256_MUL: x * y mod m (m = 0: 2^256), y and m at a1
    def umul(x, y, m, alias=False):
        if alias:  # a0 == a1: x is y
            line = sys_line(SYS["UINT256_MUL"], A0, A0, [(A0, le(x) + le(m))])
            y = x
        else:
            line = sys_line(SYS["UINT256_MUL"], A0, A1, [(A0, le(x)), (A1, le(y) + le(m))])
        res = (x * y) % (m if m else 2**256)
        exp = ["%x=%s" % (A0, le(res) + (le(m) if alias else ""))] + ([] if alias else ["%x=%s" % (A1, le(y) + le(m))])
        r.check("UINT256_MUL", line, exp)
    for _ in range(N):
        umul(rnd.randrange(2**256), rnd.randrange(2**256), rnd.randrange(2**256))
        umul(rnd.randrange(2**256), rnd.randrange(2**256), 0)
        umul(rnd.randrange(2**256), rnd.randrange(2**256), rnd.randrange(1, 2**64))
        umul(rnd.randrange(2**256), rnd.randrange(2**256), 2 * rnd.randrange(2**254))  # even moduli
    hi = 2**256 - 1
    umul(hi, hi, hi); umul(hi, hi, 1); umul(hi, hi, 0); umul(0, hi, 7); umul(hi, hi, 2**255)
    umul(rnd.randrange(2**256), 0, P_BN, alias=True)

    # BN254 Fp / Fp2
    def fp(op, x, y, alias=False):
        a, b = x % P_BN, y % P_BN
        res = {"ADD": (a + b) % P_BN, "SUB": (a + P_BN - b) % P_BN, "MUL": a * b % P_BN}[op]
        name = "BN254_FP_" + op
        if alias:
            line = sys_line(SYS[name], A0, A0, [(A0, le(x))])
            a = b = x % P_BN
            res = {"ADD": (a + b) % P_BN, "SUB": 0, "MUL": a * b % P_BN}[op]
            r.check(name, line, ["%x=%s" % (A0, le(res))])
            return
        line = sys_line(SYS[name], A0, A1, [(A0, le(x)), (A1, le(y))])
        r.check(name, line, ["%x=%s" % (A0, le(res)), "%x=%s" % (A1, le(y))])

    def fp2(op, x, y):
        p = P_BN
        (a0, a1), (b0, b1) = x, y
        name = "BN254_FP2_" + op
        try:
            if op == "ADD":
                c = ((a0 + b0) % p, (a1 + b1) % p)
            elif op == "SUB":
                c = (nn(a0 + p - b0) % p, nn(a1 + p - b1) % p)
            else:
                t0, t1 = a0 * b0 % p, a1 * b1 % p
                c0 = ((p + t0) - t1) % p if t0 < t1 else (t0 - t1) % p
                c = (c0, (a0 * b1 % p + a1 * b0 % p) % p)
            exp = ["%x=%s" % (A0, le(c[0]) + le(c[1])), "%x=%s" % (A1, le(b0) + le(b1))]
        except Panic:
            exp = name
        r.check(name, sys_line(SYS[name], A0, A1, [(A0, le(a0) + le(a1)), (A1, le(b0) + le(b1))]), exp)
    edge = [0, 1, P_BN - 1, P_BN, P_BN + 1, 2**256 - 1]
    for op in ("ADD", "SUB", "MUL"):
        for _ in range(N):
            fp(op, rnd.randrange(P_BN), rnd.randrange(P_BN))
            fp(op, rnd.randrange(2**256), rnd.randrange(2**256))
            fp2(op, (rnd.randrange(P_BN), rnd.randrange(P_BN)), (rnd.randrange(P_BN), rnd.randrange(P_BN)))
            fp2(op, (rnd.randrange(2**256), rnd.randrange(2**256)), (rnd.randrange(2**256), rnd.randrange(2**256)))
        for x in edge:
            for y in edge:
                fp(op, x, y)
                fp2(op, (x, y), (y, x))
        fp(op, rnd.randrange(2**256), 0, alias=True)

    # hooks: fd 21 (inverse), fd 20 (sqrt); results at the front of the input stream
    def be(v, n=32):
        return v.to_bytes(n, "big").hex()

    def hook_inv(x, m, n=32):
        buf = (n).to_bytes(4, "big").hex() + be(x, n) + be(m, n)
        exp = "FP_INV" if x == 0 else [be(pow(x, m - 2, m), n)]
        r.check("FP_INV", "write 4 21 " + buf, exp)

    def sp1_sqrt(x, m, nqr):
        if m % 4 == 3:
            y = pow(x, (m + 1) // 4, m)
            return y if y * y % m == x else None
        if pow(x, (m - 1) // 2, m) != 1:
            return None
        q, s = m - 1, 0
        while q % 2 == 0:
            q //= 2
            s += 1
        c, rr, t, mm = pow(nqr, q, m), pow(x, (q + 1) // 2, m), pow(x, q, m), s
        while t != 1:
            i, tt = 0, t
            while tt != 1:
                tt = tt * tt % m
                i += 1
                if i == mm:
                    return None
            b = pow(c, 2 ** (mm - i - 1), m)
            rr, c = rr * b % m, b * b % m
            t, mm = t * c % m, i
        return rr

    def hook_sqrt(x, m, nqr, n=32):
        buf = (n).to_bytes(4, "big").hex() + be(x, n) + be(m, n) + be(nqr, n)
        if x >= m or nqr >= m:
            exp = "FP_SQRT"
        elif x == 0:
            exp = ["01", "00" * n]
        else:
            y = sp1_sqrt(x, m, nqr)
            if y is not None:
                assert y * y % m == x
                exp = ["01", be(y, n)]
            else:
                y = sp1_sqrt(nqr * x % m, m, nqr)
                assert y * y % m == nqr * x % m
                exp = ["00", be(y, n)]
        r.check("FP_SQRT", "write 4 20 " + buf, exp)
    for m, nqr in ((P_K1, 3), (P_BN, 3), (P_25519, 2), (R_BN, 5)):
        for _ in range(N):
            hook_inv(rnd.randrange(1, m), m)
            hook_sqrt(rnd.randrange(1, m), m, nqr)
        hook_inv(0, m)
        hook_inv(m - 1, m)
        hook_sqrt(0, m, nqr)
        hook_sqrt(m, m, nqr)
        hook_sqrt(m - 1, m, nqr)
    hook_inv(5, 7, 1)                      # one-byte operands
    hook_sqrt(2, 7, 3, 1)
    r.check("FP_INV", "write 4 21 00000020" + "11" * 32, "invalid buffer length")
    # the hook's two results come back in order, in front of what was there
    r.check("FP_SQRT order", "write 4 20 " + "00000001" + "04" + "07" + "03", ["01", "02"])
    # fd 4: v4/v5 push to the front (two hints read back reversed), v1-v3 append
    r.check("fd 4 v4", "write 4 4 aa bbbb", ["bbbb", "aa"])
    r.check("fd 4 v3", "write 3 4 aa bbbb", ["aa", "bbbb"])
    r.check("fd 14", "write 3 14 aa bbbb", ["bbbb", "aa"])

    # SP1 v1-v3 ECRECOVER hooks (fd 5, fd 7): k256 recover_from_prehash, high s normalized
    for i in range(max(4, N // 5)):
        d, k, z = rnd.randrange(1, N_K1), rnd.randrange(1, N_K1), rnd.randrange(2**256)
        R = smul(P_K1, k, G_K1)
        rr = R[0] % N_K1
        s = pow(k, N_K1 - 2, N_K1) * (z + rr * d) % N_K1
        v = R[1] & 1
        if R[0] >= N_K1 or not s:
            continue
        if i % 2:
            s, v = N_K1 - s, v ^ 1
        Q = smul(P_K1, d, G_K1)
        buf = rr.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v]) + z.to_bytes(32, "big")
        sn = min(s, N_K1 - s)
        key = bytes([2 + (Q[1] & 1)]) + Q[0].to_bytes(32, "big")
        sinv = pow(sn, N_K1 - 2, N_K1).to_bytes(32, "big").hex()
        r.check("ECRECOVER fd 5", "write 3 5 " + buf.hex(), [key.hex(), sinv])
        r.check("ECRECOVER_V2 fd 7", "write 3 7 " + buf.hex(), ["01", key.hex(), sinv])
    # recovery id 2 (x = r + n) with r + n >= p: no key; v2 says [0], v1 panics in SP1
    nokey = (P_K1 - N_K1 + 5).to_bytes(32, "big") + (7).to_bytes(32, "big") + bytes([2]) + bytes(32)
    r.check("ECRECOVER_V2 no key", "write 3 7 " + nokey.hex(), ["00"])
    r.check("ECRECOVER no key", "write 3 5 " + nokey.hex(), "no public key recovers")
    r.check("ECRECOVER s = 0", "write 3 5 " + (bytes(31) + b"\x01" + bytes(32) + bytes(33)).hex(), "r or s not in")
    r.check("ECRECOVER length", "write 3 5 " + bytes(96).hex(), "96-byte buffer")

    r.p.stdin.close()
    r.p.wait()
    for f in r.fail[:10]:
        print("MISMATCH " + f)
    print("%d cases, %d mismatches" % (r.n, len(r.fail)))
    sys.exit(1 if r.fail else 0)


if __name__ == "__main__":
    main()
