/* gpu_stub.c - lib/gpu/gpu.h for builds without CUDA (no nvcc, or CUDA=0).
 *
 * Everything links; every operation fails with RK_EINTERNAL "built without
 * CUDA", gpu_available() is 0, so `--device auto` falls back to the CPU and
 * `--device gpu` says why it cannot.  CUDA builds get these functions from
 * the kernels/ sources instead (RAIKO_CUDA is defined there).
 */
#include "gpu/gpu.h"

#ifndef RAIKO_CUDA

#define NO_CUDA(e) rk_fail((e), RK_EINTERNAL, "gpu: raiko was built without CUDA (rebuild with nvcc, CUDA=1)")

int gpu_init(rk_err *e) { return NO_CUDA(e); }
int gpu_available(void) { return 0; }
const char *gpu_device_name(void) { return "none (built without CUDA)"; }
void gpu_shutdown(void) {}
int gpu_emulation_compiled(void) { return 0; }
void gpu_set_emulation(int on) { (void)on; }
size_t gpu_mem_peak(void) { return 0; }
size_t gpu_mem_current(void) { return 0; }
void gpu_mem_reset_peak(void) {}

int gpu_mem_info(size_t *free_bytes, size_t *total_bytes, rk_err *e)
{
    *free_bytes = *total_bytes = 0;
    return NO_CUDA(e);
}

void *gpu_malloc(size_t bytes, rk_err *e)
{
    (void)bytes;
    NO_CUDA(e);
    return NULL;
}

void gpu_free(void *d) { (void)d; }
int gpu_upload(void *d, const void *h, size_t bytes, rk_err *e) { (void)d, (void)h, (void)bytes; return NO_CUDA(e); }
int gpu_download(void *h, const void *d, size_t bytes, rk_err *e) { (void)d, (void)h, (void)bytes; return NO_CUDA(e); }
int gpu_synchronize(rk_err *e) { return NO_CUDA(e); }
int gpu_copy_dev(void *d_dst, const void *d_src, size_t bytes, rk_err *e)
{
    (void)d_dst, (void)d_src, (void)bytes;
    return NO_CUDA(e);
}
int gpu_zero_dev(void *d, size_t bytes, rk_err *e)
{
    (void)d, (void)bytes;
    return NO_CUDA(e);
}
void gpu_fail_after(long n) { (void)n; }
size_t gpu_set_stage_bytes(size_t bytes) { (void)bytes; return 0; }

int gpu_ntt_forward_batch(bb_t *m, unsigned log_n, size_t width, rk_err *e)
{
    (void)m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_inverse_batch(bb_t *m, unsigned log_n, size_t width, rk_err *e)
{
    (void)m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_coset_lde_batch(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                            bb_t shift, bb_t *out, int bitrev_out, rk_err *e)
{
    (void)evals, (void)log_n, (void)width, (void)log_blowup, (void)shift, (void)out, (void)bitrev_out;
    return NO_CUDA(e);
}

int gpu_ntt_bit_reverse_rows(bb_t *m, unsigned log_n, size_t width, rk_err *e)
{
    (void)m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_forward_batch_bitrev_out(bb_t *m, unsigned log_n, size_t width, rk_err *e)
{
    (void)m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_forward_batch_bitrev_out_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    (void)d_m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

unsigned gpu_ntt_set_radix_log(unsigned r)
{
    (void)r;
    return 0;
}

unsigned gpu_ntt_set_tile_log(unsigned tile_log)
{
    (void)tile_log;
    return 0;
}

int gpu_ntt_forward_batch_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    (void)d_m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_inverse_batch_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    (void)d_m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_ntt_coset_lde_batch_dev(bb_t *d_out, unsigned log_n, size_t width, unsigned log_blowup,
                                bb_t shift, int bitrev_out, rk_err *e)
{
    (void)d_out, (void)log_n, (void)width, (void)log_blowup, (void)shift, (void)bitrev_out;
    return NO_CUDA(e);
}

int gpu_ntt_bit_reverse_rows_dev(bb_t *d_m, unsigned log_n, size_t width, rk_err *e)
{
    (void)d_m, (void)log_n, (void)width;
    return NO_CUDA(e);
}

int gpu_p2_permute_batch(bb_t (*st)[P2_WIDTH], size_t n, rk_err *e)
{
    (void)st, (void)n;
    return NO_CUDA(e);
}

int gpu_p2_hash_rows(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t height,
                     p2_digest *out, rk_err *e)
{
    (void)mats, (void)widths, (void)n_mats, (void)height, (void)out;
    return NO_CUDA(e);
}

int gpu_p2_compress_layer(const p2_digest *in, size_t n, p2_digest *out, rk_err *e)
{
    (void)in, (void)n, (void)out;
    return NO_CUDA(e);
}

int gpu_p2_permute_batch_dev(bb_t (*d_st)[P2_WIDTH], size_t n, rk_err *e)
{
    (void)d_st, (void)n;
    return NO_CUDA(e);
}

int gpu_p2_hash_rows_dev(const bb_t *const *d_mats, const size_t *widths, size_t n_mats,
                         size_t height, p2_digest *d_out, rk_err *e)
{
    (void)d_mats, (void)widths, (void)n_mats, (void)height, (void)d_out;
    return NO_CUDA(e);
}

int gpu_p2_compress_layer_dev(const p2_digest *d_in, size_t n, p2_digest *d_out, rk_err *e)
{
    (void)d_in, (void)n, (void)d_out;
    return NO_CUDA(e);
}

int gpu_merkle_commit(size_t n_mats, const bb_t *const *mats, const size_t *widths,
                      const unsigned *log_heights, p2_digest **layers, rk_err *e)
{
    (void)n_mats, (void)mats, (void)widths, (void)log_heights, (void)layers;
    return NO_CUDA(e);
}

int gpu_merkle_commit_dev(size_t n_mats, const bb_t *const *d_mats, const size_t *widths,
                          const unsigned *log_heights, p2_digest **layers, rk_err *e)
{
    (void)n_mats, (void)d_mats, (void)widths, (void)log_heights, (void)layers;
    return NO_CUDA(e);
}

int gpu_lde_commit(const bb_t *evals, unsigned log_n, size_t width, unsigned log_blowup,
                   bb_t shift, bb_t *lde_out, p2_digest **layers, rk_err *e)
{
    (void)evals, (void)log_n, (void)width, (void)log_blowup, (void)shift, (void)lde_out, (void)layers;
    return NO_CUDA(e);
}

int gpu_fri_fold(const bb4_t *f, unsigned log_h, bb4_t beta, const bb4_t *reduced, bb4_t *out,
                 rk_err *e)
{
    (void)f, (void)log_h, (void)beta, (void)reduced, (void)out;
    return NO_CUDA(e);
}

int gpu_deep_dot_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *coef, bb4_t *d_S, rk_err *e)
{
    (void)d_m, (void)n, (void)w, (void)coef, (void)d_S;
    return NO_CUDA(e);
}

int gpu_fri_inv_points_dev(unsigned log_h, bb_t shift, bb4_t z, bb4_t *d_inv, rk_err *e)
{
    (void)log_h, (void)shift, (void)z, (void)d_inv;
    return NO_CUDA(e);
}

int gpu_deep_reduce_dev(const bb_t *d_m, size_t n, size_t w, const bb4_t *apow, size_t npts,
                        const bb4_t *coef, const bb4_t *Y, const bb4_t *const *d_inv, bb4_t *d_R,
                        rk_err *e)
{
    (void)d_m, (void)n, (void)w, (void)apow, (void)npts, (void)coef, (void)Y, (void)d_inv, (void)d_R;
    return NO_CUDA(e);
}

int gpu_coset_eval_dev(const bb_t *d_m, unsigned log_N, size_t w, bb_t shift, size_t npts,
                       const bb4_t *z, bb4_t *out, rk_err *e)
{
    (void)d_m, (void)log_N, (void)w, (void)shift, (void)npts, (void)z, (void)out;
    return NO_CUDA(e);
}

int gpu_fri_fold_dev(const bb4_t *d_f, unsigned log_h, bb4_t beta, const bb4_t *d_reduced,
                     bb4_t *d_out, rk_err *e)
{
    (void)d_f, (void)log_h, (void)beta, (void)d_reduced, (void)d_out;
    return NO_CUDA(e);
}

int gpu_quotient(const gpu_quotient_job *q, bb4_t *Q, rk_err *e)
{
    (void)q, (void)Q;
    return NO_CUDA(e);
}

int gpu_logup_dev(const gpu_logup_job *j, bb_t *d_perm, bb4_t *cumsum, int *zero_den, rk_err *e)
{
    (void)j, (void)d_perm, (void)cumsum, (void)zero_den;
    return NO_CUDA(e);
}

size_t gpu_quotient_set_chunk_rows(size_t rows)
{
    (void)rows;
    return 0;
}

int gpu_quotient_dev(const gpu_quotient_job *q, bb4_t *d_Q, rk_err *e)
{
    (void)q, (void)d_Q;
    return NO_CUDA(e);
}

int gpu_quotient_chunks_dev(const bb4_t *d_a, unsigned log_n, unsigned log_qd, bb_t sinv_n, bb_t *d_out,
                            rk_err *e)
{
    (void)d_a, (void)log_n, (void)log_qd, (void)sinv_n, (void)d_out;
    return NO_CUDA(e);
}

int gpu_merkle_commit_keep(size_t n_mats, const bb_t *const *d_mats, const size_t *widths,
                           const unsigned *log_heights, p2_digest **layers, unsigned host_top,
                           p2_digest **d_layers, rk_err *e)
{
    (void)n_mats, (void)d_mats, (void)widths, (void)log_heights, (void)layers, (void)host_top;
    *d_layers = NULL;
    return NO_CUDA(e);
}

int gpu_gather(const void *d_src, size_t elem_words, const uint64_t *idx, size_t n, void *out, rk_err *e)
{
    (void)d_src, (void)elem_words, (void)idx, (void)n, (void)out;
    return NO_CUDA(e);
}

#else

/* CUDA build: the definitions live in the kernels/ sources.  Keep this unit non-empty (ISO C). */
typedef int gpu_stub_unused;

#endif
