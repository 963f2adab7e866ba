/* libFuzzer target: BN254 parsers of untrusted bytes (field elements as
 * bytes and decimal, G1/G2 points) must accept exactly the canonical
 * encodings and round-trip them byte for byte.
 * fuzz-sources: lib/common lib/bn254
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bn254/bn254.h"
#include "common/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t buf[128] = {0}, out[128];
    memcpy(buf, data, size < 128 ? size : 128);
    fq_t a;
    fr_t b;
    if (fq_from_bytes_be(&a, buf) == RK_OK) {
        fq_to_bytes_be(out, &a);
        if (memcmp(out, buf, 32) != 0)
            __builtin_trap();
    }
    if (fr_from_bytes_le(&b, buf) == RK_OK) {
        fr_to_bytes_le(out, &b);
        if (memcmp(out, buf, 32) != 0)
            __builtin_trap();
    }
    g1_affine p;
    if (g1_from_bytes(&p, buf) == RK_OK) {
        g1_to_bytes(out, &p);
        if (memcmp(out, buf, 64) != 0 || !g1_affine_is_on_curve(&p))
            __builtin_trap();
    }
    g2_affine q;
    if (g2_from_bytes(&q, buf) == RK_OK) {
        g2_to_bytes(out, &q);
        if (memcmp(out, buf, 128) != 0 || !g2_affine_in_subgroup(&q))
            __builtin_trap();
    }
    /* decimal: the whole input as a string */
    char dec[200], back[80];
    size_t n = size < sizeof dec - 1 ? size : sizeof dec - 1;
    memcpy(dec, data, n);
    dec[n] = 0;
    if (fq_from_dec(&a, dec) == RK_OK) {
        const char *d = dec;
        while (d[0] == '0' && d[1])
            d++;   /* leading zeros are accepted; the canonical form drops them */
        fq_to_dec(back, &a);
        if (strcmp(back, d) != 0)
            __builtin_trap();
    }
    return 0;
}
