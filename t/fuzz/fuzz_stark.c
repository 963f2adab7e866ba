/* libFuzzer target: the STARK verifier and the vk decoder must reject or accept
 * any bytes without crashing, leaking or reading out of bounds.  Odd-first-byte
 * inputs are XOR masks over a valid small proof (so mutations reach the deep
 * checks); the verifier must accept exactly when the mask is all zero.
 * fuzz-sources: lib/common lib/field lib/hash lib/ntt lib/merkle lib/challenger lib/fri lib/air lib/stark
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../unit/air_examples.h"
#include "stark/stark.h"

static air_machine M;
static stark_pk PK;
static rk_buf PROOF;
static int ready;

static void setup(void)
{
    static const fri_params fp = {1, 2, 1, 0, 1};
    rk_err e;
    bb_t *vals, *mult, *pre;
    ex_range_machine(&M, &e);
    ex_range_traces(2, 3, 11, &vals, &mult, &pre);
    const bb_t *trs[2] = {vals, mult}, *pres[2] = {NULL, pre};
    unsigned lh[2] = {2, 3}, plh[2] = {0, 3};
    stark_pk_init(&PK);
    rk_buf_init(&PROOF);
    if (stark_keygen(&M, &fp, pres, plh, &PK, &e) || stark_prove(&PK, trs, lh, NULL, NULL, &PROOF, &e))
        __builtin_trap();
    free(vals);
    free(mult);
    free(pre);
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    rk_err e;
    if (size > 0 && (data[0] & 1)) {
        uint8_t *p = malloc(PROOF.len);
        int zero = 1;
        memcpy(p, PROOF.data, PROOF.len);
        for (size_t i = 1; i < size && i - 1 < PROOF.len; i++) {
            p[i - 1] ^= data[i];
            zero &= data[i] == 0;
        }
        int rc = stark_verify(&M, &PK.vk, NULL, p, PROOF.len, &e);
        if ((rc == RK_OK) != zero)
            __builtin_trap();
        free(p);
        return 0;
    }
    if (stark_verify(&M, &PK.vk, NULL, data, size, &e) == RK_OK && (size != PROOF.len || memcmp(data, PROOF.data, size)))
        __builtin_trap();
    stark_vk vk;
    stark_vk_init(&vk);
    if (stark_vk_decode(data, size, &vk, &e) == RK_OK) {
        rk_buf b;
        rk_buf_init(&b);
        if (stark_vk_encode(&vk, &b, &e) != RK_OK || b.len != size || memcmp(b.data, data, size))
            __builtin_trap();
        rk_buf_free(&b);
    }
    stark_vk_free(&vk);
    return 0;
}
