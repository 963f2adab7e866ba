/* sha256/core.c - SHA-256 of an input blob (the SDK's SHA-256, FIPS 180-4).
 * Output: the 32-byte digest. */
#include <stddef.h>
#include <stdint.h>

#include "../../sdk/sha256.h"

size_t sha256_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));
size_t sha256_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t))
{
    (void)alloc;
    rk_sha256 s;
    rk_sha256_init(&s);
    rk_sha256_update(&s, in, len);
    rk_sha256_final(&s, out);
    return 32;
}
