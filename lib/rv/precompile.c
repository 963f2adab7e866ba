/* precompile.c - executor semantics of SP1's secp256k1, BN254 and uint256
 * precompiles and of its field hooks (docs/exec.md "Precompiles"), on
 * lib/u256.  Layouts follow SP1 v5.2.4's executor
 * (crates/core/executor/src/syscalls/precompiles, events/precompiles/ec.rs,
 * hook.rs): little-endian 32-bit word arrays, results in place at a0. */
#include "rv/rv_sys.h"

#include <string.h>

#include "u256/u256.h"

static const u256_field SECP256K1_P = {
    {{0xfffffffefffffc2full, 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull}},
    0xd838091dd2253531ull,
    {{0x000007a2000e90a1ull, 0x0000000000000001ull, 0x0000000000000000ull, 0x0000000000000000ull}}};
static const u256_field BN254_P = {
    {{0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull}},
    0x87d20782e4866389ull,
    {{0xf32cfc5b538afa89ull, 0xb5e71911d44501fbull, 0x47ab1eff0a417ff6ull, 0x06d89f71cab8351full}}};

/* Operands are checked with rv_sys_words / rv_sys_out_words (rv_sys.h) before any write. */
static void load_words(const rv_machine *m, uint32_t addr, uint32_t *w, uint32_t n)
{
    memcpy(w, m->mem + addr, 4 * (size_t)n);
}

static void store_words(rv_machine *m, uint32_t addr, const uint32_t *w, uint32_t n)
{
    memcpy(m->mem + addr, w, 4 * (size_t)n);
    m->sys_mem_addr = addr;
    m->sys_mem_len = 4 * n;
}

/* SP1 computes (p + b - a) on the unreduced integers and panics when a > p + b. */
static int sub_would_underflow(const u256 *a, const u256 *b, const u256_field *f)
{
    u256 t;
    return !u256_add(&t, &f->p, b) && u256_cmp(a, &t) > 0;
}

/* ---- short Weierstrass curves y^2 = x^3 + b (a = 0 for both) ---- */

static int ec_add(rv_machine *m, rk_err *e, const u256_field *f, const char *name)
{
    uint32_t pp = m->x[10], qp = m->x[11], pw[16], qw[16];
    int rc;
    if ((rc = rv_sys_out_words(m, e, pp, 16, name)) || (rc = rv_sys_words(m, e, qp, 16, name)))
        return rc;
    load_words(m, pp, pw, 16);
    load_words(m, qp, qw, 16);
    if (!memcmp(pw, qw, sizeof pw))
        return rv_fault(m, e, m->pc, "%s: P and Q are the same point (SP1 requires the DOUBLE syscall)", name);
    u256 x1, y1, x2, y2, num, den, s, t, x3, y3;
    u256_from_words(&x1, pw);
    u256_from_words(&y1, pw + 8);
    u256_from_words(&x2, qw);
    u256_from_words(&y2, qw + 8);
    if (sub_would_underflow(&y1, &y2, f) || sub_would_underflow(&x1, &x2, f))
        return rv_fault(m, e, m->pc, "%s: non-canonical coordinate (SP1's executor panics on it)", name);
    u256_fp_reduce(&x1, &x1, f);
    u256_fp_reduce(&y1, &y1, f);
    u256_fp_reduce(&x2, &x2, f);
    u256_fp_reduce(&y2, &y2, f);
    /* slope = (y2 - y1) / (x2 - x1); SP1's inverse of 0 is 0 (P + (-P) gives (-x1-x2, -y1)) */
    u256_fp_sub(&num, &y2, &y1, f);
    u256_fp_sub(&den, &x2, &x1, f);
    u256_fp_inv(&den, &den, f);
    u256_fp_mul(&s, &num, &den, f);
    u256_fp_mul(&x3, &s, &s, f);
    u256_fp_sub(&x3, &x3, &x1, f);
    u256_fp_sub(&x3, &x3, &x2, f);
    u256_fp_sub(&t, &x1, &x3, f);
    u256_fp_mul(&y3, &s, &t, f);
    u256_fp_sub(&y3, &y3, &y1, f);
    u256_to_words(pw, &x3);
    u256_to_words(pw + 8, &y3);
    store_words(m, pp, pw, 16);
    m->pc += 4;
    return RK_OK;
}

static int ec_double(rv_machine *m, rk_err *e, const u256_field *f, const char *name)
{
    uint32_t pp = m->x[10], pw[16];
    int rc;
    if ((rc = rv_sys_out_words(m, e, pp, 16, name)))
        return rc;
    load_words(m, pp, pw, 16);
    u256 x, y, num, den, s, t, x3, y3;
    u256_from_words(&x, pw);
    u256_from_words(&y, pw + 8);
    u256_fp_reduce(&x, &x, f);
    u256_fp_reduce(&y, &y, f);
    /* slope = 3 x^2 / 2 y (a = 0); y = 0 gives slope 0, as SP1 */
    u256_fp_mul(&t, &x, &x, f);
    u256_fp_add(&num, &t, &t, f);
    u256_fp_add(&num, &num, &t, f);
    u256_fp_add(&den, &y, &y, f);
    u256_fp_inv(&den, &den, f);
    u256_fp_mul(&s, &num, &den, f);
    u256_fp_mul(&x3, &s, &s, f);
    u256_fp_sub(&x3, &x3, &x, f);
    u256_fp_sub(&x3, &x3, &x, f);
    u256_fp_sub(&t, &x, &x3, f);
    u256_fp_mul(&y3, &s, &t, f);
    u256_fp_sub(&y3, &y3, &y, f);
    u256_to_words(pw, &x3);
    u256_to_words(pw + 8, &y3);
    store_words(m, pp, pw, 16);
    m->pc += 4;
    return RK_OK;
}

int rv_sys_secp256k1_add(rv_machine *m, rk_err *e) { return ec_add(m, e, &SECP256K1_P, "SECP256K1_ADD"); }
int rv_sys_secp256k1_double(rv_machine *m, rk_err *e) { return ec_double(m, e, &SECP256K1_P, "SECP256K1_DOUBLE"); }
int rv_sys_bn254_add(rv_machine *m, rk_err *e) { return ec_add(m, e, &BN254_P, "BN254_ADD"); }
int rv_sys_bn254_double(rv_machine *m, rk_err *e) { return ec_double(m, e, &BN254_P, "BN254_DOUBLE"); }

/* a0 = 64 bytes: x (little-endian words 8..15) in, y (words 0..7) out with
 * parity a1; as k256's AffinePoint::decompress, x >= p or a non-residue
 * x^3 + 7 is a panic in SP1, a guest fault here. */
int rv_sys_secp256k1_decompress(rv_machine *m, rk_err *e)
{
    const u256_field *f = &SECP256K1_P;
    uint32_t pp = m->x[10], sign = m->x[11], w[8];
    int rc;
    if (sign > 1)
        return rv_fault(m, e, m->pc, "SECP256K1_DECOMPRESS: is_odd = %u (must be 0 or 1)", sign);
    if ((rc = rv_sys_out_words(m, e, pp, 16, "SECP256K1_DECOMPRESS")))
        return rc;
    load_words(m, pp + 32, w, 8);
    u256 x, y, t, seven = {{7, 0, 0, 0}};
    u256_from_words(&x, w);
    if (u256_cmp(&x, &f->p) >= 0)
        return rv_fault(m, e, m->pc, "SECP256K1_DECOMPRESS: x is not a field element (>= p)");
    u256_fp_mul(&t, &x, &x, f);
    u256_fp_mul(&t, &t, &x, f);
    u256_fp_add(&t, &t, &seven, f);
    if (!u256_fp_sqrt(&y, &t, NULL, f))
        return rv_fault(m, e, m->pc, "SECP256K1_DECOMPRESS: x is not the x-coordinate of a curve point");
    if ((y.w[0] & 1) != sign)
        u256_fp_neg(&y, &y, f);
    u256_to_words(w, &y);
    store_words(m, pp, w, 8);
    m->pc += 4;
    return RK_OK;
}

/* a0 = x (result), a1 = y, modulus at a1 + 32; modulus 0 means 2^256. */
int rv_sys_uint256_mul(rv_machine *m, rk_err *e)
{
    uint32_t xp = m->x[10], yp = m->x[11], xw[8], yw[16];
    int rc;
    if ((rc = rv_sys_out_words(m, e, xp, 8, "UINT256_MUL")) || (rc = rv_sys_words(m, e, yp, 16, "UINT256_MUL")))
        return rc;
    load_words(m, xp, xw, 8);
    load_words(m, yp, yw, 16);
    u256 x, y, mod, r;
    u256_from_words(&x, xw);
    u256_from_words(&y, yw);
    u256_from_words(&mod, yw + 8);
    u256_mulmod_any(&r, &x, &y, &mod);
    u256_to_words(xw, &r);
    store_words(m, xp, xw, 8);
    m->pc += 4;
    return RK_OK;
}

/* ---- BN254 base field Fp and Fp2 = Fp[u]/(u^2 + 1) ---- */
enum { OP_ADD, OP_SUB, OP_MUL };

static int bn_fp(rv_machine *m, rk_err *e, int op, const char *name)
{
    const u256_field *f = &BN254_P;
    uint32_t xp = m->x[10], yp = m->x[11], xw[8], yw[8];
    int rc;
    if ((rc = rv_sys_out_words(m, e, xp, 8, name)) || (rc = rv_sys_words(m, e, yp, 8, name)))
        return rc;
    load_words(m, xp, xw, 8);
    load_words(m, yp, yw, 8);
    u256 a, b, r;
    u256_from_words(&a, xw);
    u256_from_words(&b, yw);
    u256_fp_reduce(&a, &a, f); /* SP1 reduces both operands first */
    u256_fp_reduce(&b, &b, f);
    if (op == OP_ADD)
        u256_fp_add(&r, &a, &b, f);
    else if (op == OP_SUB)
        u256_fp_sub(&r, &a, &b, f);
    else
        u256_fp_mul(&r, &a, &b, f);
    u256_to_words(xw, &r);
    store_words(m, xp, xw, 8);
    m->pc += 4;
    return RK_OK;
}

static int bn_fp2(rv_machine *m, rk_err *e, int op, const char *name)
{
    const u256_field *f = &BN254_P;
    uint32_t xp = m->x[10], yp = m->x[11], xw[16], yw[16];
    int rc;
    if ((rc = rv_sys_out_words(m, e, xp, 16, name)) || (rc = rv_sys_words(m, e, yp, 16, name)))
        return rc;
    load_words(m, xp, xw, 16);
    load_words(m, yp, yw, 16);
    u256 a0, a1, b0, b1, c0, c1, t;
    u256_from_words(&a0, xw);
    u256_from_words(&a1, xw + 8);
    u256_from_words(&b0, yw);
    u256_from_words(&b1, yw + 8);
    /* SP1's FP2_SUB computes (a + p - b) on the unreduced integers */
    if (op == OP_SUB && (sub_would_underflow(&b0, &a0, f) || sub_would_underflow(&b1, &a1, f)))
        return rv_fault(m, e, m->pc, "%s: non-canonical operand (SP1's executor panics on it)", name);
    u256_fp_reduce(&a0, &a0, f);
    u256_fp_reduce(&a1, &a1, f);
    u256_fp_reduce(&b0, &b0, f);
    u256_fp_reduce(&b1, &b1, f);
    if (op == OP_ADD) {
        u256_fp_add(&c0, &a0, &b0, f);
        u256_fp_add(&c1, &a1, &b1, f);
    } else if (op == OP_SUB) {
        u256_fp_sub(&c0, &a0, &b0, f);
        u256_fp_sub(&c1, &a1, &b1, f);
    } else {
        u256_fp_mul(&c0, &a0, &b0, f);
        u256_fp_mul(&t, &a1, &b1, f);
        u256_fp_sub(&c0, &c0, &t, f);
        u256_fp_mul(&c1, &a0, &b1, f);
        u256_fp_mul(&t, &a1, &b0, f);
        u256_fp_add(&c1, &c1, &t, f);
    }
    u256_to_words(xw, &c0);
    u256_to_words(xw + 8, &c1);
    store_words(m, xp, xw, 16);
    m->pc += 4;
    return RK_OK;
}

int rv_sys_bn254_fp_add(rv_machine *m, rk_err *e) { return bn_fp(m, e, OP_ADD, "BN254_FP_ADD"); }
int rv_sys_bn254_fp_sub(rv_machine *m, rk_err *e) { return bn_fp(m, e, OP_SUB, "BN254_FP_SUB"); }
int rv_sys_bn254_fp_mul(rv_machine *m, rk_err *e) { return bn_fp(m, e, OP_MUL, "BN254_FP_MUL"); }
int rv_sys_bn254_fp2_add(rv_machine *m, rk_err *e) { return bn_fp2(m, e, OP_ADD, "BN254_FP2_ADD"); }
int rv_sys_bn254_fp2_sub(rv_machine *m, rk_err *e) { return bn_fp2(m, e, OP_SUB, "BN254_FP2_SUB"); }
int rv_sys_bn254_fp2_mul(rv_machine *m, rk_err *e) { return bn_fp2(m, e, OP_MUL, "BN254_FP2_MUL"); }

/* ---- hooks (SP1 v5 hook.rs fp_ops) ---- */

/* [len u32 BE][k operands of len bytes, big-endian]; operand 1 is the modulus. */
static int hook_parse(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n, unsigned k, const char *name,
                      u256 *ops, unsigned *len_out, u256_field *f)
{
    if (n < 4)
        return rv_fault(m, e, m->pc, "%s hook: %u-byte buffer (SP1: [len || operands])", name, n);
    uint32_t len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    if ((uint64_t)n != 4 + (uint64_t)k * len)
        return rv_fault(m, e, m->pc, "%s hook: invalid buffer length %u for len %u", name, n, len);
    for (unsigned i = 0; i < k; i++) {
        const uint8_t *o = buf + 4 + (size_t)i * len;
        for (uint32_t j = 0; len > 32 && j < len - 32; j++)
            if (o[j])
                return rv_unsupported(m, e, "%s hook: operands wider than 256 bits are not supported yet", name);
        unsigned skip = len > 32 ? len - 32 : 0;
        u256_from_be(&ops[i], o + skip, len - skip);
    }
    if (u256_field_init(f, &ops[1]))
        return rv_unsupported(m, e, "%s hook: modulus must be odd and > 1 (other moduli not supported yet)", name);
    *len_out = len;
    return RK_OK;
}

static int push_result(rv_machine *m, rk_err *e, const u256 *v, unsigned len)
{
    uint8_t out[64];
    if (len > sizeof out)
        return rv_unsupported(m, e, "hook result of %u bytes is not supported yet", len);
    u256_to_be(out, len, v);
    if (rv_stream_push_front(&m->input, out, len))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
    return RK_OK;
}

int rv_hook_fp_inv(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n)
{
    u256 ops[2], r;
    unsigned len;
    u256_field f;
    int rc = hook_parse(m, e, buf, n, 2, "FP_INV (fd 21)", ops, &len, &f);
    if (rc)
        return rc;
    if (u256_is_zero(&ops[0]))
        return rv_fault(m, e, m->pc, "FP_INV (fd 21) hook: inverse of zero (SP1 panics)");
    u256_fp_reduce(&ops[0], &ops[0], &f);
    u256_fp_inv(&r, &ops[0], &f);
    return push_result(m, e, &r, len);
}

int rv_hook_fp_sqrt(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n)
{
    u256 ops[3], r, qr;
    unsigned len;
    u256_field f;
    int rc = hook_parse(m, e, buf, n, 3, "FP_SQRT (fd 20)", ops, &len, &f);
    if (rc)
        return rc;
    if (u256_cmp(&ops[0], &f.p) >= 0 || u256_cmp(&ops[2], &f.p) >= 0)
        return rv_fault(m, e, m->pc, "FP_SQRT (fd 20) hook: element or NQR not below the modulus (SP1 panics)");
    uint8_t status = 1;
    if (!u256_fp_sqrt(&r, &ops[0], &ops[2], &f)) {
        status = 0; /* the root of nqr * element instead */
        u256_fp_mul(&qr, &ops[2], &ops[0], &f);
        if (!u256_fp_sqrt(&r, &qr, &ops[2], &f))
            return rv_fault(m, e, m->pc, "FP_SQRT (fd 20) hook: the NQR is a quadratic residue (SP1 panics)");
    }
    /* [status] then [root]: pushed to the front in reverse so they are read in order */
    if ((rc = push_result(m, e, &r, len)))
        return rc;
    if (rv_stream_push_front(&m->input, &status, 1))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
    return RK_OK;
}

/* ---- SP1 v1-v3 ECRECOVER hooks (fd 5, fd 7): k256's recover_from_prehash ---- */

typedef struct { u256 x, y; int inf; } ec_pt;

static void ec_dbl(ec_pt *a, const u256_field *f)
{
    if (a->inf || u256_is_zero(&a->y)) {
        a->inf = 1;
        return;
    }
    u256 t, num, den, s, x3, y3;
    u256_fp_mul(&t, &a->x, &a->x, f);
    u256_fp_add(&num, &t, &t, f);
    u256_fp_add(&num, &num, &t, f);
    u256_fp_add(&den, &a->y, &a->y, f);
    u256_fp_inv(&den, &den, f);
    u256_fp_mul(&s, &num, &den, f);
    u256_fp_mul(&x3, &s, &s, f);
    u256_fp_sub(&x3, &x3, &a->x, f);
    u256_fp_sub(&x3, &x3, &a->x, f);
    u256_fp_sub(&t, &a->x, &x3, f);
    u256_fp_mul(&y3, &s, &t, f);
    u256_fp_sub(&a->y, &y3, &a->y, f);
    a->x = x3;
}

static void ec_add_pt(ec_pt *a, const ec_pt *b, const u256_field *f)
{
    if (b->inf)
        return;
    if (a->inf) {
        *a = *b;
        return;
    }
    if (!u256_cmp(&a->x, &b->x)) {
        if (!u256_cmp(&a->y, &b->y))
            ec_dbl(a, f);
        else
            a->inf = 1;
        return;
    }
    u256 num, den, s, x3, y3, t;
    u256_fp_sub(&num, &b->y, &a->y, f);
    u256_fp_sub(&den, &b->x, &a->x, f);
    u256_fp_inv(&den, &den, f);
    u256_fp_mul(&s, &num, &den, f);
    u256_fp_mul(&x3, &s, &s, f);
    u256_fp_sub(&x3, &x3, &a->x, f);
    u256_fp_sub(&x3, &x3, &b->x, f);
    u256_fp_sub(&t, &a->x, &x3, f);
    u256_fp_mul(&y3, &s, &t, f);
    u256_fp_sub(&a->y, &y3, &a->y, f);
    a->x = x3;
}

/* Public key of (r, s, recid) over the 32-byte prehash; 0 when recovery fails. */
static int ecrecover(ec_pt *q, const u256 *r, const u256 *s, unsigned recid, const u256 *z_raw,
                     const u256_field *fn)
{
    const u256_field *f = &SECP256K1_P;
    static const u256 GX = {{0x59F2815B16F81798ull, 0x029BFCDB2DCE28D9ull, 0x55A06295CE870B07ull, 0x79BE667EF9DCBBACull}};
    static const u256 GY = {{0x9C47D08FFB10D4B8ull, 0xFD17B448A6855419ull, 0x5DA4FBFC0E1108A8ull, 0x483ADA7726A3C465ull}};
    u256 x = *r, t, seven = {{7, 0, 0, 0}};
    if ((recid & 2) && (u256_add(&x, r, &fn->p) || u256_cmp(&x, &f->p) >= 0))
        return 0;
    if (u256_cmp(&x, &f->p) >= 0)
        return 0;
    ec_pt R = {x, {{0, 0, 0, 0}}, 0}, G = {GX, GY, 0};
    u256_fp_mul(&t, &x, &x, f);
    u256_fp_mul(&t, &t, &x, f);
    u256_fp_add(&t, &t, &seven, f);
    if (!u256_fp_sqrt(&R.y, &t, NULL, f))
        return 0;
    if ((R.y.w[0] & 1) != (recid & 1))
        u256_fp_neg(&R.y, &R.y, f);
    u256 z, rinv, u1, u2;
    u256_fp_reduce(&z, z_raw, fn);
    u256_fp_inv(&rinv, r, fn);
    u256_fp_mul(&u1, &rinv, &z, fn);
    u256_fp_neg(&u1, &u1, fn);
    u256_fp_mul(&u2, &rinv, s, fn);
    q->inf = 1;
    for (int bit = 255; bit >= 0; bit--) {
        ec_dbl(q, f);
        if ((u1.w[bit / 64] >> (bit % 64)) & 1)
            ec_add_pt(q, &G, f);
        if ((u2.w[bit / 64] >> (bit % 64)) & 1)
            ec_add_pt(q, &R, f);
    }
    return !q->inf;
}

int rv_hook_ecrecover(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n, int v2)
{
    const char *name = v2 ? "ECRECOVER_V2 (fd 7)" : "ECRECOVER (fd 5)";
    static const u256 N = {{0xBFD25E8CD0364141ull, 0xBAAEDCE6AF48A03Bull, 0xFFFFFFFFFFFFFFFEull, 0xFFFFFFFFFFFFFFFFull}};
    static const u256 HALF_N = {{0xDFE92F46681B20A0ull, 0x5D576E7357A4501Dull, 0xFFFFFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull}};
    if (n != 65 + 32)
        return rv_fault(m, e, m->pc, "%s hook: %u-byte buffer (SP1: signature 65 + hash 32)", name, n);
    u256_field fn;
    u256_field_init(&fn, &N);
    u256 r, s, z;
    u256_from_be(&r, buf, 32);
    u256_from_be(&s, buf + 32, 32);
    u256_from_be(&z, buf + 65, 32);
    unsigned recid = buf[64];
    if (u256_is_zero(&r) || u256_is_zero(&s) || u256_cmp(&r, &N) >= 0 || u256_cmp(&s, &N) >= 0)
        return rv_fault(m, e, m->pc, "%s hook: r or s not in [1, n) (SP1 panics)", name);
    if (u256_cmp(&s, &HALF_N) > 0) { /* k256's normalize_s: low s, flipped y parity */
        u256_fp_neg(&s, &s, &fn);
        recid ^= 1;
    }
    if (recid > 3)
        return rv_fault(m, e, m->pc, "%s hook: recovery id %u (SP1 panics)", name, recid);
    ec_pt q;
    uint8_t status = 1, key[33], sinv_b[32];
    if (!ecrecover(&q, &r, &s, recid, &z, &fn)) {
        if (!v2)
            return rv_fault(m, e, m->pc, "%s hook: no public key recovers (SP1 panics)", name);
        status = 0;
        if (rv_stream_push_front(&m->input, &status, 1))
            return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
        return RK_OK;
    }
    key[0] = (uint8_t)(2 + (q.y.w[0] & 1)); /* SEC1 compressed */
    u256_to_be(key + 1, 32, &q.x);
    u256 sinv;
    u256_fp_inv(&sinv, &s, &fn);
    u256_to_be(sinv_b, 32, &sinv);
    if (rv_stream_push_front(&m->input, sinv_b, 32) || rv_stream_push_front(&m->input, key, 33) ||
        (v2 && rv_stream_push_front(&m->input, &status, 1)))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
    return RK_OK;
}
