/* test_merkle.c - mixed-height Merkle tree: root against a direct reference, open/verify, tampering. */
#include "merkle/merkle.h"
#include "test.h"

static uint64_t rng = 0x1234567887654321ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* Reference: node(k, i) as the definition in merkle.h says, computed recursively. */
#define NM 4
static const size_t W[NM] = {3, 9, 2, 17};
static const unsigned LH[NM] = {5, 3, 5, 2};
static bb_t *M[NM];

static void ref_hash_height(unsigned k, size_t i, p2_digest *out, int *has)
{
    bb_t buf[64];
    size_t n = 0;
    for (int m = 0; m < NM; m++)
        if (LH[m] == k)
            for (size_t c = 0; c < W[m]; c++)
                buf[n++] = M[m][i * W[m] + c];
    *has = n != 0;
    if (n)
        p2_hash(buf, n, out);
}

static void ref_node(unsigned k, size_t i, unsigned L, p2_digest *out)
{
    int has;
    if (k == L) {
        ref_hash_height(k, i, out, &has);
        return;
    }
    p2_digest l, r, h, t;
    ref_node(k + 1, 2 * i, L, &l);
    ref_node(k + 1, 2 * i + 1, L, &r);
    p2_compress(&l, &r, &t);
    ref_hash_height(k, i, &h, &has);
    if (has)
        p2_compress(&t, &h, out);
    else
        *out = t;
}

static void setup(void)
{
    for (int m = 0; m < NM; m++) {
        size_t n = ((size_t)1 << LH[m]) * W[m];
        M[m] = malloc(n * sizeof(bb_t));
        for (size_t i = 0; i < n; i++)
            M[m][i] = bb_from_u32(rnd());
    }
}

static void mixed_heights_root_and_openings(void)
{
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    CHECK_EQ_U64(merkle_commit(&t, NM, (const bb_t *const *)M, W, LH, &e), RK_OK);
    p2_digest want;
    ref_node(0, 0, 5, &want);
    CHECK_MEM(merkle_root(&t), &want, sizeof want);
    bb_t rows[31];
    p2_digest path[5];
    for (size_t idx = 0; idx < 32; idx++) {
        CHECK_EQ_U64(merkle_open(&t, idx, rows, path, &e), RK_OK);
        CHECK_EQ_U64(merkle_verify(merkle_root(&t), NM, W, LH, idx, rows, path, &e), RK_OK);
        /* the row of matrix 3 (height 4) is row idx >> 3 */
        CHECK_MEM(rows + 3 + 9 + 2, M[3] + (idx >> 3) * 17, 17 * sizeof(bb_t));
    }
    merkle_tree_free(&t);
}

static void tampered_openings_rejected(void)
{
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    CHECK_EQ_U64(merkle_commit(&t, NM, (const bb_t *const *)M, W, LH, &e), RK_OK);
    bb_t rows[31];
    p2_digest path[5];
    size_t idx = 13;
    CHECK_EQ_U64(merkle_open(&t, idx, rows, path, &e), RK_OK);
    for (size_t i = 0; i < 31; i++) {   /* every opened element */
        rows[i] = bb_add(rows[i], bb_one());
        CHECK_EQ_U64(merkle_verify(merkle_root(&t), NM, W, LH, idx, rows, path, &e), RK_EFALSE);
        rows[i] = bb_sub(rows[i], bb_one());
    }
    for (size_t i = 0; i < 5 * P2_DIGEST; i++) {  /* every path element */
        path[i / 8].v[i % 8] ^= 1;
        CHECK_EQ_U64(merkle_verify(merkle_root(&t), NM, W, LH, idx, rows, path, &e), RK_EFALSE);
        path[i / 8].v[i % 8] ^= 1;
    }
    CHECK_EQ_U64(merkle_verify(merkle_root(&t), NM, W, LH, idx ^ 1, rows, path, &e), RK_EFALSE);
    CHECK_EQ_U64(merkle_verify(merkle_root(&t), NM, W, LH, 32, rows, path, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "index");
    merkle_tree_free(&t);
}

static void bad_shapes(void)
{
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    size_t w0[1] = {0};
    unsigned lh[1] = {3};
    CHECK_EQ_U64(merkle_commit(&t, 1, (const bb_t *const *)M, w0, lh, &e), RK_EINPUT);
    CHECK_EQ_U64(merkle_commit(&t, 0, NULL, NULL, NULL, &e), RK_EINPUT);
    merkle_tree_free(&t);
}

/* A single one-row matrix: the root is the leaf hash. */
static void single_row(void)
{
    merkle_tree t;
    merkle_tree_init(&t);
    rk_err e;
    bb_t row[3] = {bb_from_u32(1), bb_from_u32(2), bb_from_u32(3)};
    const bb_t *mats[1] = {row};
    size_t w[1] = {3};
    unsigned lh[1] = {0};
    CHECK_EQ_U64(merkle_commit(&t, 1, mats, w, lh, &e), RK_OK);
    p2_digest h;
    p2_hash(row, 3, &h);
    CHECK_MEM(merkle_root(&t), &h, sizeof h);
    merkle_tree_free(&t);
}

int main(void)
{
    setup();
    RUN(mixed_heights_root_and_openings);
    RUN(tampered_openings_rejected);
    RUN(bad_shapes);
    RUN(single_row);
    for (int m = 0; m < NM; m++)
        free(M[m]);
    return t_done();
}
