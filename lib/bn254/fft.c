/* fft.c - radix-2 FFT over Fr on the subgroup <omega_n>, n = 2^log_n <= 2^28.
 *
 * omega_{2^28} = 5^((r-1)/2^28) (5 is the smallest quadratic non-residue mod
 * r, the choice ffjavascript/snarkjs make too); omega_n = omega_{2^28}^(2^(28-log_n)).
 * Natural order in and out: bit-reversal permutation, then iterative
 * Cooley-Tukey butterflies.  Every butterfly of a stage is independent, so
 * the OpenMP split changes nothing in the result. */
#include "bn254/bn254_impl.h"
#include <stdlib.h>

/* omega_{2^28} in Montgomery form (python3: pow(5, (r-1)>>28, r) * 2^256 % r) */
static const fr_t W28 = {{0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL, 0x56452ac01eb203d8ULL, 0x1860ef942963f9e7ULL}};

void fr_root_of_unity(fr_t *w, unsigned log_n)
{
    if (log_n > 28) {
        fr_zero(w);
        return;
    }
    fr_t t = W28;
    for (unsigned i = log_n; i < 28; i++)
        fri_sqr(&t, &t);
    *w = t;
}

static void bit_reverse(fr_t *a, unsigned log_n)
{
    size_t n = (size_t)1 << log_n;
    if (log_n == 0)
        return;
    #pragma omp parallel for schedule(static) if (n >= 4096)
    for (size_t i = 0; i < n; i++) {
        size_t j = 0, x = i;
        for (unsigned b = 0; b < log_n; b++) {
            j = (j << 1) | (x & 1);
            x >>= 1;
        }
        if (i < j) {
            fr_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

/* tw[i] = w^i for i < m; computed in chunks from w^start so threads agree exactly */
static void powers(fr_t *tw, const fr_t *w, size_t m)
{
    enum { CH = 1024 };
    size_t nch = (m + CH - 1) / CH;
    #pragma omp parallel for schedule(static) if (m >= 8192)
    for (size_t c = 0; c < nch; c++) {
        uint64_t e[4] = {(uint64_t)(c * CH), 0, 0, 0};
        fr_t x;
        fr_pow(&x, w, e);
        size_t end = (c + 1) * CH < m ? (c + 1) * CH : m;
        for (size_t i = c * CH; i < end; i++) {
            tw[i] = x;
            fri_mul(&x, &x, w);
        }
    }
}

static int fft_core(fr_t *a, unsigned log_n, const fr_t *w)
{
    if (log_n > 28)
        return RK_EINPUT;
    if (log_n == 0)
        return RK_OK;
    size_t n = (size_t)1 << log_n, half_n = n / 2;
    fr_t *tw = malloc(half_n * sizeof *tw);
    if (!tw)
        return RK_EINTERNAL;
    powers(tw, w, half_n);
    bit_reverse(a, log_n);
    /* Stages 1..L touch only blocks of 2^L elements: run them block by block
     * (one parallel region, cache-sized blocks) instead of one region and
     * one barrier per stage; the wide stages after that split their
     * butterflies over the threads.  Same butterflies, same order inside
     * each: the result does not depend on the split. */
    unsigned L = log_n < 12 ? log_n : 12;
    size_t blk = (size_t)1 << L, nblk = n >> L;
    #pragma omp parallel for schedule(static) if (nblk > 1)
    for (size_t b = 0; b < nblk; b++) {
        fr_t *x = a + b * blk;
        for (unsigned s = 1; s <= L; s++) {
            size_t half = (size_t)1 << (s - 1), stride = n >> s;
            for (size_t i0 = 0; i0 < blk; i0 += 2 * half)
                for (size_t j = 0; j < half; j++) {
                    fr_t t;
                    fri_mul(&t, &x[i0 + j + half], &tw[j * stride]);
                    fri_sub(&x[i0 + j + half], &x[i0 + j], &t);
                    fri_add(&x[i0 + j], &x[i0 + j], &t);
                }
        }
    }
    for (unsigned s = L + 1; s <= log_n; s++) {
        size_t half = (size_t)1 << (s - 1), stride = n >> s;
        /* butterfly k: block k / half, offset j = k % half, twiddle w^(j * n / 2^s) */
        #pragma omp parallel for schedule(static)
        for (size_t k = 0; k < half_n; k++) {
            size_t j = k & (half - 1), i = ((k >> (s - 1)) << s) + j;
            fr_t t;
            fri_mul(&t, &a[i + half], &tw[j * stride]);
            fri_sub(&a[i + half], &a[i], &t);
            fri_add(&a[i], &a[i], &t);
        }
    }
    free(tw);
    return RK_OK;
}

int fr_fft(fr_t *a, unsigned log_n)
{
    fr_t w;
    if (log_n > 28)
        return RK_EINPUT;
    fr_root_of_unity(&w, log_n);
    return fft_core(a, log_n, &w);
}

static void scale_powers(fr_t *a, size_t n, const fr_t *g, const fr_t *c)
{
    /* a[i] *= c * g^i, in chunks started by an exact power */
    enum { CH = 1024 };
    size_t nch = (n + CH - 1) / CH;
    #pragma omp parallel for schedule(static) if (n >= 8192)
    for (size_t ch = 0; ch < nch; ch++) {
        uint64_t e[4] = {(uint64_t)(ch * CH), 0, 0, 0};
        fr_t x;
        fr_pow(&x, g, e);
        fri_mul(&x, &x, c);
        size_t end = (ch + 1) * CH < n ? (ch + 1) * CH : n;
        for (size_t i = ch * CH; i < end; i++) {
            fri_mul(&a[i], &a[i], &x);
            fri_mul(&x, &x, g);
        }
    }
}

int fr_ifft(fr_t *a, unsigned log_n)
{
    fr_t w, ninv, one;
    if (log_n > 28)
        return RK_EINPUT;
    fr_root_of_unity(&w, log_n);
    fr_inv(&w, &w);
    int rc = fft_core(a, log_n, &w);
    if (rc != RK_OK)
        return rc;
    size_t n = (size_t)1 << log_n;
    fr_from_u64(&ninv, (uint64_t)n);
    fr_inv(&ninv, &ninv);
    fr_one(&one);
    scale_powers(a, n, &one, &ninv);
    return RK_OK;
}

int fr_coset_fft(fr_t *a, unsigned log_n, const fr_t *shift)
{
    /* a(shift * omega^i) = FFT of the coefficients a_j shift^j */
    fr_t one;
    if (log_n > 28)
        return RK_EINPUT;
    fr_one(&one);
    scale_powers(a, (size_t)1 << log_n, shift, &one);
    return fr_fft(a, log_n);
}

int fr_coset_ifft(fr_t *a, unsigned log_n, const fr_t *shift)
{
    fr_t one, sinv;
    int rc = fr_ifft(a, log_n);
    if (rc != RK_OK)
        return rc;
    fr_one(&one);
    fr_inv(&sinv, shift);
    scale_powers(a, (size_t)1 << log_n, &sinv, &one);
    return RK_OK;
}
