/* poseidon2_bn254.c - Poseidon2 over BN254's Fr (t = 3, x^5, 8 full + 56
 * partial rounds; HorizenLabs' instance) natively and as R1CS, and Merkle
 * paths built on its 2-to-1 compression. */
#include "gadgets/gadgets.h"

#include <pthread.h>
#include <string.h>

#define P2BN_ROUNDS_F 8
#define P2BN_ROUNDS_P 56
#define P2BN_ROWS (P2BN_ROUNDS_F + P2BN_ROUNDS_P)

static const char *const p2bn_rc_hex[P2BN_ROWS][3] = {
#include "poseidon2_bn254_rc.inc"
};

static fr_t p2bn_rc[P2BN_ROWS][3];
static pthread_once_t p2bn_once = PTHREAD_ONCE_INIT;

static int hexval(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

static void p2bn_init(void)
{
    for (int r = 0; r < P2BN_ROWS; r++)
        for (int i = 0; i < 3; i++) {
            uint8_t be[32];
            for (int k = 0; k < 32; k++)
                be[k] = (uint8_t)(hexval(p2bn_rc_hex[r][i][2 * k]) << 4 | hexval(p2bn_rc_hex[r][i][2 * k + 1]));
            int rc = fr_from_bytes_be(&p2bn_rc[r][i], be);
            (void)rc; /* constants are canonical (checked by the known-answer test) */
        }
}

static const fr_t *rc(int round, int i)
{
    pthread_once(&p2bn_once, p2bn_init);
    return &p2bn_rc[round][i];
}

/* ------------------------------------------------------------ native */

static void sbox(fr_t *x)
{
    fr_t x2, x4;
    fr_sqr(&x2, x);
    fr_sqr(&x4, &x2);
    fr_mul(x, &x4, x);
}

static void mat_external(fr_t s[3]) /* circ(2, 1, 1) */
{
    fr_t sum;
    fr_add(&sum, &s[0], &s[1]);
    fr_add(&sum, &sum, &s[2]);
    for (int i = 0; i < 3; i++)
        fr_add(&s[i], &s[i], &sum);
}

static void mat_internal(fr_t s[3]) /* [[2,1,1],[1,2,1],[1,1,3]] */
{
    fr_t sum;
    fr_add(&sum, &s[0], &s[1]);
    fr_add(&sum, &sum, &s[2]);
    fr_add(&s[0], &s[0], &sum);
    fr_add(&s[1], &s[1], &sum);
    fr_double(&s[2], &s[2]);
    fr_add(&s[2], &s[2], &sum);
}

void gd_p2bn_permute_native(fr_t s[3])
{
    mat_external(s);
    for (int r = 0; r < P2BN_ROWS; r++) {
        int full = r < P2BN_ROUNDS_F / 2 || r >= P2BN_ROUNDS_F / 2 + P2BN_ROUNDS_P;
        if (full) {
            for (int i = 0; i < 3; i++) {
                fr_add(&s[i], &s[i], rc(r, i));
                sbox(&s[i]);
            }
            mat_external(s);
        } else {
            fr_add(&s[0], &s[0], rc(r, 0));
            sbox(&s[0]);
            mat_internal(s);
        }
    }
}

void gd_p2bn_compress_native(fr_t *out, const fr_t *l, const fr_t *r)
{
    fr_t s[3] = {*l, *r};
    fr_zero(&s[2]);
    gd_p2bn_permute_native(s);
    *out = s[0];
}

/* ------------------------------------------------------------ R1CS */

static void lc_sbox(r1cs *cs, r1cs_lc *x)
{
    r1cs_lc x2, x4;
    r1cs_lc_var(&x2, r1cs_mul(cs, x, x));
    r1cs_lc_var(&x4, r1cs_mul(cs, &x2, &x2));
    r1cs_lc_var(x, r1cs_mul(cs, &x4, x));
}

/* keep a growing combination short: past 32 terms it becomes one variable */
static void lc_bound(r1cs *cs, r1cs_lc *l)
{
    if (l->n <= 32)
        return;
    fr_t v;
    r1cs_lc_eval(cs, l, &v);
    uint32_t x = r1cs_private(cs, &v);
    r1cs_lc lx;
    r1cs_lc_var(&lx, x);
    r1cs_enforce_equal(cs, l, &lx);
    *l = lx;
}

static void lc_mat(r1cs_lc s[3], int internal)
{
    r1cs_lc sum = s[0];
    r1cs_lc_add_lc(&sum, &s[1], NULL);
    r1cs_lc_add_lc(&sum, &s[2], NULL);
    if (internal) {
        fr_t two;
        fr_from_u64(&two, 2);
        r1cs_lc_scale(&s[2], &two);
    }
    for (int i = 0; i < 3; i++)
        r1cs_lc_add_lc(&s[i], &sum, NULL);
}

void gd_p2bn_permute(r1cs *cs, r1cs_lc s[3])
{
    for (int i = 0; i < 3; i++)
        lc_bound(cs, &s[i]);
    lc_mat(s, 0);
    for (int r = 0; r < P2BN_ROWS; r++) {
        int full = r < P2BN_ROUNDS_F / 2 || r >= P2BN_ROUNDS_F / 2 + P2BN_ROUNDS_P;
        if (full) {
            for (int i = 0; i < 3; i++) {
                r1cs_lc_add_const(&s[i], rc(r, i));
                lc_sbox(cs, &s[i]);
            }
            lc_mat(s, 0);
        } else {
            r1cs_lc_add_const(&s[0], rc(r, 0));
            lc_sbox(cs, &s[0]);
            lc_mat(s, 1);
            lc_bound(cs, &s[1]);
            lc_bound(cs, &s[2]);
        }
    }
}

void gd_p2bn_compress(r1cs *cs, const r1cs_lc *l, const r1cs_lc *r, r1cs_lc *out)
{
    r1cs_lc s[3];
    s[0] = *l;
    s[1] = *r;
    r1cs_lc_zero(&s[2]);
    gd_p2bn_permute(cs, s);
    *out = s[0];
}

/* ------------------------------------------------------------ Merkle */

void gd_merkle_root(r1cs *cs, const r1cs_lc *leaf, const r1cs_lc *index, const uint32_t *siblings,
                    unsigned depth, r1cs_lc *root)
{
    uint32_t b = depth ? gd_bits(cs, index, depth) : 0;
    r1cs_lc cur = *leaf;
    fr_t m1;
    fr_one(&m1);
    fr_neg(&m1, &m1);
    for (unsigned i = 0; i < depth; i++) {
        /* t = bit * (sibling - cur); left = cur + t, right = sibling - t */
        r1cs_lc lb, diff, left, right;
        r1cs_lc_var(&lb, b + i);
        r1cs_lc_var(&diff, siblings[i]);
        r1cs_lc_add_lc(&diff, &cur, &m1);
        uint32_t t = r1cs_mul(cs, &lb, &diff);
        left = cur;
        r1cs_lc_add_var(&left, t);
        r1cs_lc_var(&right, siblings[i]);
        r1cs_lc_add_term(&right, t, &m1);
        gd_p2bn_compress(cs, &left, &right, &cur);
    }
    *root = cur;
}

void gd_merkle_verify(r1cs *cs, const r1cs_lc *leaf, const r1cs_lc *index, const uint32_t *siblings,
                      unsigned depth, const r1cs_lc *root)
{
    r1cs_lc got;
    gd_merkle_root(cs, leaf, index, siblings, depth, &got);
    r1cs_enforce_equal(cs, &got, root);
}

void gd_merkle_root_native(fr_t *root, const fr_t *leaf, uint64_t index, const fr_t *siblings, unsigned depth)
{
    fr_t cur = *leaf;
    for (unsigned i = 0; i < depth; i++) {
        if ((index >> i) & 1)
            gd_p2bn_compress_native(&cur, &siblings[i], &cur);
        else
            gd_p2bn_compress_native(&cur, &cur, &siblings[i]);
    }
    *root = cur;
}
