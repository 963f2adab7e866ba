/* sha256.h - portable SHA-256 (FIPS 180-4), used by the guest SDK for the
 * public-values digest; plain C so the host tests compile the same code. */
#ifndef RAIKO_GUEST_SHA256_H
#define RAIKO_GUEST_SHA256_H
#include <stddef.h>
#include <stdint.h>
typedef struct rk_sha256 { uint32_t h[8]; uint64_t len; uint8_t buf[64]; uint32_t n; } rk_sha256;
void rk_sha256_init(rk_sha256 *s);
void rk_sha256_update(rk_sha256 *s, const void *p, size_t n);
void rk_sha256_final(rk_sha256 *s, uint8_t out[32]);
#endif
