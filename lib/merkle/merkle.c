/* merkle.c - mixed-height Merkle tree (Plonky3 MMCS layout, power-of-two heights). */
#include "merkle/merkle.h"

#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "gpu/gpu.h"

void merkle_tree_init(merkle_tree *t) { memset(t, 0, sizeof *t); }

void merkle_tree_free(merkle_tree *t)
{
    if (t->layers)
        for (unsigned k = 0; k <= t->log_max; k++)
            free(t->layers[k]);
    free(t->layers);
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
    for (unsigned k = 0; k <= L; k++)
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
        if ((d_mats ? gpu_merkle_commit_dev(n_mats, d_mats, widths, log_heights, t->layers, &ge)
                    : gpu_merkle_commit(n_mats, mats, widths, log_heights, t->layers, &ge)) == RK_OK) {
            /* the matrices up (unless they are on the device already), every layer down */
            rk_backend_gpu_call_done(t0, (d_mats ? 0 : words * sizeof(bb_t)) +
                                             (((size_t)2 << L) - 1) * sizeof(p2_digest));
            return RK_OK;
        }
        rc = rk_backend_gpu_failed(&ge);
        if (rc != RK_OK || !all_host) { /* "gpu", or matrices that only the device holds */
            merkle_tree_free(t);
            return rk_fail(e, RK_EINTERNAL, "merkle: %s", ge.msg);
        }
    }
    if (hash_height(t, L, t->layers[L]) < 0)
        goto oom;
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
                goto oom;
            }
        }
        if (hash_height(t, k, inj) < 0) {
            free(pair);
            free(inj);
            goto oom;
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
    return RK_OK;
oom:
    merkle_tree_free(t);
    return rk_fail(e, RK_EINTERNAL, "merkle: out of memory");
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
    for (unsigned k = L; k >= 1; k--)
        path_out[L - k] = t->layers[k][(index >> (L - k)) ^ 1];
    return RK_OK;
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
