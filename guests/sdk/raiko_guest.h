/* raiko_guest.h - the C guest SDK: SP1's RV32IM syscalls (docs/exec.md).
 *
 * A guest defines int main(void).  Start-up sets gp and sp, calls main, then
 * rk_halt(main's return value).  Public values are committed the way SP1's
 * entrypoint does it: the bytes go to fd 13 and into a running SHA-256, whose
 * digest rk_halt sends with 8 COMMITs (little-endian words) before HALT. */
#ifndef RAIKO_GUEST_H
#define RAIKO_GUEST_H

#include <stddef.h>
#include <stdint.h>

#define RK_SYS_HALT 0x00u
#define RK_SYS_WRITE 0x02u
#define RK_SYS_ENTER_UNCONSTRAINED 0x03u
#define RK_SYS_EXIT_UNCONSTRAINED 0x04u
#define RK_SYS_COMMIT 0x10u
#define RK_SYS_COMMIT_DEFERRED_PROOFS 0x1Au
#define RK_SYS_HINT_LEN 0xF0u
#define RK_SYS_HINT_READ 0xF1u
#define RK_FD_STDOUT 1
#define RK_FD_STDERR 2
#define RK_FD_PUBLIC_VALUES 13
#define RK_FD_HINT 14

/* raw ecall: t0 = code, a0, a1, a2; returns t0 */
static inline uint32_t rk_syscall(uint32_t code, uint32_t a0, uint32_t a1, uint32_t a2)
{
    register uint32_t t0 __asm__("t0") = code;
    register uint32_t r0 __asm__("a0") = a0;
    register uint32_t r1 __asm__("a1") = a1;
    register uint32_t r2 __asm__("a2") = a2;
    __asm__ volatile("ecall" : "+r"(t0) : "r"(r0), "r"(r1), "r"(r2) : "memory");
    return t0;
}

/* Input stream: length of the next item (0xFFFFFFFF when none is left), read it. */
uint32_t rk_hint_len(void);
void rk_hint_read(void *buf4, uint32_t len); /* buf4 4-aligned, len = rk_hint_len() */
/* Read the next item into fresh heap memory; NULL (and *len 0) when none is left. */
void *rk_read_item(uint32_t *len);
/* Read a u32 item (4 bytes, little-endian); returns dflt when none is left. */
uint32_t rk_read_u32(uint32_t dflt);

void rk_write(uint32_t fd, const void *p, uint32_t n);
void rk_print(const char *s);          /* to the host's stdout */
void rk_commit(const void *p, uint32_t n); /* public values */
void rk_commit_u32(uint32_t v);
__attribute__((noreturn)) void rk_halt(uint32_t code);
__attribute__((noreturn)) void rk_panic(const char *msg); /* message to stderr, exit code 1 */

/* Unconstrained execution (SP1): the block runs for the host only, its
 * memory and register effects are undone; pass results out with rk_hint_push. */
int rk_enter_unconstrained(void);  /* 1 inside the block, 0 after it */
void rk_exit_unconstrained(void);
void rk_hint_push(const void *p, uint32_t n); /* push an item to the front of the input */

/* SP1's hash precompiles (docs/exec.md): arrays are updated in place, 4-aligned.
 * Executed by raiko-split; a segment that uses them cannot be proven yet. */
#define RK_SYS_SHA_EXTEND 0x00300105u
#define RK_SYS_SHA_COMPRESS 0x00010106u
#define RK_SYS_KECCAK_PERMUTE 0x00010109u
/* w[16..63] from w[0..15] (the SHA-256 message schedule) */
static inline void rk_sha_extend(uint32_t w[64])
{ rk_syscall(RK_SYS_SHA_EXTEND, (uint32_t)(uintptr_t)w, 0, 0); }
/* h = h + the 64 rounds over w (w and h must not overlap) */
static inline void rk_sha_compress(const uint32_t w[64], uint32_t h[8])
{ rk_syscall(RK_SYS_SHA_COMPRESS, (uint32_t)(uintptr_t)w, (uint32_t)(uintptr_t)h, 0); }
/* Keccak-f[1600] on 25 little-endian u64 lanes */
static inline void rk_keccak_permute(uint64_t st[25])
{ rk_syscall(RK_SYS_KECCAK_PERMUTE, (uint32_t)(uintptr_t)st, 0, 0); }

/* Bump allocator from _end up to 0x78000000 (never frees). */
void *rk_alloc(size_t n);

/* Precompiles (SP1's codes and memory layout; docs/exec.md "Precompiles").
 * Field elements and coordinates are 8 little-endian 32-bit words; a point
 * is x (words 0..7) then y (words 8..15); results replace the first operand.
 * Pointers must be 4-aligned.  ADD of a point to itself is a fault (use
 * DOUBLE); there is no point at infinity: the guest keeps track of it. */
#define RK_SYS_SECP256K1_ADD 0x0001010Au
#define RK_SYS_SECP256K1_DOUBLE 0x0000010Bu
#define RK_SYS_SECP256K1_DECOMPRESS 0x0000010Cu
#define RK_SYS_BN254_ADD 0x0001010Eu
#define RK_SYS_BN254_DOUBLE 0x0000010Fu
#define RK_SYS_UINT256_MUL 0x0001011Du
#define RK_SYS_BN254_FP_ADD 0x00010126u
#define RK_SYS_BN254_FP_SUB 0x00010127u
#define RK_SYS_BN254_FP_MUL 0x00010128u
#define RK_SYS_BN254_FP2_ADD 0x00010129u
#define RK_SYS_BN254_FP2_SUB 0x0001012Au
#define RK_SYS_BN254_FP2_MUL 0x0001012Bu
#define RK_FD_FP_SQRT 20 /* hooks: results pushed to the front of the input stream */
#define RK_FD_FP_INV 21

static inline void rk_secp256k1_add(uint32_t p[16], const uint32_t q[16])
{ rk_syscall(RK_SYS_SECP256K1_ADD, (uint32_t)(uintptr_t)p, (uint32_t)(uintptr_t)q, 0); }
static inline void rk_secp256k1_double(uint32_t p[16])
{ rk_syscall(RK_SYS_SECP256K1_DOUBLE, (uint32_t)(uintptr_t)p, 0, 0); }
/* xy: x in words 8..15 on entry; y with parity is_odd (0/1) written to words 0..7 */
static inline void rk_secp256k1_decompress(uint32_t xy[16], uint32_t is_odd)
{ rk_syscall(RK_SYS_SECP256K1_DECOMPRESS, (uint32_t)(uintptr_t)xy, is_odd, 0); }
static inline void rk_bn254_add(uint32_t p[16], const uint32_t q[16])
{ rk_syscall(RK_SYS_BN254_ADD, (uint32_t)(uintptr_t)p, (uint32_t)(uintptr_t)q, 0); }
static inline void rk_bn254_double(uint32_t p[16])
{ rk_syscall(RK_SYS_BN254_DOUBLE, (uint32_t)(uintptr_t)p, 0, 0); }
/* x = x * ym[0..7] mod ym[8..15] (modulus 0 means 2^256) */
static inline void rk_uint256_mulmod(uint32_t x[8], const uint32_t ym[16])
{ rk_syscall(RK_SYS_UINT256_MUL, (uint32_t)(uintptr_t)x, (uint32_t)(uintptr_t)ym, 0); }
/* BN254 base field: x = x op y mod p (8 words); Fp2 = Fp[u]/(u^2+1): c0 then c1 (16 words) */
static inline void rk_bn254_fp_op(uint32_t code, uint32_t *x, const uint32_t *y)
{ rk_syscall(code, (uint32_t)(uintptr_t)x, (uint32_t)(uintptr_t)y, 0); }
/* Hooks (unconstrained advice, check the answer!): inverse / square root of
 * elem (len big-endian bytes) modulo mod.  rk_fp_sqrt returns 1 and the root
 * of elem, or 0 and the root of nqr * elem. */
void rk_fp_inv_hint(uint8_t *out, const uint8_t *elem, const uint8_t *mod, uint32_t len);
int rk_fp_sqrt_hint(uint8_t *out, const uint8_t *elem, const uint8_t *mod, const uint8_t *nqr, uint32_t len);

#include "sha256.h" /* SHA-256: the public-values digest, and for guests */

/* Freestanding helpers (the compiler may call these). */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

int main(void);

#endif
