/* solidity.c - a Solidity verifier contract for one verification key.
 * It uses the EIP-196/197 precompiles (0x06 ecAdd, 0x07 ecMul, 0x08 pairing)
 * and takes snarkjs's calldata layout, so `snarkjs zkey export
 * soliditycalldata` output can be passed to it unchanged. */
#include "groth16/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void emit(rk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(rk_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    uint8_t *d = n > 0 ? rk_buf_extend(b, (size_t)n + 1) : NULL;
    if (d) {
        vsnprintf((char *)d, (size_t)n + 1, fmt, ap2);
        b->len--; /* drop the terminating NUL */
    }
    va_end(ap2);
}

static void dec(char out[80], const fq_t *a) { fq_to_dec(out, a); }

static void emit_g1(rk_buf *b, const char *name, const g1_affine *p)
{
    char x[80], y[80];
    if (p->infinity) {
        strcpy(x, "0");
        strcpy(y, "0");
    } else {
        dec(x, &p->x);
        dec(y, &p->y);
    }
    emit(b, "    uint256 constant %s_X = %s;\n", name, x);
    emit(b, "    uint256 constant %s_Y = %s;\n", name, y);
}

/* G2 constants in the precompile's order: x.c1, x.c0, y.c1, y.c0 */
static void emit_g2(rk_buf *b, const char *name, const g2_affine *p)
{
    char v[4][80];
    dec(v[0], &p->x.c1);
    dec(v[1], &p->x.c0);
    dec(v[2], &p->y.c1);
    dec(v[3], &p->y.c0);
    emit(b, "    uint256 constant %s_X1 = %s;\n", name, v[0]);
    emit(b, "    uint256 constant %s_X0 = %s;\n", name, v[1]);
    emit(b, "    uint256 constant %s_Y1 = %s;\n", name, v[2]);
    emit(b, "    uint256 constant %s_Y0 = %s;\n", name, v[3]);
}

int g16_solidity_verifier(const g16_vk *vk, rk_buf *b, rk_err *e)
{
    if (vk->n_public == 0)
        return rk_fail(e, RK_EINPUT, "solidity: a key without public inputs is not supported");
    if (vk->alpha1.infinity || vk->beta2.infinity || vk->gamma2.infinity || vk->delta2.infinity)
        return rk_fail(e, RK_EINPUT, "solidity: verification key has a point at infinity");
    emit(b, "// SPDX-License-Identifier: MIT\n"
            "// Groth16 verifier over BN254 for one verification key, written by raiko-groth16 "
            "(docs/groth16.md).\n"
            "// Calldata layout as snarkjs's `zkey export soliditycalldata`: pB's Fq2 elements as [c1, c0].\n"
            "pragma solidity >=0.8.4 <0.9.0;\n\n"
            "contract Groth16Verifier {\n");
    emit(b, "    // BN254 base field modulus q\n"
            "    uint256 constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;\n"
            "    // BN254 scalar field modulus r\n"
            "    uint256 constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;\n\n");
    emit_g1(b, "ALPHA", &vk->alpha1);
    emit_g2(b, "BETA", &vk->beta2);
    emit_g2(b, "GAMMA", &vk->gamma2);
    emit_g2(b, "DELTA", &vk->delta2);
    for (uint32_t i = 0; i <= vk->n_public; i++) {
        char nm[24];
        snprintf(nm, sizeof nm, "IC%u", i);
        emit_g1(b, nm, &vk->ic[i]);
    }
    emit(b, "\n    /// @return true iff the proof is valid for these public signals.\n"
            "    function verifyProof(\n"
            "        uint256[2] calldata pA,\n"
            "        uint256[2][2] calldata pB,\n"
            "        uint256[2] calldata pC,\n"
            "        uint256[%u] calldata pubSignals\n"
            "    ) public view returns (bool) {\n", vk->n_public);
    emit(b, "        // Non-canonical encodings are rejected, not reduced: one proof, one encoding.\n"
            "        if (pA[0] >= Q || pA[1] >= Q || pC[0] >= Q || pC[1] >= Q) return false;\n"
            "        if (pB[0][0] >= Q || pB[0][1] >= Q || pB[1][0] >= Q || pB[1][1] >= Q) return false;\n"
            "        uint256[2] memory vkx = [IC0_X, IC0_Y];\n");
    for (uint32_t i = 0; i < vk->n_public; i++)
        emit(b, "        if (pubSignals[%u] >= R || !mulAdd(vkx, IC%u_X, IC%u_Y, pubSignals[%u])) return false;\n", i,
             i + 1, i + 1, i);
    emit(b, "        // e(-A, B) * e(vk_x, gamma) * e(C, delta) * e(alpha, beta) == 1\n"
            "        uint256[24] memory p;\n"
            "        p[0] = pA[0];\n"
            "        p[1] = pA[1] == 0 ? 0 : Q - pA[1];\n"
            "        p[2] = pB[0][0];\n"
            "        p[3] = pB[0][1];\n"
            "        p[4] = pB[1][0];\n"
            "        p[5] = pB[1][1];\n"
            "        p[6] = vkx[0];\n"
            "        p[7] = vkx[1];\n"
            "        p[8] = GAMMA_X1;\n"
            "        p[9] = GAMMA_X0;\n"
            "        p[10] = GAMMA_Y1;\n"
            "        p[11] = GAMMA_Y0;\n"
            "        p[12] = pC[0];\n"
            "        p[13] = pC[1];\n"
            "        p[14] = DELTA_X1;\n"
            "        p[15] = DELTA_X0;\n"
            "        p[16] = DELTA_Y1;\n"
            "        p[17] = DELTA_Y0;\n"
            "        p[18] = ALPHA_X;\n"
            "        p[19] = ALPHA_Y;\n"
            "        p[20] = BETA_X1;\n"
            "        p[21] = BETA_X0;\n"
            "        p[22] = BETA_Y1;\n"
            "        p[23] = BETA_Y0;\n"
            "        uint256[1] memory out;\n"
            "        bool ok;\n"
            "        assembly {\n"
            "            ok := staticcall(gas(), 8, p, 768, out, 32)\n"
            "        }\n"
            "        return ok && out[0] == 1;\n"
            "    }\n\n");
    emit(b, "    /// acc += s * (x, y), with the ecMul and ecAdd precompiles; false if one fails.\n"
            "    function mulAdd(uint256[2] memory acc, uint256 x, uint256 y, uint256 s) internal view returns (bool ok) {\n"
            "        uint256[4] memory t;\n"
            "        t[0] = x;\n"
            "        t[1] = y;\n"
            "        t[2] = s;\n"
            "        assembly {\n"
            "            ok := staticcall(gas(), 7, t, 96, t, 64)\n"
            "        }\n"
            "        if (!ok) return false;\n"
            "        t[2] = acc[0];\n"
            "        t[3] = acc[1];\n"
            "        assembly {\n"
            "            ok := staticcall(gas(), 6, t, 128, acc, 64)\n"
            "        }\n"
            "    }\n"
            "}\n");
    return b->oom ? rk_fail(e, RK_EINTERNAL, "solidity: out of memory") : RK_OK;
}
