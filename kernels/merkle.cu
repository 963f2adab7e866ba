/* merkle.cu - Poseidon2 permutations, row hashing, Merkle layers and whole
 * mixed-height Merkle trees on the GPU (mirrors lib/hash/poseidon2 and lib/merkle).
 *
 * One thread per permutation: Poseidon2 is compute bound (about 300 field
 * multiplications per permutation against 64 bytes read), so the state lives
 * in registers and memory traffic is not the limit.
 */
#include <stdlib.h>
#include <string.h>

#include "api.cuh"
#include "poseidon2.cuh"
#include "rt.cuh"

namespace rk {

struct p2_permute_body {
    uint32_t *st;
    RK_HD void operator()(uint64_t i) const
    {
        uint32_t s[16];
RK_UNROLL
        for (int j = 0; j < 16; j++)
            s[j] = st[i * 16 + j];
        p2_permute_state(s);
RK_UNROLL
        for (int j = 0; j < 16; j++)
            st[i * 16 + j] = s[j];
    }
};

struct p2_rows_body {
    const uint32_t *const *mats; /* device array of device pointers */
    const uint64_t *widths;      /* device array */
    unsigned n_mats;
    uint32_t *out;
    RK_HD void operator()(uint64_t i) const { p2_hash_concat_row(mats, widths, n_mats, i, out + i * 8); }
};

/* One layer up: out[i] = compress(below[2i], below[2i+1]), then, when matrices
 * of this height exist, out[i] = compress(out[i], hash(row i of them)). */
struct p2_layer_body {
    const uint32_t *below;
    uint32_t *out;
    const uint32_t *const *mats;
    const uint64_t *widths;
    unsigned n_mats;
    RK_HD void operator()(uint64_t i) const
    {
        uint32_t d[8];
        p2_compress_digests(below + 16 * i, below + 16 * i + 8, d);
        if (n_mats) {
            uint32_t h[8];
            p2_hash_concat_row(mats, widths, n_mats, i, h);
            p2_compress_digests(d, h, d);
        }
RK_UNROLL
        for (int j = 0; j < 8; j++)
            out[i * 8 + j] = d[j];
    }
};

/* out[t] = word t % w of element idx[t / w] of src (elements of w words). */
struct gather_body {
    const uint32_t *src;
    const uint64_t *idx;
    uint32_t *out;
    uint64_t w;
    RK_HD void operator()(uint64_t t) const { out[t] = src[idx[t / w] * w + t % w]; }
};

/* Device copies of a list of matrices (or of the caller's device pointers). */
struct dev_mats {
    uint32_t **h_ptrs;   /* host array of device pointers */
    uint64_t *h_widths;
    unsigned n;
    const uint32_t **d_ptrs;
    uint64_t *d_widths;
    int owned;           /* the matrices themselves were uploaded by us */
};

static void dev_mats_free(dev_mats *dm)
{
    if (dm->owned && dm->h_ptrs)
        for (unsigned i = 0; i < dm->n; i++)
            rt_free(dm->h_ptrs[i]);
    free(dm->h_ptrs);
    free(dm->h_widths);
    rt_free((void *)dm->d_ptrs);
    rt_free(dm->d_widths);
    memset(dm, 0, sizeof *dm);
}

/* Prepare n matrices of `height` rows: upload them (upload=1, host pointers)
 * or take them as device pointers (upload=0), plus the pointer/width tables. */
static int dev_mats_init(dev_mats *dm, const uint32_t *const *mats, const size_t *widths,
                         unsigned n, uint64_t height, int upload, rk_err *e)
{
    memset(dm, 0, sizeof *dm);
    dm->n = n;
    dm->owned = upload;
    dm->h_ptrs = (uint32_t **)calloc(n ? n : 1, sizeof *dm->h_ptrs);
    dm->h_widths = (uint64_t *)calloc(n ? n : 1, sizeof *dm->h_widths);
    if (!dm->h_ptrs || !dm->h_widths)
        return rk_fail(e, RK_EINTERNAL, "gpu: out of host memory");
    for (unsigned i = 0; i < n; i++) {
        dm->h_widths[i] = widths[i];
        if (!upload) {
            dm->h_ptrs[i] = (uint32_t *)mats[i];
            continue;
        }
        size_t bytes;
        int rc = rt_size(&bytes, height, widths[i], 4, "Merkle matrix", e);
        if (!rc)
            rc = rt_alloc((void **)&dm->h_ptrs[i], bytes, "Merkle matrix", e);
        if (!rc)
            rc = rt_h2d(dm->h_ptrs[i], mats[i], bytes, e);
        if (rc)
            return rc;
    }
    int rc = rt_alloc((void **)&dm->d_ptrs, (n ? n : 1) * sizeof(void *), "matrix table", e);
    if (!rc)
        rc = rt_alloc((void **)&dm->d_widths, (n ? n : 1) * 8, "width table", e);
    if (!rc)
        rc = rt_h2d((void *)dm->d_ptrs, dm->h_ptrs, n * sizeof(void *), e);
    if (!rc)
        rc = rt_h2d(dm->d_widths, dm->h_widths, n * 8, e);
    return rc;
}

} /* namespace rk */

using namespace rk;

extern "C" {

int gpu_p2_permute_batch_dev(bb_t (*d_st)[P2_WIDTH], size_t n, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    if (!rc)
        rc = rt_flat("p2_permute", n, p2_permute_body{&d_st[0][0]}, e);
    return rc ? rc : rt_sync("Poseidon2 permutations", e);
}

int gpu_p2_permute_batch(bb_t (*st)[P2_WIDTH], size_t n, rk_err *e)
{
    RK_API_LOCK;
    size_t bytes;
    int rc = rt_init(e);
    if (!rc)
        rc = rt_size(&bytes, n, 16, 4, "Poseidon2 permutations", e);
    if (rc || n == 0)
        return rc;
    bb_t (*d)[P2_WIDTH] = NULL;
    rc = rt_alloc((void **)&d, bytes, "Poseidon2 states", e);
    if (!rc)
        rc = rt_h2d(d, st, bytes, e);
    if (!rc)
        rc = gpu_p2_permute_batch_dev(d, n, e);
    if (!rc)
        rc = rt_d2h(st, d, bytes, e);
    rt_free(d);
    return rc;
}

/* d_out gets `height` digests (8 words each) of the rows of device matrices. */
int gpu_p2_hash_rows_dev(const uint32_t *const *d_mats, const size_t *widths, size_t n_mats,
                         size_t height, p2_digest *d_out, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    if (rc || height == 0)
        return rc;
    dev_mats dm;
    rc = dev_mats_init(&dm, d_mats, widths, (unsigned)n_mats, height, 0, e);
    if (!rc)
        rc = rt_flat("p2_hash_rows", height,
                     p2_rows_body{dm.d_ptrs, dm.d_widths, dm.n, (uint32_t *)d_out}, e);
    if (!rc)
        rc = rt_sync("Poseidon2 row hashing", e);
    dev_mats_free(&dm);
    return rc;
}

int gpu_p2_hash_rows(const uint32_t *const *mats, const size_t *widths, size_t n_mats,
                     size_t height, p2_digest *out, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    if (rc || height == 0)
        return rc;
    size_t out_bytes;
    rc = rt_size(&out_bytes, height, 8, 4, "row digests", e);
    if (rc)
        return rc;
    dev_mats dm;
    uint32_t *d_out = NULL;
    rc = dev_mats_init(&dm, mats, widths, (unsigned)n_mats, height, 1, e);
    if (!rc)
        rc = rt_alloc((void **)&d_out, out_bytes, "row digests", e);
    if (!rc)
        rc = rt_flat("p2_hash_rows", height, p2_rows_body{dm.d_ptrs, dm.d_widths, dm.n, d_out}, e);
    if (!rc)
        rc = rt_sync("Poseidon2 row hashing", e);
    if (!rc)
        rc = rt_d2h(out, d_out, out_bytes, e);
    rt_free(d_out);
    dev_mats_free(&dm);
    return rc;
}

int gpu_p2_compress_layer_dev(const p2_digest *d_in, size_t n, p2_digest *d_out, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    if (!rc)
        rc = rt_flat("p2_compress_layer", n, p2_layer_body{(const uint32_t *)d_in, (uint32_t *)d_out, NULL, NULL, 0}, e);
    return rc ? rc : rt_sync("Poseidon2 compression layer", e);
}

int gpu_p2_compress_layer(const p2_digest *in, size_t n, p2_digest *out, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    size_t out_bytes;
    if (!rc)
        rc = rt_size(&out_bytes, n, 8, 4, "Merkle layer", e);
    if (rc || n == 0)
        return rc;
    p2_digest *d_in = NULL, *d_out = NULL;
    rc = rt_alloc((void **)&d_in, 2 * out_bytes, "Merkle layer input", e);
    if (!rc)
        rc = rt_alloc((void **)&d_out, out_bytes, "Merkle layer output", e);
    if (!rc)
        rc = rt_h2d(d_in, in, 2 * out_bytes, e);
    if (!rc)
        rc = gpu_p2_compress_layer_dev(d_in, n, d_out, e);
    if (!rc)
        rc = rt_d2h(out, d_out, out_bytes, e);
    rt_free(d_in);
    rt_free(d_out);
    return rc;
}

/* Whole tree as lib/merkle builds it (merkle.h): the matrices are device
 * pointers (dev=1) or host pointers (dev=0, uploaded here); layers[k] (host)
 * receives the 2^k digests of layer k, k = 0..L, layers[0] = the root.
 * With keep (dev only): every layer stays in one device buffer *keep (layer k at
 * digest 2^k - 1, the heap order) and only layers k <= host_top come down. */
static int merkle_commit_any(size_t n_mats, const uint32_t *const *mats, const size_t *widths,
                             const unsigned *log_heights, p2_digest **layers, int dev, rk_err *e,
                             p2_digest **keep = NULL, unsigned host_top = 0)
{
    int rc = rt_init(e);
    if (rc)
        return rc;
    if (n_mats == 0)
        return rk_fail(e, RK_EINPUT, "gpu merkle: no matrices");
    unsigned L = 0;
    for (size_t i = 0; i < n_mats; i++) {
        if (widths[i] == 0)
            return rk_fail(e, RK_EINPUT, "gpu merkle: matrix %zu has width 0", i);
        if (log_heights[i] > 30)
            return rk_fail(e, RK_EINPUT, "gpu merkle: matrix %zu has log height %u > 30", i,
                           log_heights[i]);
        if (log_heights[i] > L)
            L = log_heights[i];
    }
    const uint32_t **sel = (const uint32_t **)calloc(n_mats, sizeof *sel);
    size_t *selw = (size_t *)calloc(n_mats, sizeof *selw);
    uint32_t *d_cur = NULL, *d_next = NULL;
    if (!sel || !selw)
        rc = rk_fail(e, RK_EINTERNAL, "gpu merkle: out of host memory");
    uint32_t *d_all = NULL; /* keep: every layer */
    if (!rc && keep)
        rc = rt_alloc((void **)&d_all, ((((size_t)2) << L) - 1) * 32, "Merkle layers (kept)", e);
    if (!rc && !keep)
        rc = rt_alloc((void **)&d_cur, ((size_t)32) << L, "Merkle layer", e);
    if (!rc && L && !keep)
        rc = rt_alloc((void **)&d_next, ((size_t)32) << (L - 1), "Merkle layer", e);
    for (int k = (int)L; k >= 0 && !rc; k--) {
        if (keep) { /* layer k at digest 2^k - 1 (d_next, or d_cur for the leaves), the one below it
                     * at 2^(k+1) - 1 */
            d_next = d_all + ((((size_t)1) << k) - 1) * 8;
            d_cur = k == (int)L ? d_next : d_all + ((((size_t)1) << (k + 1)) - 1) * 8;
        }
        /* the matrices of height 2^k, in the caller's order */
        unsigned ns = 0;
        for (size_t i = 0; i < n_mats; i++)
            if (log_heights[i] == (unsigned)k) {
                sel[ns] = mats[i];
                selw[ns++] = widths[i];
            }
        /* layers without injected matrices need no tables (and no allocation or copy) */
        dev_mats dm;
        memset(&dm, 0, sizeof dm);
        if (ns)
            rc = dev_mats_init(&dm, sel, selw, ns, (uint64_t)1 << k, !dev, e);
        uint64_t cnt = (uint64_t)1 << k;
        if (!rc && k == (int)L)
            rc = rt_flat("p2_hash_rows", cnt, p2_rows_body{dm.d_ptrs, dm.d_widths, dm.n, d_cur}, e);
        else if (!rc)
            rc = rt_flat("p2_layer", cnt, p2_layer_body{d_cur, d_next, dm.d_ptrs, dm.d_widths, dm.n}, e);
        if (!rc && (ns || k == 0)) /* tables are freed below; the last layer ends the call */
            rc = rt_sync("Merkle layer", e);
        dev_mats_free(&dm);
        if (!rc && k != (int)L) {
            uint32_t *t = d_cur;
            d_cur = d_next;
            d_next = t;
        }
        if (!rc && layers && (!keep || (unsigned)k <= host_top))
            rc = rt_d2h(layers[k], d_cur, cnt * 32, e);
    }
    if (keep) {
        if (rc)
            rt_free(d_all);
        else
            *keep = (p2_digest *)d_all;
    } else {
        rt_free(d_cur);
        rt_free(d_next);
    }
    free(sel);
    free(selw);
    return rc;
}

int gpu_merkle_commit(size_t n_mats, const uint32_t *const *mats, const size_t *widths,
                      const unsigned *log_heights, p2_digest **layers, rk_err *e)
{
    RK_API_LOCK;
    return merkle_commit_any(n_mats, mats, widths, log_heights, layers, 0, e);
}

int gpu_merkle_commit_dev(size_t n_mats, const uint32_t *const *d_mats, const size_t *widths,
                          const unsigned *log_heights, p2_digest **layers, rk_err *e)
{
    RK_API_LOCK;
    return merkle_commit_any(n_mats, d_mats, widths, log_heights, layers, 1, e);
}

int gpu_gather(const void *d_src, size_t elem_words, const uint64_t *idx, size_t n, void *out, rk_err *e)
{
    RK_API_LOCK;
    if (n == 0)
        return RK_OK;
    if (elem_words == 0 || elem_words > ((size_t)1 << 24))
        return rk_fail(e, RK_EINPUT, "gpu gather: %zu words an element", elem_words);
    int rc = rt_init(e);
    if (rc)
        return rc;
    uint64_t *d_idx = NULL;
    uint32_t *d_out = NULL;
    rc = rt_alloc((void **)&d_idx, n * sizeof *d_idx, "gather indices", e);
    if (!rc)
        rc = rt_alloc((void **)&d_out, n * elem_words * 4, "gathered words", e);
    if (!rc)
        rc = rt_h2d(d_idx, idx, n * sizeof *d_idx, e);
    if (!rc) {
        gather_body body{(const uint32_t *)d_src, d_idx, d_out, elem_words};
        rc = rt_flat("gather", (uint64_t)n * elem_words, body, e);
    }
    if (!rc)
        rc = rt_sync("gather", e);
    if (!rc)
        rc = rt_d2h(out, d_out, n * elem_words * 4, e);
    rt_free(d_idx);
    rt_free(d_out);
    return rc;
}

int gpu_merkle_commit_keep(size_t n_mats, const bb_t *const *d_mats, const size_t *widths,
                           const unsigned *log_heights, p2_digest **layers, unsigned host_top,
                           p2_digest **d_layers, rk_err *e)
{
    RK_API_LOCK;
    *d_layers = NULL;
    return merkle_commit_any(n_mats, d_mats, widths, log_heights, layers, 1, e, d_layers, host_top);
}

} /* extern "C" */

/* ---- the prover's commit step in one round trip ---- */
extern "C" int gpu_lde_commit(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                              bb_t shift, bb_t *lde_out, p2_digest **layers, rk_err *e)
{
    RK_API_LOCK;
    int rc = rt_init(e);
    size_t in_bytes = 0, out_bytes = 0;
    if (rc)
        return rc;
    if (width == 0)
        return rk_fail(e, RK_EINPUT, "gpu LDE commit: width 0");
    if (log_n + log_blowup > 27)
        return rk_fail(e, RK_EINPUT, "gpu LDE commit: log height %u > 27", log_n + log_blowup);
    rc = rt_size(&in_bytes, (size_t)1 << log_n, width, 4, "LDE commit", e);
    if (!rc)
        rc = rt_size(&out_bytes, (size_t)1 << (log_n + log_blowup), width, 4, "LDE commit", e);
    if (rc)
        return rc;
    bb_t *d = NULL;
    rc = rt_alloc((void **)&d, out_bytes, "LDE commit", e);
    if (!rc)
        rc = rt_h2d(d, evals, in_bytes, e);
    if (!rc)
        rc = gpu_ntt_coset_lde_batch_dev(d, log_n, width, log_blowup, shift, 1, e);
    if (!rc) {
        const bb_t *mats[1] = {d};
        size_t widths[1] = {width};
        unsigned logs[1] = {log_n + log_blowup};
        rc = merkle_commit_any(1, mats, widths, logs, layers, 1, e);
    }
    if (!rc && lde_out)
        rc = rt_d2h(lde_out, d, out_bytes, e);
    rt_free(d);
    return rc;
}
