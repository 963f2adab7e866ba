/* merkle.c - mixed-height Merkle tree (Plonky3 MMCS layout, power-of-two heights). */
#include "merkle/merkle.h"

#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "gpu/gpu.h"

/* merkle_commit_dev keeps the layers below this one on the device (when the tree is taller) */
static unsigned g_host_top = 16;

unsigned merkle_set_host_top(unsigned k)
{
    unsigned old = g_host_top;
    g_host_top = k;
    return old;
}

void merkle_tree_init(merkle_tree *t) { memset(t, 0, sizeof *t); }

void merkle_tree_free(merkle_tree *t)
{
    if (t->layers)
        for (unsigned k = 0; k <= t->log_max; k++)
            free(t->layers[k]);
    free(t->layers);
    gpu_free(t->d_layers);
    free(t->mats);
    free(t->widths);
    free(t->log_heights);
    free(t->d_mats);
    memset(t, 0, sizeof *t);
}

static int check_shape(size_t n_mats, const size_t *widths, const unsigned *log_heights,
                       unsigned *log_max, size_t *total, rk_err *e)
{
    if (n_mats == 0)
        return rk_fail(e, RK_EINPUT, "merkle: no matrices");
    unsigned L = 0;
    size_t tw = 0;
    for (size_t i = 0; i < n_mats; i++) {
        if (widths[i] == 0 || widths[i] > (1u << 24))
            return rk_fail(e, RK_EINPUT, "merkle: matrix %zu has width %zu", i, widths[i]);
        if (log_heights[i] > MERKLE_MAX_LOG_HEIGHT)
            return rk_fail(e, RK_EINPUT, "merkle: matrix %zu has log height %u > %d", i,
                           log_heights[i], MERKLE_MAX_LOG_HEIGHT);
        if (log_heights[i] > L)
            L = log_heights[i];
        tw += widths[i];
    }
    *log_max = L;
    *total = tw;
    return RK_OK;
}

/* Hash the rows of the matrices of height 2^k into out (2^k digests). */
static int hash_height(const merkle_tree *t, unsigned k, p2_digest *out)
{
    const bb_t *mats[64];
    size_t widths[64], n = 0;
    const bb_t **mp = mats;
    size_t *wp = widths;
    const bb_t **mh = NULL;
    size_t *wh = NULL;
    if (t->n_mats > 64) {
        mh = malloc(t->n_mats * sizeof *mh);
        wh = malloc(t->n_mats * sizeof *wh);
        if (!mh || !wh) {
            free(mh);
            free(wh);
            return -1;
        }
        mp = mh;
        wp = wh;
    }
    for (size_t i = 0; i < t->n_mats; i++)
        if (t->log_heights[i] == k) {
            mp[n] = t->mats[i];
            wp[n] = t->widths[i];
            n++;
        }
    if (n)
        p2_hash_rows(mp, wp, n, (size_t)1 << k, out);
    free(mh);
    free(wh);
    return (int)n;
}

static int build_on_cpu(merkle_tree *t);

/* merkle_commit, and merkle_commit_dev when d_mats is not NULL. */
static int commit(merkle_tree *t, size_t n_mats, const bb_t *const *mats, const bb_t *const *d_mats,
                  const size_t *widths, const unsigned *log_heights, rk_err *e)
{
    merkle_tree_free(t);
    unsigned L;
    size_t tw;
    int rc = check_shape(n_mats, widths, log_heights, &L, &tw, e);
    if (rc)
        return rc;
    t->n_mats = n_mats;
    t->log_max = L;
    t->total_width = tw;
    t->mats = malloc(n_mats * sizeof *t->mats);
    t->widths = malloc(n_mats * sizeof *t->widths);
    t->log_heights = malloc(n_mats * sizeof *t->log_heights);
    t->layers = calloc(L + 1, sizeof *t->layers);
    if (d_mats)
        t->d_mats = malloc(n_mats * sizeof *t->d_mats);
    if (!t->mats || !t->widths || !t->log_heights || !t->layers || (d_mats && !t->d_mats))
        goto oom;
    memcpy(t->mats, mats, n_mats * sizeof *mats);
    int all_host = 1;
    for (size_t i = 0; i < n_mats; i++)
        all_host &= mats[i] != NULL;
    if (d_mats)
        memcpy(t->d_mats, d_mats, n_mats * sizeof *t->d_mats);
    memcpy(t->widths, widths, n_mats * sizeof *widths);
    memcpy(t->log_heights, log_heights, n_mats * sizeof *log_heights);
    /* device matrices of a tall tree: its lower layers stay on the device (merkle_open_many
     * gathers what the openings need) */
    const int keep = d_mats && L > g_host_top;
    t->host_top = keep ? g_host_top : L;
    for (unsigned k = 0; k <= t->host_top; k++)
        if (!(t->layers[k] = malloc(((size_t)1 << k) * sizeof(p2_digest))))
            goto oom;
    /* Big trees: the whole tree on the GPU (lib/gpu, same digests), one upload of the matrices. */
    size_t words = 0;
    for (size_t i = 0; i < n_mats; i++)
        words += widths[i] << log_heights[i];
    if (d_mats || rk_backend_offload(words)) {
        rk_err ge;
        rk_err_clear(&ge);
        double t0 = rk_backend_clock();
        if ((keep ? gpu_merkle_commit_keep(n_mats, d_mats, widths, log_heights, t->layers, t->host_top,
                                           &t->d_layers, &ge)
             : d_mats ? gpu_merkle_commit_dev(n_mats, d_mats, widths, log_heights, t->layers, &ge)
                      : gpu_merkle_commit(n_mats, mats, widths, log_heights, t->layers, &ge)) == RK_OK) {
            /* the matrices up (unless they are on the device already), the host layers down */
            rk_backend_gpu_call_done(t0, (d_mats ? 0 : words * sizeof(bb_t)) +
                                             (((size_t)2 << t->host_top) - 1) * sizeof(p2_digest));
            return RK_OK;
        }
        rc = rk_backend_gpu_failed(&ge);
        if (rc != RK_OK || !all_host) { /* "gpu", or matrices that only the device holds */
            merkle_tree_free(t);
            return rk_fail(e, RK_EINTERNAL, "merkle: %s", ge.msg);
        }
    }
    if (build_on_cpu(t) != RK_OK)
        goto oom;
    return RK_OK;
oom:
    merkle_tree_free(t);
    return rk_fail(e, RK_EINTERNAL, "merkle: out of memory");
}

/* Every layer on the CPU from the host matrices (the ones a kept tree left on the device too). */
static int build_on_cpu(merkle_tree *t)
{
    const unsigned L = t->log_max;
    const size_t n_mats = t->n_mats;
    const unsigned *log_heights = t->log_heights;
    for (unsigned k = 0; k <= L; k++)
        if (!t->layers[k] && !(t->layers[k] = malloc(((size_t)1 << k) * sizeof(p2_digest))))
            return RK_EINTERNAL;
    if (hash_height(t, L, t->layers[L]) < 0)
        return RK_EINTERNAL;
    p2_digest *pair = NULL, *inj = NULL;
    for (unsigned k = L; k-- > 0;) {
        size_t n = (size_t)1 << k;
        p2_compress_layer(t->layers[k + 1], n, t->layers[k]);
        int has = 0;
        for (size_t i = 0; i < n_mats; i++)
            has |= log_heights[i] == k;
        if (!has)
            continue;
        /* injection: node = compress(node, hash(rows of the matrices of this height)) */
        if (!pair) {
            pair = malloc(((size_t)1 << L) * sizeof *pair);
            inj = malloc(((size_t)1 << L) * sizeof *inj);
            if (!pair || !inj) {
                free(pair);
                free(inj);
                return RK_EINTERNAL;
            }
        }
        if (hash_height(t, k, inj) < 0) {
            free(pair);
            free(inj);
            return RK_EINTERNAL;
        }
#pragma omp parallel for schedule(static) if (n >= 4096)
        for (size_t i = 0; i < n; i++) {
            pair[2 * i] = t->layers[k][i];
            pair[2 * i + 1] = inj[i];
        }
        p2_compress_layer(pair, n, t->layers[k]);
    }
    free(pair);
    free(inj);
    gpu_free(t->d_layers);
    t->d_layers = NULL;
    t->host_top = L;
    return RK_OK;
}

int merkle_rebuild_on_host(merkle_tree *t, rk_err *e)
{
    if (!t->d_layers)
        return RK_OK;
    for (size_t i = 0; i < t->n_mats; i++)
        if (!t->mats[i])
            return rk_fail(e, RK_EINTERNAL, "merkle: matrix %zu is not in host memory", i);
    if (build_on_cpu(t) != RK_OK)
        return rk_fail(e, RK_EINTERNAL, "merkle: out of memory");
    return RK_OK;
}

int merkle_commit(merkle_tree *t, size_t n_mats, const bb_t *const *mats, const size_t *widths,
                  const unsigned *log_heights, rk_err *e)
{
    return commit(t, n_mats, mats, NULL, widths, log_heights, e);
}

int merkle_commit_dev(merkle_tree *t, size_t n_mats, const bb_t *const *mats, const bb_t *const *d_mats,
                      const size_t *widths, const unsigned *log_heights, rk_err *e)
{
    return commit(t, n_mats, mats, d_mats, widths, log_heights, e);
}

static int open_paths(const merkle_tree *t, size_t n, const size_t *index, p2_digest *path_out, rk_err *e);

int merkle_open(const merkle_tree *t, size_t index, bb_t *rows_out, p2_digest *path_out, rk_err *e)
{
    const unsigned L = t->log_max;
    size_t off = 0;
    for (size_t i = 0; i < t->n_mats; i++) {
        size_t r = index >> (L - t->log_heights[i]), w = t->widths[i];
        if (t->mats[i]) {
            memcpy(rows_out + off, t->mats[i] + r * w, w * sizeof(bb_t));
        } else { /* only on the device: fetch the one row */
            rk_err ge;
            rk_err_clear(&ge);
            double t0 = rk_backend_clock();
            if (!t->d_mats || !t->d_mats[i] ||
                gpu_download(rows_out + off, t->d_mats[i] + r * w, w * sizeof(bb_t), &ge) != RK_OK) {
                if (t->d_mats && t->d_mats[i])
                    rk_backend_gpu_failed(&ge); /* recorded; the caller redoes the opening from host rows */
                return rk_fail(e, RK_EINTERNAL, "merkle: matrix %zu is not in host memory: %s", i,
                               ge.msg[0] ? ge.msg : "and has no device copy");
            }
            rk_backend_gpu_call_done(t0, w * sizeof(bb_t));
        }
        off += w;
    }
    return open_paths(t, 1, &index, path_out, e);
}

/* The sibling digests of n leaves: from the host layers, and the kept device layers with one
 * gather. */
static int open_paths(const merkle_tree *t, size_t n, const size_t *index, p2_digest *path_out, rk_err *e)
{
    const unsigned L = t->log_max, top = t->host_top;
    for (size_t q = 0; q < n; q++)
        for (unsigned k = top < L ? top : L; k >= 1; k--)
            path_out[q * L + L - k] = t->layers[k][(index[q] >> (L - k)) ^ 1];
    if (top >= L)
        return RK_OK;
    const size_t per = L - top; /* levels k = L .. top + 1 */
    uint64_t *idx = malloc(n * per * sizeof *idx);
    p2_digest *got = malloc(n * per * sizeof *got);
    int rc = RK_OK;
    if (!idx || !got) {
        rc = rk_fail(e, RK_EINTERNAL, "merkle: out of memory");
    } else {
        for (size_t q = 0; q < n; q++)
            for (unsigned k = L; k > top; k--)
                idx[q * per + (L - k)] = (((uint64_t)1 << k) - 1) + ((index[q] >> (L - k)) ^ 1);
        rk_err ge;
        rk_err_clear(&ge);
        double t0 = rk_backend_clock();
        if (gpu_gather(t->d_layers, 8, idx, n * per, got, &ge) != RK_OK) {
            rk_backend_gpu_failed(&ge); /* recorded; the caller rebuilds the tree on the host */
            rc = rk_fail(e, RK_EINTERNAL, "merkle: the tree's lower layers are on the device: %s", ge.msg);
        } else {
            rk_backend_gpu_call_done(t0, n * per * sizeof *got);
            for (size_t q = 0; q < n; q++)
                for (size_t j = 0; j < per; j++)
                    path_out[q * L + j] = got[q * per + j];
        }
    }
    free(idx);
    free(got);
    return rc;
}

int merkle_open_many(const merkle_tree *t, size_t n, const size_t *index, bb_t *rows_out, p2_digest *path_out,
                     rk_err *e)
{
    const unsigned L = t->log_max;
    const size_t tw = t->total_width;
    size_t off = 0;
    for (size_t q = 0; q < n; q++)
        if (index[q] >> L)
            return rk_fail(e, RK_EINPUT, "merkle: index %zu out of range", index[q]);
    for (size_t i = 0; i < t->n_mats; i++) {
        const size_t w = t->widths[i];
        const unsigned sh = L - t->log_heights[i];
        if (t->mats[i]) {
            for (size_t q = 0; q < n; q++)
                memcpy(rows_out + q * tw + off, t->mats[i] + (index[q] >> sh) * w, w * sizeof(bb_t));
        } else { /* only on the device: every query's row in one gather */
            uint64_t *idx = malloc(n * sizeof *idx);
            bb_t *got = malloc(n * w * sizeof *got);
            rk_err ge;
            rk_err_clear(&ge);
            double t0 = rk_backend_clock();
            int ok = idx && got && t->d_mats && t->d_mats[i];
            if (ok) {
                for (size_t q = 0; q < n; q++)
                    idx[q] = index[q] >> sh;
                ok = gpu_gather(t->d_mats[i], w, idx, n, got, &ge) == RK_OK;
                if (!ok)
                    rk_backend_gpu_failed(&ge);
            }
            if (ok) {
                rk_backend_gpu_call_done(t0, n * w * sizeof(bb_t));
                for (size_t q = 0; q < n; q++)
                    memcpy(rows_out + q * tw + off, got + q * w, w * sizeof(bb_t));
            }
            free(idx);
            free(got);
            if (!ok)
                return rk_fail(e, RK_EINTERNAL, "merkle: matrix %zu is not in host memory: %s", i,
                               ge.msg[0] ? ge.msg : "and could not be read from the device");
        }
        off += w;
    }
    return open_paths(t, n, index, path_out, e);
}

/* Hash the opened rows of the matrices of height 2^k (concatenated in caller order). */
static int hash_opened(size_t n_mats, const size_t *widths, const unsigned *log_heights,
                       const bb_t *rows, unsigned k, bb_t *scratch, p2_digest *out)
{
    size_t off = 0, n = 0;
    for (size_t i = 0; i < n_mats; i++) {
        if (log_heights[i] == k) {
            memcpy(scratch + n, rows + off, widths[i] * sizeof(bb_t));
            n += widths[i];
        }
        off += widths[i];
    }
    if (n)
        p2_hash(scratch, n, out);
    return n != 0;
}

int merkle_verify(const p2_digest *root, size_t n_mats, const size_t *widths,
                  const unsigned *log_heights, size_t index, const bb_t *rows,
                  const p2_digest *path, rk_err *e)
{
    unsigned L;
    size_t tw;
    int rc = check_shape(n_mats, widths, log_heights, &L, &tw, e);
    if (rc)
        return rc;
    if (index >> L)
        return rk_fail(e, RK_EINPUT, "merkle: index %zu out of range", index);
    bb_t *scratch = malloc(tw * sizeof *scratch);
    if (!scratch)
        return rk_fail(e, RK_EINTERNAL, "merkle: out of memory");
    p2_digest node, h;
    hash_opened(n_mats, widths, log_heights, rows, L, scratch, &node);
    for (unsigned k = L; k-- > 0;) {
        const p2_digest *sib = &path[L - 1 - k];
        p2_digest up;
        if ((index >> (L - 1 - k)) & 1)
            p2_compress(sib, &node, &up);
        else
            p2_compress(&node, sib, &up);
        node = up;
        if (hash_opened(n_mats, widths, log_heights, rows, k, scratch, &h)) {
            p2_compress(&node, &h, &up);
            node = up;
        }
    }
    free(scratch);
    if (memcmp(&node, root, sizeof node) != 0)
        return rk_fail(e, RK_EFALSE, "merkle: opening at index %zu does not match the root", index);
    return RK_OK;
}
