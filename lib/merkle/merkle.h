/* merkle.h - one Merkle tree over several matrices of different heights (Plonky3 MMCS).
 *
 * Matrices are row-major BabyBear matrices whose heights are powers of two
 * (2^log_height rows, log_height <= 30) and whose widths are >= 1.  A leaf is
 * a row index of the tallest matrices (2^L rows, L = max log_height).
 *
 *   layer L (leaves):  d[i] = p2_hash(row i of every matrix of height 2^L, concatenated
 *                                     in the order the caller listed them)
 *   going up:          d'[i] = p2_compress(d[2i], d[2i+1]); and if some matrices have
 *                      exactly this layer's height 2^k ("injection"):
 *                      d'[i] = p2_compress(d'[i], p2_hash(row i of those matrices, concatenated))
 *   root:              the single digest of layer 0.
 *
 * This equals Plonky3's MerkleTreeMmcs with power-of-two heights (matrices
 * sorted by height, stable).  Opening index i (< 2^L) reveals, for every
 * matrix of height 2^h, its row i >> (L - h), and the L sibling digests
 * bottom-up.  Extension-field matrices are committed as base matrices whose
 * rows hold each element's 4 coefficients c0..c3.
 */
#ifndef RAIKO_MERKLE_H
#define RAIKO_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "field/field.h"
#include "hash/poseidon2.h"

#define MERKLE_MAX_LOG_HEIGHT 30

typedef struct merkle_tree {
    size_t n_mats;
    const bb_t **mats;      /* borrowed: the caller keeps them alive while opening; NULL entries:
                             * the matrix is only on the device (d_mats) */
    const bb_t **d_mats;    /* merkle_commit_dev: the device copies (borrowed), or NULL */
    size_t *widths;
    unsigned *log_heights;
    size_t total_width;     /* sum of widths: the length of one opening's rows */
    unsigned log_max;       /* L */
    p2_digest **layers;     /* layers[k] holds 2^k digests, k = 0..host_top (layers[0][0] = root) */
    unsigned host_top;      /* L, or (a tree kept on the device) the last layer in host memory */
    p2_digest *d_layers;    /* kept on the device: every layer, layer k at digest 2^k - 1; or NULL */
} merkle_tree;

void merkle_tree_init(merkle_tree *t);
void merkle_tree_free(merkle_tree *t);

/* Build the tree.  The matrices are borrowed (not copied).  RK_EINPUT on a bad
 * shape (no matrices, zero width, log_height > 30), RK_EINTERNAL on OOM.
 * Multithreaded; the result does not depend on the thread count. */
int merkle_commit(merkle_tree *t, size_t n_mats, const bb_t *const *mats, const size_t *widths,
                  const unsigned *log_heights, rk_err *e);

/* The same tree, hashed on the GPU from device copies of the matrices (d_mats[i] holds
 * mats[i]; lib/gpu): no upload.  A host matrix may be NULL (the matrix is only on the
 * device: merkle_open downloads the rows it opens).  A tree taller than 2^16 leaves
 * (merkle_set_host_top) keeps its lower layers on the device: only the top ones come down,
 * and the openings gather the sibling digests they need (merkle_open_many: one transfer).  When the GPU fails under the "auto"
 * backend (lib/backend) the CPU redoes the tree if every host matrix is there; otherwise
 * RK_EINTERNAL (the failure recorded: the caller makes the host matrices and commits again). */
int merkle_commit_dev(merkle_tree *t, size_t n_mats, const bb_t *const *mats, const bb_t *const *d_mats,
                      const size_t *widths, const unsigned *log_heights, rk_err *e);

static inline const p2_digest *merkle_root(const merkle_tree *t) { return &t->layers[0][0]; }

/* Open leaf `index` (< 2^L): rows_out gets total_width elements (each
 * matrix's row in the caller's matrix order), path_out gets L digests, the
 * sibling at the leaf layer first.  A matrix held only on the device
 * (merkle_commit_dev with a NULL host matrix) has its row downloaded; RK_EINTERNAL
 * when that fails (the failure is recorded with rk_backend_gpu_failed). */
int merkle_open(const merkle_tree *t, size_t index, bb_t *rows_out, p2_digest *path_out, rk_err *e);

/* merkle_open for n leaves at once: rows_out gets n x total_width elements, path_out n x L
 * digests (leaf q's at q*L).  Rows of device-only matrices and digests of device layers come
 * in one gather each (the FRI queries: ~100 leaves).  RK_EINPUT on an index out of range. */
int merkle_open_many(const merkle_tree *t, size_t n, const size_t *index, bb_t *rows_out, p2_digest *path_out,
                     rk_err *e);
/* A tree that kept layers on the device: make every layer in host memory on the CPU from the
 * host matrices (all must be there; after a GPU failure under "auto").  Same digests. */
int merkle_rebuild_on_host(merkle_tree *t, rk_err *e);
/* Test/tuning hook: the last layer a device tree keeps in host memory (default 16); returns
 * the previous value.  Same trees and openings for any value. */
unsigned merkle_set_host_top(unsigned k);

/* Check an opening against root.  Shapes are the verifier's own (never read
 * from the proof).  RK_OK, RK_EFALSE if the opening is wrong, RK_EINPUT on a
 * bad shape or index. */
int merkle_verify(const p2_digest *root, size_t n_mats, const size_t *widths,
                  const unsigned *log_heights, size_t index, const bb_t *rows,
                  const p2_digest *path, rk_err *e);

#endif
