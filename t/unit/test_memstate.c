/* test_memstate.c - the memory commitment: leaf encoding, sparse tree,
 * multiproofs against the tree, and the state digest. */
#include "test.h"

#include "memstate/memstate.h"

static uint64_t rs = 0x1234567887654321ull;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return (uint32_t)rs; }

static void t_leaf_encoding(void)
{
    /* the leaf is p2_hash of (lo, hi) 16-bit limbs of each LE word */
    uint8_t page[MS_PAGE_SIZE];
    for (unsigned i = 0; i < MS_PAGE_SIZE; i++) page[i] = (uint8_t)rnd();
    bb_t el[MS_LEAF_ELEMS];
    for (unsigned w = 0; w < 256; w++) {
        uint32_t v = (uint32_t)page[4 * w] | (uint32_t)page[4 * w + 1] << 8 |
                     (uint32_t)page[4 * w + 2] << 16 | (uint32_t)page[4 * w + 3] << 24;
        el[2 * w] = bb_from_u32(v & 0xFFFF);
        el[2 * w + 1] = bb_from_u32(v >> 16);
    }
    p2_digest a, b, c[3];
    p2_hash(el, MS_LEAF_ELEMS, &a);
    ms_page_digest(page, &b);
    CHECK(ms_digest_eq(&a, &b));
    uint8_t three[3 * MS_PAGE_SIZE] = {0};
    memcpy(three + MS_PAGE_SIZE, page, MS_PAGE_SIZE);
    CHECK(ms_page_digests(three, 3, c) == RK_OK);
    CHECK(ms_digest_eq(&c[1], &a));
    CHECK(ms_digest_eq(&c[0], ms_empty(0)));
    CHECK(ms_digest_eq(&c[2], ms_empty(0)));
    /* the batched paths (serial groups of 64, and the parallel one from 256 pages) agree with
     * p2_hash page by page, with the AVX2 permutation and with the scalar one */
    size_t nb = 300;
    uint8_t *many = malloc(nb * MS_PAGE_SIZE);
    p2_digest *dm = malloc(nb * sizeof *dm), one;
    for (size_t i = 0; i < nb * MS_PAGE_SIZE; i++) many[i] = (uint8_t)rnd();
    for (int avx = 1; avx >= 0; avx--) {
        bb_simd_set_avx2(avx);
        for (size_t cnt = 70; cnt <= nb; cnt += nb - 70) {
            CHECK(ms_page_digests(many, cnt, dm) == RK_OK);
            for (size_t i = 0; i < cnt; i += 7) {
                bb_t el2[MS_LEAF_ELEMS];
                for (unsigned w = 0; w < 256; w++) {
                    const uint8_t *q = many + i * MS_PAGE_SIZE + 4 * w;
                    uint32_t v = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
                    el2[2 * w] = bb_from_u32(v & 0xFFFF);
                    el2[2 * w + 1] = bb_from_u32(v >> 16);
                }
                p2_hash(el2, MS_LEAF_ELEMS, &one);
                CHECK(ms_digest_eq(&dm[i], &one));
            }
        }
    }
    bb_simd_set_avx2(1);
    free(many);
    free(dm);
    /* one bit changes the leaf */
    page[700] ^= 1;
    ms_page_digest(page, &b);
    CHECK(!ms_digest_eq(&a, &b));
    p2_digest e1;
    p2_compress(ms_empty(0), ms_empty(0), &e1);
    CHECK(ms_digest_eq(&e1, ms_empty(1)));
}

static void t_tree_and_multiproofs(void)
{
    ms_tree t;
    rk_err e;
    CHECK(ms_tree_init(&t, &e) == RK_OK);
    p2_digest root;
    ms_tree_root(&t, &root);
    CHECK(ms_digest_eq(&root, ms_empty(MS_DEPTH)));
    /* a few pages, including neighbours and the two extremes */
    uint32_t pages[] = {0, 1, 2, 77, 513, 514, 0x1FFFFF, 0x100000, 1000, 1001};
    size_t n = sizeof pages / sizeof pages[0];
    p2_digest leaves[10];
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 8; k++) leaves[i].v[k] = bb_from_u32(rnd());
    CHECK(ms_tree_update(&t, pages, leaves, n, &e) == RK_OK);
    ms_tree_root(&t, &root);
    /* the same tree built one page at a time */
    ms_tree t2;
    CHECK(ms_tree_init(&t2, &e) == RK_OK);
    for (size_t i = n; i-- > 0;)
        CHECK(ms_tree_update(&t2, &pages[i], &leaves[i], 1, &e) == RK_OK);
    p2_digest root2;
    ms_tree_root(&t2, &root2);
    CHECK(ms_digest_eq(&root, &root2));
    /* multiproofs of several subsets reproduce the root */
    uint32_t sets[][4] = {{1, 2, 77, 0x1FFFFF}, {0, 1, 1000, 1001}, {5, 6, 7, 8}, {514, 515, 0x100000, 0x100001}};
    for (size_t s = 0; s < 4; s++) {
        p2_digest *sib;
        size_t ns;
        CHECK(ms_tree_multiproof(&t, sets[s], 4, &sib, &ns, &e) == RK_OK);
        p2_digest lv[4], r;
        for (int i = 0; i < 4; i++)
            lv[i] = t.level[0][sets[s][i]].v[0] || t.level[0][sets[s][i]].v[1] ? t.level[0][sets[s][i]] : *ms_empty(0);
        CHECK(ms_multiproof_root(sets[s], lv, 4, sib, ns, &r, &e) == RK_OK);
        CHECK(ms_digest_eq(&r, &root));
        /* a changed leaf, a changed sibling, a missing or extra sibling: other roots or errors */
        lv[2].v[3] = bb_add(lv[2].v[3], bb_one());
        CHECK(ms_multiproof_root(sets[s], lv, 4, sib, ns, &r, &e) == RK_OK && !ms_digest_eq(&r, &root));
        lv[2].v[3] = bb_sub(lv[2].v[3], bb_one());
        sib[ns / 2].v[0] ^= 1;
        CHECK(ms_multiproof_root(sets[s], lv, 4, sib, ns, &r, &e) == RK_OK && !ms_digest_eq(&r, &root));
        CHECK(ms_multiproof_root(sets[s], lv, 4, sib, ns - 1, &r, &e) == RK_EINPUT);
        CHECK_STR_HAS(e.msg, "too few siblings");
        free(sib);
    }
    uint32_t unsorted[2] = {5, 4};
    p2_digest lv2[2] = {{{0}}, {{0}}}, r;
    CHECK(ms_multiproof_root(unsorted, lv2, 2, NULL, 0, &r, &e) == RK_EINPUT);
    ms_tree_free(&t);
    ms_tree_free(&t2);
}

static void t_state_digest(void)
{
    p2_digest root = *ms_empty(MS_DEPTH), a, b;
    uint32_t regs[32] = {0}, com[8] = {0}, def[8] = {0};
    ms_state_digest(&root, 0x200800, 0x200800, 0x201000, regs, com, def, &a);
    /* x0 never enters the digest */
    regs[0] = 5;
    ms_state_digest(&root, 0x200800, 0x200800, 0x201000, regs, com, def, &b);
    CHECK(ms_digest_eq(&a, &b));
    regs[31] = 0x10000; /* hi limb */
    ms_state_digest(&root, 0x200800, 0x200800, 0x201000, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    regs[31] = 0;
    com[7] = 1;
    ms_state_digest(&root, 0x200800, 0x200800, 0x201000, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    com[7] = 0;
    def[0] = 1;
    ms_state_digest(&root, 0x200800, 0x200800, 0x201000, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    def[0] = 0;
    ms_state_digest(&root, 0x200804, 0x200800, 0x201000, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    /* the executable range is part of the state (so of the image id): either bound moves it */
    ms_state_digest(&root, 0x200800, 0x200804, 0x201000, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    ms_state_digest(&root, 0x200800, 0x200800, 0x201004, regs, com, def, &b);
    CHECK(!ms_digest_eq(&a, &b));
    /* bytes round trip; non-canonical values are rejected */
    uint8_t by[32];
    ms_digest_to_bytes(&a, by);
    CHECK(ms_digest_from_bytes(&b, by) == RK_OK && ms_digest_eq(&a, &b));
    by[4] = 0x01; by[5] = 0x00; by[6] = 0x00; by[7] = 0x78;
    CHECK(ms_digest_from_bytes(&b, by) == RK_EINPUT);
    char hex[65];
    ms_digest_hex(&a, hex);
    CHECK_EQ_U64(strlen(hex), 64);
}

int main(void)
{
    RUN(t_leaf_encoding);
    RUN(t_tree_and_multiproofs);
    RUN(t_state_digest);
    return t_done();
}
