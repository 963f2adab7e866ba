/* gpu.h - the CUDA backend: the prover's hot loops on one GPU, byte-identical to the CPU.
 *
 * Every function here computes exactly what its CPU twin computes (named in
 * its comment), word for word: the results are mathematically determined
 * (polynomial evaluations, Poseidon2 outputs, Merkle roots) and the GPU keeps
 * elements in the same canonical Montgomery form as lib/field.  Tests compare
 * both outputs byte for byte (t/unit/test_gpu.c, scripts/gpu-check).
 *
 * Two flavours of each operation:
 *   gpu_xxx(...)      host memory in and out: upload, run, download.  Drop-in
 *                     for the CPU function, plus an rk_err.
 *   gpu_xxx_dev(...)  device pointers (from gpu_malloc), for chaining steps
 *                     without round trips through host memory.
 * All return RK_OK, RK_EINPUT (bad shape, e.g. log_n > 27), or RK_EINTERNAL
 * (no device, a failed CUDA call or launch, out of device memory - the message
 * then says how many bytes were asked and how many are free).
 *
 * Device: the first device of CUDA_VISIBLE_DEVICES (one process per GPU).
 * Built without CUDA (no nvcc, or CUDA=0), every function fails with
 * RK_EINTERNAL "built without CUDA" and gpu_available() is 0 (lib/gpu/gpu_stub.c).
 * Thread-safe: calls from several host threads are serialised by one lock.
 *
 * Emulation (tests only): gpu_set_emulation(1) runs the same kernel bodies
 * (same index math, same arithmetic) in host loops instead of on a device,
 * so that CUDA builds can test the kernels on machines without a GPU.  It is
 * slow; use small sizes.
 */
#ifndef RAIKO_GPU_H
#define RAIKO_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "air/air.h"
#include "common/err.h"
#include "field/field.h"
#include "hash/poseidon2.h"

/* ---- device ---- */
/* Open the device once (later calls are free).  RK_OK, or RK_EINTERNAL saying why not. */
int gpu_init(rk_err *e);
/* 1 iff gpu_init succeeds (or emulation is on). */
int gpu_available(void);
/* "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)", "host emulation", or "none". */
const char *gpu_device_name(void);
/* Free cached device tables (twiddles).  Optional, at exit. */
void gpu_shutdown(void);
/* 1 in CUDA builds (emulation available), 0 in stub builds. */
int gpu_emulation_compiled(void);
void gpu_set_emulation(int on);

/* Device memory accounting of this library's own allocations (bytes). */
size_t gpu_mem_peak(void);
size_t gpu_mem_current(void);
void gpu_mem_reset_peak(void);
/* The driver's view: free and total bytes of the device. */
int gpu_mem_info(size_t *free_bytes, size_t *total_bytes, rk_err *e);

void *gpu_malloc(size_t bytes, rk_err *e); /* NULL + e on failure */
void gpu_free(void *d);
/* Copies of at least two staging buffers (default 32 MiB each) go through pinned
 * buffers, the host side on all cores, overlapped with the DMA; smaller ones are one
 * cudaMemcpy.  Every host-memory gpu_xxx call copies this way. */
int gpu_upload(void *d, const void *h, size_t bytes, rk_err *e);
int gpu_download(void *h, const void *d, size_t bytes, rk_err *e);
/* Device to device. */
int gpu_copy_dev(void *d_dst, const void *d_src, size_t bytes, rk_err *e);
/* Zero bytes of device memory. */
int gpu_zero_dev(void *d, size_t bytes, rk_err *e);
/* Tuning/test hook: the staging buffer size in bytes (>= 4096; 0 = the default 32 MiB);
 * returns the size in use.  Same bytes for any size. */
size_t gpu_set_stage_bytes(size_t bytes);
int gpu_synchronize(rk_err *e);
/* Test hook: let n more device allocations and host<->device copies succeed, then fail every
 * one ("gpu: injected failure") until called again; -1 turns it off.  For testing the
 * recovery from a GPU failing at any point of a proof. */
void gpu_fail_after(long n);

/* ---- NTT (lib/ntt: same matrices, same orders) ---- */
/* = ntt_forward_batch: coefficients -> evaluations over H (2^log_n rows, natural order), in place. */
int gpu_ntt_forward_batch(bb_t *m, unsigned log_n, size_t width, rk_err *e);
/* = ntt_inverse_batch: evaluations over H -> coefficients, in place. */
int gpu_ntt_inverse_batch(bb_t *m, unsigned log_n, size_t width, rk_err *e);
/* = ntt_coset_lde_batch: evaluations over H -> evaluations over shift*K,
 * |K| = 2^(log_n+log_blowup), into out; rows bit-reversed when bitrev_out. */
int gpu_ntt_coset_lde_batch(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                            bb_t shift, bb_t *out, int bitrev_out, rk_err *e);
/* = ntt_bit_reverse_rows. */
int gpu_ntt_bit_reverse_rows(bb_t *m, unsigned log_n, size_t width, rk_err *e);
/* = ntt_forward_batch_bitrev_out: evaluations left in bit-reversed row order (one pass less). */
int gpu_ntt_forward_batch_bitrev_out(bb_t *m, unsigned log_n, size_t width, rk_err *e);
/* Tuning/test hook: shared-memory tile of 2^tile_log words (11..15, default 13
 * or $RAIKO_NTT_TILE_LOG; 0 = default); returns the size in use.  Same results for any size. */
unsigned gpu_ntt_set_tile_log(unsigned tile_log);
/* Tuning/test hook: stages per register group inside a pass, 1..3 (radix 2..8;
 * default 3 or $RAIKO_NTT_RADIX_LOG; 0 = default); returns the value in use. */
unsigned gpu_ntt_set_radix_log(unsigned r);

int gpu_ntt_forward_batch_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e);
int gpu_ntt_inverse_batch_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e);
/* d_out has 2^(log_n+log_blowup) rows and holds the evaluations in its first
 * 2^log_n rows on entry (upload them there); in place, no second buffer. */
int gpu_ntt_coset_lde_batch_dev(bb_t *d_out, unsigned log_n, size_t width, unsigned log_blowup,
                                bb_t shift, int bitrev_out, rk_err *e);
int gpu_ntt_bit_reverse_rows_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e);
int gpu_ntt_forward_batch_bitrev_out_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e);

/* ---- Poseidon2 (lib/hash/poseidon2) ---- */
/* = p2_permute_batch: n states of 16, in place. */
int gpu_p2_permute_batch(bb_t (*st)[P2_WIDTH], size_t n, rk_err *e);
/* = p2_hash_rows. */
int gpu_p2_hash_rows(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t height,
                     p2_digest *out, rk_err *e);
/* = p2_compress_layer: out[i] = p2_compress(in[2i], in[2i+1]), i < n (out must not overlap in). */
int gpu_p2_compress_layer(const p2_digest *in, size_t n, p2_digest *out, rk_err *e);

int gpu_p2_permute_batch_dev(bb_t (*d_st)[P2_WIDTH], size_t n, rk_err *e);
/* d_mats: host array of device matrix pointers; d_out: device, height digests. */
int gpu_p2_hash_rows_dev(const bb_t *const *d_mats, const size_t *widths, size_t n_mats,
                         size_t height, p2_digest *d_out, rk_err *e);
int gpu_p2_compress_layer_dev(const p2_digest *d_in, size_t n, p2_digest *d_out, rk_err *e);

/* ---- Merkle tree (lib/merkle: merkle_commit, mixed power-of-two heights with injection) ---- */
/* Fill layers[k] (host arrays of 2^k digests each, k = 0..L, L = max log_height;
 * layers[0][0] is the root) exactly as merkle_commit fills merkle_tree.layers.
 * layers may be NULL (then nothing is downloaded; for benchmarks).
 * RK_EINPUT on no matrices, a zero width or a log height > 30. */
int gpu_merkle_commit(size_t n_mats, const bb_t *const *mats, const size_t *widths,
                      const unsigned *log_heights, p2_digest **layers, rk_err *e);
/* The same with device matrices (host array of device pointers). */
int gpu_merkle_commit_dev(size_t n_mats, const bb_t *const *d_mats, const size_t *widths,
                          const unsigned *log_heights, p2_digest **layers, rk_err *e);

/* The same from device matrices, every layer kept on the device: *d_layers (gpu_free it) gets
 * all of them in one buffer, layer k at digest 2^k - 1 (heap order), and only the host
 * layers[k] with k <= host_top are filled (the others may be NULL). */
int gpu_merkle_commit_keep(size_t n_mats, const bb_t *const *d_mats, const size_t *widths,
                           const unsigned *log_heights, p2_digest **layers, unsigned host_top,
                           p2_digest **d_layers, rk_err *e);
/* out (host) gets the n elements idx[0..n) of the device array d_src of elements of elem_words
 * 32-bit words, in order: one kernel and one download for rows or digests scattered anywhere. */
int gpu_gather(const void *d_src, size_t elem_words, const uint64_t *idx, size_t n, void *out, rk_err *e);

/* ---- the prover's commit step: LDE then Merkle tree, one upload ---- */
/* = ntt_coset_lde_batch(evals, ..., shift, lde_out, bitrev_out = 1) followed by
 * merkle_commit of that single matrix (log height log_n + log_blowup): lde_out
 * (may be NULL) gets the bit-reversed LDE, layers as in gpu_merkle_commit. */
int gpu_lde_commit(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                   bb_t shift, bb_t *lde_out, p2_digest **layers, rk_err *e);

/* ---- FRI (lib/fri, commit phase step 2 in fri.h) ---- */
/* One fold of a codeword f of 2^log_h extension elements in bit-reversed
 * order (f[2j], f[2j+1] = f(y), f(-y), y = w_h^bitrev_(h-1)(j)):
 *   out[j] = (f(y) + f(-y))/2 + beta (f(y) - f(-y))/(2y) [+ beta^2 reduced[j]],
 * j < 2^(log_h-1); reduced may be NULL (no injection).  1 <= log_h <= 27. */
int gpu_fri_fold(const bb4_t *f, unsigned log_h, bb4_t beta, const bb4_t *reduced, bb4_t *out,
                 rk_err *e);
/* The DEEP reduction's row sums (lib/fri step 1): S[i] = sum_k coef[k] * m[i*w + k],
 * i < n, for a device matrix (n rows of w base words) into device d_S. */
int gpu_deep_dot_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *coef, bb4_t *d_S, rk_err *e);
/* d_inv[i] = 1/(x_i - z) for the 2^log_h rows of a FRI codeword or LDE, x_i = shift *
 * w_h^bitrev_h(i) (lib/fri step 1's points); log_h <= 27. */
int gpu_fri_inv_points_dev(unsigned log_h, bb_t shift, bb4_t z, bb4_t *d_inv, rk_err *e);
/* One matrix's part of the DEEP reduction (lib/fri step 1), into the device codeword d_R:
 *   R[i] += sum_j coef[j] (S_i - Y[j]) d_inv[j][i],  S_i = sum_k apow[k] m[i*w + k],
 * i < n; apow (w), coef and Y (npts) in host memory, d_inv a host array of npts device
 * arrays from gpu_fri_inv_points_dev; 1 <= npts <= 4. */
int gpu_deep_reduce_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *apow, size_t npts,
                        const bb4_t *coef, const bb4_t *Y, const bb4_t *const *d_inv, bb4_t *d_R,
                        rk_err *e);
int gpu_fri_fold_dev(const bb4_t *d_f, unsigned log_h, bb4_t beta, const bb4_t *d_reduced,
                     bb4_t *d_out, rk_err *e);

/* ---- constraint quotient (lib/stark compute_quotient, before its NTTs) ---- */
/* One table's quotient values over the M = 2^(log_n + log_qd) rows of shift*K_M in
 * bit-reversed order:  Q[i] = prog(row i) / Z_H(x_i),  x_i = shift * w_M^bitrev(i),
 * where prog (air_program_build of the constraints and the powers of alpha) reads
 * row i and row "next" = bitrev((bitrev(i) + 2^log_qd) mod M) of the LDE matrices
 * (row-major, bit-reversed coset order, at least M rows; pre/perm may be NULL with
 * width 0) and the selectors is_first = Z_H/(x - 1), is_last = Z_H/(x - g^-1),
 * is_transition = x - g^-1 (g = w_n).  log_qd <= 4, log_n + log_qd <= 27. */
typedef struct gpu_quotient_job {
    const air_program *prog;   /* host memory in both flavours */
    unsigned log_n, log_qd;
    bb_t shift;
    const bb_t *main, *pre, *perm;
    size_t main_w, pre_w, perm_w; /* words per row (perm: 4 per extension column) */
} gpu_quotient_job;
/* Host matrices: their first M rows go up, Q (M values) comes down. */
int gpu_quotient(const gpu_quotient_job *q, bb4_t *Q, rk_err *e);
/* Device matrices (q->main etc. from gpu_malloc) and device d_Q. */
int gpu_quotient_dev(const gpu_quotient_job *q, bb4_t *d_Q, rk_err *e);
/* The quotient's chunk columns before their LDE (lib/stark compute_quotient): from the
 * coefficients a (2^(log_n+log_qd) extension elements, device) of Q(shift*y),
 *   out[k*4qd + 4t + j] = component j of a[t n + k] * sinv_n^t,  k < n = 2^log_n, t < qd,
 * into the device matrix out (rows of 4qd words; rows >= n are left as they are). */
int gpu_quotient_chunks_dev(const bb4_t *d_a, unsigned log_n, unsigned log_qd, bb_t sinv_n, bb_t *d_out,
                            rk_err *e);
/* Test hook: rows per launch (0 = as the 256 MiB slot scratch allows); returns it.
 * Same results for any value. */
size_t gpu_quotient_set_chunk_rows(size_t rows);

/* ---- openings (lib/stark open_table) ---- */
/* out[j*w + c] = p_c(z_j), j < npts, c < w, where p_c is the polynomial of degree < 2^log_N
 * whose evaluations over shift*K (|K| = 2^log_N, rows in bit-reversed order: the LDE
 * layout) are column c of the device matrix d_m (2^log_N rows of w words): the
 * barycentric sum over the coset.  A trace's LDE gives the trace polynomial's values,
 * the same words the CPU gets from the trace itself.  z_j not in shift*K (an extension
 * point outside the base field); out in host memory; 1 <= npts <= 4, log_N <= 27. */
int gpu_coset_eval_dev(const bb_t *d_m, unsigned log_N, size_t w, bb_t shift, size_t npts,
                       const bb4_t *z, bb4_t *out, rk_err *e);

/* ---- LogUp permutation trace (lib/stark build_perm) ---- */
/* One table's LogUp columns over its 2^log_n trace rows: prog (air_program_build_multi, over
 * the table's main and preprocessed trace rows) gives interaction j's denominator
 * beta + bus_j + sum_k gamma^(k+1) v_jk in accumulator j and its multiplicity in
 * accumulator n_inter + j; row i of d_perm (device, 4 (n_batches + 1) words a row) gets
 * h_b = sum over batch b's interactions (batch_start, host) of sign_j m_j / d_j, then the
 * running sum of sum_b h_b over rows 0..i.  *cumsum gets the last row's running sum and
 * *zero_den 1 if some denominator is zero (the rows are then meaningless). */
typedef struct gpu_logup_job {
    const air_program *prog;       /* host */
    unsigned log_n;
    size_t n_inter, n_batches;
    const uint32_t *batch_start;   /* host, n_batches + 1 */
    const int32_t *sign;           /* host, n_inter: +1 send, -1 receive */
    const bb_t *main, *pre;        /* device trace rows (pre may be NULL with pre_w 0) */
    size_t main_w, pre_w;
} gpu_logup_job;
int gpu_logup_dev(const gpu_logup_job *j, bb_t *d_perm, bb4_t *cumsum, int *zero_den, rk_err *e);

#endif
