/* fixed_base.c - many scalar multiples of one base point (the setup's job):
 * a table of j * 2^(8w) * base for 32 byte-windows w and j = 1..255, so each
 * multiple costs at most 32 mixed additions instead of ~380 group operations. */
#include "groth16/internal.h"

#include <stdlib.h>

#define FB_WINDOWS 32
#define FB_ENTRIES 256

#define FIXED_BASE_IMPL(G, FN)                                                      \
    int FN(G##_affine *out, const G##_affine *base, const fr_t *k, size_t n)        \
    {                                                                               \
        G##_jac *tj = malloc(FB_WINDOWS * FB_ENTRIES * sizeof *tj);                 \
        G##_affine *tab = malloc(FB_WINDOWS * FB_ENTRIES * sizeof *tab);            \
        G##_jac *acc = malloc((n ? n : 1) * sizeof *acc);                           \
        if (!tj || !tab || !acc) {                                                  \
            free(tj);                                                               \
            free(tab);                                                              \
            free(acc);                                                              \
            return RK_EINTERNAL;                                                    \
        }                                                                           \
        G##_jac bw;                                                                 \
        G##_jac_from_affine(&bw, base);                                             \
        for (int w = 0; w < FB_WINDOWS; w++) {                                      \
            G##_jac *row = tj + w * FB_ENTRIES;                                     \
            G##_jac_infinity(&row[0]);                                              \
            for (int j = 1; j < FB_ENTRIES; j++)                                    \
                G##_jac_add(&row[j], &row[j - 1], &bw);                             \
            for (int d = 0; d < 8; d++) /* next window's base: 2^8 * this one */    \
                G##_jac_double(&bw, &bw);                                           \
        }                                                                           \
        G##_jac_batch_to_affine(tab, tj, FB_WINDOWS * FB_ENTRIES);                  \
        free(tj);                                                                   \
        _Pragma("omp parallel for schedule(static)")                                \
        for (size_t i = 0; i < n; i++) {                                            \
            uint8_t le[32];                                                         \
            fr_to_bytes_le(le, &k[i]);                                              \
            G##_jac_infinity(&acc[i]);                                              \
            for (int w = 0; w < FB_WINDOWS; w++)                                    \
                if (le[w])                                                          \
                    G##_jac_add_affine(&acc[i], &acc[i], &tab[w * FB_ENTRIES + le[w]]); \
        }                                                                           \
        free(tab);                                                                  \
        /* to affine in chunks: one inversion per chunk */                         \
        size_t chunks = (n + 4095) / 4096;                                          \
        _Pragma("omp parallel for schedule(static)")                                \
        for (size_t c = 0; c < chunks; c++) {                                       \
            size_t lo = c * 4096, m = n - lo < 4096 ? n - lo : 4096;                \
            G##_jac_batch_to_affine(out + lo, acc + lo, m);                         \
        }                                                                           \
        free(acc);                                                                  \
        return RK_OK;                                                               \
    }

FIXED_BASE_IMPL(g1, g16_g1_fixed_base)
FIXED_BASE_IMPL(g2, g16_g2_fixed_base)
