/* memstate.h - the Poseidon2 commitment to a guest's state (docs/exec.md,
 * "Memory-state commitment").
 *
 * Memory: the space [0, 2^31) is cut into 2^21 pages of 1 KiB.  A page's leaf
 * is p2_hash of 512 field elements: for each of its 256 little-endian words
 * w, in address order, (w & 0xFFFF, w >> 16) - two 16-bit limbs, since a word
 * does not fit in BabyBear.  Inner nodes are p2_compress(left, right); the
 * tree has depth 21 and a page that was never written is an all-zero page,
 * whose digests (and those of all-empty subtrees) are precomputed.
 *
 * State: p2_hash of 110 elements, in this order:
 *   memory root (8) | pc lo, hi (2) | text_lo lo, hi (2) | text_hi lo, hi (2) | x0..x31 lo, hi (64) |
 *   committed-value digest words 0..7 lo, hi (16) | deferred-proof digest words 0..7 lo, hi (16)
 * [text_lo, text_hi) is the program's executable range (elf_image's, 4-aligned): code is
 * fetched only from there and never written (docs/air.md, "The proven machine, exactly"), and
 * no instruction changes it, so every state of a run carries the range of its image id.
 * The image id of a program is the state digest of its initial state.
 *
 * Multiproofs: a set of pages (sorted, distinct) is proven against a root
 * by the siblings that ms_multiproof_root consumes, in the order it
 * consumes them (level by level from the leaves, left to right, one sibling
 * for every node whose sibling subtree holds no page of the set).
 */
#ifndef RAIKO_MEMSTATE_H
#define RAIKO_MEMSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "hash/poseidon2.h"

#define MS_PAGE_LOG 10
#define MS_PAGE_SIZE (1u << MS_PAGE_LOG)
#define MS_DEPTH 21
#define MS_NUM_PAGES (1u << MS_DEPTH)
#define MS_LEAF_ELEMS (MS_PAGE_SIZE / 2) /* 512: two limbs per word */
#define MS_STATE_ELEMS 110

/* Digests on the wire and in hex: 8 canonical u32 values, little-endian. */
void ms_digest_to_bytes(const p2_digest *d, uint8_t out[32]);
int ms_digest_from_bytes(p2_digest *d, const uint8_t in[32]); /* RK_EINPUT if a value >= p */
void ms_digest_hex(const p2_digest *d, char out[65]);
int ms_digest_eq(const p2_digest *a, const p2_digest *b);

/* Leaf digest of one page, and of n pages at once (batched). */
void ms_page_digest(const uint8_t *page, p2_digest *out);
int ms_page_digests(const uint8_t *pages, size_t n, p2_digest *out);

/* Digest of an empty subtree of height h (0 = an all-zero page). */
const p2_digest *ms_empty(unsigned h);

/* The state digest (layout above). */
void ms_state_digest(const p2_digest *mem_root, uint32_t pc, uint32_t text_lo, uint32_t text_hi,
                     const uint32_t regs[32], const uint32_t committed[8], const uint32_t deferred[8],
                     p2_digest *out);

/* The full sparse tree, kept by the splitter.  An all-zero node means
 * "empty subtree" (a real digest of zero has probability 2^-248). */
typedef struct ms_tree {
    p2_digest *level[MS_DEPTH + 1]; /* level[k] has 2^(21-k) nodes; level[21][0] = root */
} ms_tree;

int ms_tree_init(ms_tree *t, rk_err *e);
void ms_tree_free(ms_tree *t);
/* Set leaves of pages[0..n) (any order, distinct) and rehash their ancestors. */
int ms_tree_update(ms_tree *t, const uint32_t *pages, const p2_digest *leaves, size_t n, rk_err *e);
void ms_tree_root(const ms_tree *t, p2_digest *root);
/* The multiproof of sorted, distinct pages[0..n): siblings appended to *sib
 * (malloc'ed, *n_sib entries). */
int ms_tree_multiproof(const ms_tree *t, const uint32_t *pages, size_t n, p2_digest **sib,
                       size_t *n_sib, rk_err *e);

/* Root of the tree in which pages[i] has leaf leaves[i] and every other
 * subtree has the digest given by the multiproof sib[0..n_sib).  pages must
 * be sorted, distinct, < MS_NUM_PAGES, and every sibling must be consumed.
 * RK_EINPUT (with a message) otherwise. */
int ms_multiproof_root(const uint32_t *pages, const p2_digest *leaves, size_t n,
                       const p2_digest *sib, size_t n_sib, p2_digest *root, rk_err *e);

#endif
