/* memstate.c - page leaves, the sparse Merkle tree, multiproofs and the
 * state digest (see memstate.h for the exact encoding). */
#include "memstate/memstate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

void ms_digest_to_bytes(const p2_digest *d, uint8_t out[32])
{
    for (int i = 0; i < P2_DIGEST; i++)
        rk_put_le32(out + 4 * i, bb_to_u32(d->v[i]));
}

int ms_digest_from_bytes(p2_digest *d, const uint8_t in[32])
{
    for (int i = 0; i < P2_DIGEST; i++) {
        uint32_t v = rk_le32(in + 4 * i);
        if (v >= BB_P)
            return RK_EINPUT;
        d->v[i] = bb_from_u32(v);
    }
    return RK_OK;
}

void ms_digest_hex(const p2_digest *d, char out[65])
{
    uint8_t b[32];
    ms_digest_to_bytes(d, b);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int ms_digest_eq(const p2_digest *a, const p2_digest *b) { return memcmp(a, b, sizeof *a) == 0; }

static int is_zero(const p2_digest *d)
{
    for (int i = 0; i < P2_DIGEST; i++)
        if (d->v[i])
            return 0;
    return 1;
}

/* the 512-element leaf encoding of one page */
static void page_elems(const uint8_t *page, bb_t *out)
{
    for (unsigned w = 0; w < MS_PAGE_SIZE / 4; w++) {
        uint32_t v = rk_le32(page + 4 * w);
        out[2 * w] = bb_from_u32(v & 0xFFFF);
        out[2 * w + 1] = bb_from_u32(v >> 16);
    }
}

void ms_page_digest(const uint8_t *page, p2_digest *out)
{
    bb_t el[MS_LEAF_ELEMS];
    page_elems(page, el);
    p2_hash(el, MS_LEAF_ELEMS, out);
}

/* The sponge over a group of pages at once: lane i absorbs page i, 8 limbs
 * (4 words) per permutation, 64 permutations; p2_permute_batch runs the
 * lanes 8 at a time (AVX2) on this thread.  Same result as p2_hash per page. */
static void page_digests_serial(const uint8_t *pages, size_t n, p2_digest *out)
{
    enum { GROUP = 64 };
    bb_t st[GROUP][P2_WIDTH];
    for (size_t g = 0; g < n; g += GROUP) {
        size_t k = n - g < GROUP ? n - g : GROUP;
        memset(st, 0, sizeof st);
        for (unsigned c = 0; c < MS_LEAF_ELEMS / P2_RATE; c++) {
            for (size_t i = 0; i < k; i++) {
                const uint8_t *w = pages + (g + i) * MS_PAGE_SIZE + 16 * c;
                for (unsigned j = 0; j < 4; j++) {
                    uint32_t v = rk_le32(w + 4 * j);
                    st[i][2 * j] = bb_from_u32(v & 0xFFFF);
                    st[i][2 * j + 1] = bb_from_u32(v >> 16);
                }
            }
            p2_permute_batch(st, k);
        }
        for (size_t i = 0; i < k; i++)
            memcpy(out[g + i].v, st[i], sizeof out[g + i].v);
    }
}

int ms_page_digests(const uint8_t *pages, size_t n, p2_digest *out)
{
    enum { CHUNK = 4096, PARALLEL_MIN = 256 };
    if (n < PARALLEL_MIN) {
        /* below this a parallel region (and the pool's spin-wait after it) costs more than it saves */
        page_digests_serial(pages, n, out);
        return RK_OK;
    }
    size_t cap = n < CHUNK ? n : CHUNK;
    bb_t *m = malloc(cap * MS_LEAF_ELEMS * sizeof *m);
    if (!m)
        return RK_EINTERNAL;
    for (size_t s = 0; s < n; s += CHUNK) {
        size_t k = n - s < CHUNK ? n - s : CHUNK;
        for (size_t i = 0; i < k; i++)
            page_elems(pages + (s + i) * MS_PAGE_SIZE, m + i * MS_LEAF_ELEMS);
        const bb_t *mats[1] = {m};
        size_t widths[1] = {MS_LEAF_ELEMS};
        p2_hash_rows(mats, widths, 1, k, out + s);
    }
    free(m);
    return RK_OK;
}

static p2_digest g_empty[MS_DEPTH + 1];
static pthread_once_t g_empty_once = PTHREAD_ONCE_INIT;

static void empty_init(void)
{
    static const uint8_t zero[MS_PAGE_SIZE];
    ms_page_digest(zero, &g_empty[0]);
    for (unsigned h = 1; h <= MS_DEPTH; h++)
        p2_compress(&g_empty[h - 1], &g_empty[h - 1], &g_empty[h]);
}

const p2_digest *ms_empty(unsigned h)
{
    pthread_once(&g_empty_once, empty_init);
    return &g_empty[h <= MS_DEPTH ? h : MS_DEPTH];
}

static void push_word(bb_t *el, size_t *k, uint32_t w)
{
    el[(*k)++] = bb_from_u32(w & 0xFFFF);
    el[(*k)++] = bb_from_u32(w >> 16);
}

void ms_state_digest(const p2_digest *mem_root, uint32_t pc, uint32_t text_lo, uint32_t text_hi,
                     const uint32_t regs[32], const uint32_t committed[8], const uint32_t deferred[8],
                     p2_digest *out)
{
    bb_t el[MS_STATE_ELEMS];
    size_t k = 0;
    for (int i = 0; i < P2_DIGEST; i++)
        el[k++] = mem_root->v[i];
    push_word(el, &k, pc);
    push_word(el, &k, text_lo);
    push_word(el, &k, text_hi);
    for (int i = 0; i < 32; i++)
        push_word(el, &k, i ? regs[i] : 0);
    for (int i = 0; i < 8; i++)
        push_word(el, &k, committed[i]);
    for (int i = 0; i < 8; i++)
        push_word(el, &k, deferred[i]);
    p2_hash(el, k, out);
}

/* ---- the full tree ---- */
int ms_tree_init(ms_tree *t, rk_err *e)
{
    memset(t, 0, sizeof *t);
    for (unsigned k = 0; k <= MS_DEPTH; k++) {
        t->level[k] = calloc((size_t)1 << (MS_DEPTH - k), sizeof(p2_digest));
        if (!t->level[k]) {
            ms_tree_free(t);
            return rk_fail(e, RK_EINTERNAL, "out of memory for the memory tree");
        }
    }
    return RK_OK;
}

void ms_tree_free(ms_tree *t)
{
    for (unsigned k = 0; k <= MS_DEPTH; k++)
        free(t->level[k]);
    memset(t, 0, sizeof *t);
}

static const p2_digest *node(const ms_tree *t, unsigned k, uint32_t i)
{
    const p2_digest *d = &t->level[k][i];
    return is_zero(d) ? ms_empty(k) : d;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int ms_tree_update(ms_tree *t, const uint32_t *pages, const p2_digest *leaves, size_t n, rk_err *e)
{
    if (n == 0)
        return RK_OK;
    uint32_t *idx = malloc(n * sizeof *idx);
    p2_digest *pairs = malloc(2 * n * sizeof *pairs);
    if (!idx || !pairs) {
        free(idx);
        free(pairs);
        return rk_fail(e, RK_EINTERNAL, "out of memory updating the memory tree");
    }
    for (size_t i = 0; i < n; i++) {
        t->level[0][pages[i]] = leaves[i];
        idx[i] = pages[i];
    }
    qsort(idx, n, sizeof *idx, cmp_u32);
    size_t m = n;
    for (unsigned k = 0; k < MS_DEPTH; k++) {
        /* distinct parents, in order */
        size_t q = 0;
        for (size_t i = 0; i < m; i++) {
            uint32_t p = idx[i] >> 1;
            if (q == 0 || idx[q - 1] != p)
                idx[q++] = p;
        }
        m = q;
        for (size_t i = 0; i < m; i++) {
            pairs[2 * i] = *node(t, k, 2 * idx[i]);
            pairs[2 * i + 1] = *node(t, k, 2 * idx[i] + 1);
        }
        p2_compress_layer(pairs, m, pairs); /* in place: serial, vectorized */
        for (size_t i = 0; i < m; i++)
            t->level[k + 1][idx[i]] = pairs[i];
    }
    free(idx);
    free(pairs);
    return RK_OK;
}

void ms_tree_root(const ms_tree *t, p2_digest *root) { *root = *node(t, MS_DEPTH, 0); }

int ms_tree_multiproof(const ms_tree *t, const uint32_t *pages, size_t n, p2_digest **sib,
                       size_t *n_sib, rk_err *e)
{
    *sib = NULL;
    *n_sib = 0;
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    p2_digest *out = malloc(((size_t)MS_DEPTH * n + 1) * sizeof *out);
    if (!idx || !out) {
        free(idx);
        free(out);
        return rk_fail(e, RK_EINTERNAL, "out of memory for a multiproof");
    }
    memcpy(idx, pages, n * sizeof *idx);
    size_t m = n, ns = 0;
    for (unsigned k = 0; k < MS_DEPTH; k++) {
        size_t q = 0;
        for (size_t i = 0; i < m; i++) {
            uint32_t p = idx[i];
            if (!(p & 1) && i + 1 < m && idx[i + 1] == p + 1)
                i++; /* the sibling is in the set: nothing to prove */
            else
                out[ns++] = *node(t, k, p ^ 1);
            idx[q++] = p >> 1;
        }
        m = q;
    }
    free(idx);
    *sib = out;
    *n_sib = ns;
    return RK_OK;
}

int ms_multiproof_root(const uint32_t *pages, const p2_digest *leaves, size_t n,
                       const p2_digest *sib, size_t n_sib, p2_digest *root, rk_err *e)
{
    if (n == 0) {
        if (n_sib)
            return rk_fail(e, RK_EINPUT, "multiproof: siblings without pages");
        *root = *ms_empty(MS_DEPTH);
        return RK_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (pages[i] >= MS_NUM_PAGES)
            return rk_fail(e, RK_EINPUT, "multiproof: page %u outside the memory", pages[i]);
        if (i && pages[i] <= pages[i - 1])
            return rk_fail(e, RK_EINPUT, "multiproof: pages not sorted and distinct");
    }
    uint32_t *idx = malloc(n * sizeof *idx);
    p2_digest *cur = malloc(n * sizeof *cur);
    if (!idx || !cur) {
        free(idx);
        free(cur);
        return rk_fail(e, RK_EINTERNAL, "out of memory checking a multiproof");
    }
    memcpy(idx, pages, n * sizeof *idx);
    memcpy(cur, leaves, n * sizeof *cur);
    size_t m = n, used = 0;
    int rc = RK_OK;
    for (unsigned k = 0; k < MS_DEPTH && rc == RK_OK; k++) {
        size_t q = 0;
        for (size_t i = 0; i < m; i++) {
            uint32_t p = idx[i];
            p2_digest par;
            if (!(p & 1) && i + 1 < m && idx[i + 1] == p + 1) {
                p2_compress(&cur[i], &cur[i + 1], &par);
                i++;
            } else if (used == n_sib) {
                rc = rk_fail(e, RK_EINPUT, "multiproof: too few siblings");
                break;
            } else if (p & 1) {
                p2_compress(&sib[used++], &cur[i], &par);
            } else {
                p2_compress(&cur[i], &sib[used++], &par);
            }
            idx[q] = p >> 1;
            cur[q++] = par;
        }
        m = q;
    }
    if (rc == RK_OK && used != n_sib)
        rc = rk_fail(e, RK_EINPUT, "multiproof: %zu unused siblings", n_sib - used);
    if (rc == RK_OK)
        *root = cur[0];
    free(idx);
    free(cur);
    return rc;
}
