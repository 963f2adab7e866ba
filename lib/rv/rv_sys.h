/* rv_sys.h - internal to lib/rv: what a syscall handler in its own file
 * (precompile.c, and later ones) needs from rv.c.  Not a public API. */
#ifndef RAIKO_RV_SYS_H
#define RAIKO_RV_SYS_H

#include "rv/rv.h"

/* Stop the run as a guest fault (RK_EFALSE) with "guest fault at pc ...: why". */
int rv_fault(rv_machine *m, rk_err *e, uint32_t pc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Our limitation, not the guest's: exit 3 (RK_EINTERNAL) with why. */
int rv_unsupported(rv_machine *m, rk_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Make [addr, addr+n) accessible to a syscall: bounds, page tracking (the
 * segment's pre-image, an unconstrained block's undo copy) and, in a
 * replay, presence in the segment file.  Call it for every range BEFORE
 * writing any of them. */
int rv_access_range(rv_machine *m, rk_err *e, uint32_t addr, uint32_t n, const char *what);
/* Code is immutable: a syscall that will write [addr, addr+n) (already inside memory) faults
 * when the range meets the program's executable range [text_lo, text_hi), exactly as a store
 * does.  Call it after rv_access_range, before writing. */
int rv_write_check(rv_machine *m, rk_err *e, uint32_t addr, uint32_t n, const char *what);

/* A precompile's word operand [addr, addr + 4 nwords): aligned, then rv_access_range; the
 * _out form, for an operand the precompile overwrites, adds rv_write_check. */
int rv_sys_words(rv_machine *m, rk_err *e, uint32_t addr, uint32_t nwords, const char *what);
int rv_sys_out_words(rv_machine *m, rk_err *e, uint32_t addr, uint32_t nwords, const char *what);

/* Handlers (precompile.c): a0/a1 in m->x[10]/m->x[11]; each advances pc. */
int rv_sys_secp256k1_add(rv_machine *m, rk_err *e);
int rv_sys_secp256k1_double(rv_machine *m, rk_err *e);
int rv_sys_secp256k1_decompress(rv_machine *m, rk_err *e);
int rv_sys_bn254_add(rv_machine *m, rk_err *e);
int rv_sys_bn254_double(rv_machine *m, rk_err *e);
int rv_sys_uint256_mul(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp_add(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp_sub(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp_mul(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp2_add(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp2_sub(rv_machine *m, rk_err *e);
int rv_sys_bn254_fp2_mul(rv_machine *m, rk_err *e);
/* SP1 v4+ hooks: WRITE to fd 20 (FP_SQRT) / 21 (FP_INV); results go to the
 * front of the input stream, in order. */
int rv_hook_fp_sqrt(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n);
int rv_hook_fp_inv(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n);
/* SP1 v1-v3 hooks: fd 5 ECRECOVER -> [sec1 key (33)], [s^-1 (32)]; fd 7
 * ECRECOVER_V2 -> [1], key, s^-1, or [0] when no key recovers. */
int rv_hook_ecrecover(rv_machine *m, rk_err *e, const uint8_t *buf, uint32_t n, int v2);

#endif
