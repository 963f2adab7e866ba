/* poseidon2.cuh - Poseidon2 width 16 over BabyBear, Plonky3 default instance [A], for kernels.
 *
 * Mirrors lib/hash/poseidon2: x^7 S-box, 4 + 4 external rounds with
 * M_E = circ(2*M4, M4, M4, M4), M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]],
 * 13 internal rounds with M_I = J + diag(V).  Constants are Plonky3's
 * BABYBEAR_POSEIDON2_RC_16_* and the width-16 diagonal V (Plonky3/Plonky3
 * baby-bear/src/poseidon2.rs @ 5dc50e51, copied from /work/shared/ref
 * poseidon2_babybear16.txt), canonical values turned into Montgomery form at
 * compile time.  Device code reads them from __constant__ memory, the host
 * emulation from ordinary arrays with the same contents.
 */
#ifndef RAIKO_KERNELS_POSEIDON2_CUH
#define RAIKO_KERNELS_POSEIDON2_CUH

#include "bb.cuh"

namespace rk {

#define RK_P2_RC_INIT                                                                              \
    M(0x69cbb6af), M(0x46ad93f9), M(0x60a00f4e), M(0x6b1297cd), M(0x23189afe), M(0x732e7bef),      \
    M(0x72c246de), M(0x2c941900), M(0x0557eede), M(0x1580496f), M(0x3a3ea77b), M(0x54f3f271),      \
    M(0x0f49b029), M(0x47872fe1), M(0x221e2e36), M(0x1ab7202e),                                    \
    M(0x487779a6), M(0x3851c9d8), M(0x38dc17c0), M(0x209f8849), M(0x268dcee8), M(0x350c48da),      \
    M(0x5b9ad32e), M(0x0523272b), M(0x3f89055b), M(0x01e894b2), M(0x13ddedde), M(0x1b2ef334),      \
    M(0x7507d8b4), M(0x6ceeb94e), M(0x52eb6ba2), M(0x50642905),                                    \
    M(0x05453f3f), M(0x06349efc), M(0x6922787c), M(0x04bfff9c), M(0x768c714a), M(0x3e9ff21a),      \
    M(0x15737c9c), M(0x2229c807), M(0x0d47f88c), M(0x097e0ecc), M(0x27eadba0), M(0x2d7d29e4),      \
    M(0x3502aaa0), M(0x0f475fd7), M(0x29fbda49), M(0x018afffd),                                    \
    M(0x0315b618), M(0x6d4497d1), M(0x1b171d9e), M(0x52861abd), M(0x2e5d0501), M(0x3ec8646c),      \
    M(0x6e5f250a), M(0x148ae8e6), M(0x17f5fa4a), M(0x3e66d284), M(0x0051aa3b), M(0x483f7913),      \
    M(0x2cfe5f15), M(0x023427ca), M(0x2cc78315), M(0x1e36ea47)

#define RK_P2_RC_FINAL                                                                             \
    M(0x7290a80d), M(0x6f7e5329), M(0x598ec8a8), M(0x76a859a0), M(0x6559e868), M(0x657b83af),      \
    M(0x13271d3f), M(0x1f876063), M(0x0aeeae37), M(0x706e9ca6), M(0x46400cee), M(0x72a05c26),      \
    M(0x2c589c9e), M(0x20bd37a7), M(0x6a2d3d10), M(0x20523767),                                    \
    M(0x5b8fe9c4), M(0x2aa501d6), M(0x1e01ac3e), M(0x1448bc54), M(0x5ce5ad1c), M(0x4918a14d),      \
    M(0x2c46a83f), M(0x4fcf6876), M(0x61d8d5c8), M(0x6ddf4ff9), M(0x11fda4d3), M(0x02933a8f),      \
    M(0x170eaf81), M(0x5a9c314f), M(0x49a12590), M(0x35ec52a1),                                    \
    M(0x58eb1611), M(0x5e481e65), M(0x367125c9), M(0x0eba33ba), M(0x1fc28ded), M(0x066399ad),      \
    M(0x0cbec0ea), M(0x75fd1af0), M(0x50f5bf4e), M(0x643d5f41), M(0x6f4fe718), M(0x5b3cbbde),      \
    M(0x1e3afb3e), M(0x296fb027), M(0x45e1547b), M(0x4a8db2ab),                                    \
    M(0x59986d19), M(0x30bcdfa3), M(0x1db63932), M(0x1d7c2824), M(0x53b33681), M(0x0673b747),      \
    M(0x038a98a3), M(0x2c5bce60), M(0x351979cd), M(0x5008fb73), M(0x547bca78), M(0x711af481),      \
    M(0x3f93bf64), M(0x644d987b), M(0x3c8bcd87), M(0x608758b8)

#define RK_P2_RC_INTERNAL                                                                          \
    M(0x5a8053c0), M(0x693be639), M(0x3858867d), M(0x19334f6b), M(0x128f0fd8), M(0x4e2b1ccb),      \
    M(0x61210ce0), M(0x3c318939), M(0x0b5b2f22), M(0x2edb11d5), M(0x213effdf), M(0x0cac4606),      \
    M(0x241af16d)

/* V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27] */
#define RK_P2_DIAG                                                                                 \
    M(0x77ffffff), M(0x00000001), M(0x00000002), M(0x3c000001), M(0x00000003), M(0x00000004),      \
    M(0x3c000000), M(0x77fffffe), M(0x77fffffd), M(0x77880001), M(0x5a000001), M(0x69000001),      \
    M(0x77fffff2), M(0x00780000), M(0x07800000), M(0x0000000f)

#define M(x) RK_MONT(x)
#ifdef __CUDACC__
static __constant__ uint32_t p2_rc_init_d[64] = {RK_P2_RC_INIT};
static __constant__ uint32_t p2_rc_final_d[64] = {RK_P2_RC_FINAL};
static __constant__ uint32_t p2_rc_int_d[13] = {RK_P2_RC_INTERNAL};
static __constant__ uint32_t p2_diag_d[16] = {RK_P2_DIAG};
#endif
static const uint32_t p2_rc_init_h[64] = {RK_P2_RC_INIT};
static const uint32_t p2_rc_final_h[64] = {RK_P2_RC_FINAL};
static const uint32_t p2_rc_int_h[13] = {RK_P2_RC_INTERNAL};
static const uint32_t p2_diag_h[16] = {RK_P2_DIAG};
#undef M

/* The device pass reads __constant__ memory, the host pass the host copies. */
#ifdef __CUDA_ARCH__
#define RK_P2C(name) name##_d
#else
#define RK_P2C(name) name##_h
#endif

RK_HD uint32_t p2_sbox(uint32_t x)
{
    uint32_t x2 = bb_mul(x, x);
    uint32_t x3 = bb_mul(x2, x);
    uint32_t x4 = bb_mul(x2, x2);
    return bb_mul(x3, x4);
}

/* y = M4 x on one 4-chunk: [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] (Plonky3 apply_mat4). */
RK_HD void p2_mat4(uint32_t *x)
{
    uint32_t t01 = bb_add(x[0], x[1]);
    uint32_t t23 = bb_add(x[2], x[3]);
    uint32_t t0123 = bb_add(t01, t23);
    uint32_t t01123 = bb_add(t0123, x[1]);
    uint32_t t01233 = bb_add(t0123, x[3]);
    uint32_t y3 = bb_add(t01233, bb_add(x[0], x[0]));
    uint32_t y1 = bb_add(t01123, bb_add(x[2], x[2]));
    uint32_t y0 = bb_add(t01123, t01);
    uint32_t y2 = bb_add(t01233, t23);
    x[0] = y0;
    x[1] = y1;
    x[2] = y2;
    x[3] = y3;
}

/* M_E = circ(2*M4, M4, M4, M4): M4 on every chunk, then add the column sums. */
RK_HD void p2_external_layer(uint32_t *s)
{
RK_UNROLL
    for (int i = 0; i < 16; i += 4)
        p2_mat4(s + i);
    uint32_t sum[4];
RK_UNROLL
    for (int j = 0; j < 4; j++)
        sum[j] = bb_add(bb_add(s[j], s[4 + j]), bb_add(s[8 + j], s[12 + j]));
RK_UNROLL
    for (int i = 0; i < 16; i++)
        s[i] = bb_add(s[i], sum[i & 3]);
}

RK_HD uint32_t bb_halve(uint32_t a) { return (a & 1) ? (a + RK_P) >> 1 : a >> 1; } /* a/2, a < p */

/* M_I = J + diag(V): s_i = sum + V_i s_i.  The small entries of V
 * (-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/4, 1/8) cost additions and halvings
 * (halving a Montgomery word halves the value); the rest are multiplications. */
RK_HD void p2_internal_layer(uint32_t *s)
{
    uint32_t sum = s[0];
RK_UNROLL
    for (int i = 1; i < 16; i++)
        sum = bb_add(sum, s[i]);
    uint32_t d;
    s[0] = bb_sub(sum, bb_add(s[0], s[0]));
    s[1] = bb_add(sum, s[1]);
    s[2] = bb_add(sum, bb_add(s[2], s[2]));
    s[3] = bb_add(sum, bb_halve(s[3]));
    d = bb_add(s[4], s[4]);
    s[4] = bb_add(sum, bb_add(d, s[4]));
    d = bb_add(s[5], s[5]);
    s[5] = bb_add(sum, bb_add(d, d));
    s[6] = bb_sub(sum, bb_halve(s[6]));
    d = bb_add(s[7], s[7]);
    s[7] = bb_sub(sum, bb_add(d, s[7]));
    d = bb_add(s[8], s[8]);
    s[8] = bb_sub(sum, bb_add(d, d));
    s[10] = bb_add(sum, bb_halve(bb_halve(s[10])));
    s[11] = bb_add(sum, bb_halve(bb_halve(bb_halve(s[11]))));
    s[9] = bb_add(sum, bb_mul(RK_P2C(p2_diag)[9], s[9]));
RK_UNROLL
    for (int i = 12; i < 16; i++)
        s[i] = bb_add(sum, bb_mul(RK_P2C(p2_diag)[i], s[i]));
}

RK_HD void p2_permute_state(uint32_t *s)
{
    p2_external_layer(s);
RK_UNROLL1
    for (int r = 0; r < 4; r++) {
RK_UNROLL
        for (int i = 0; i < 16; i++)
            s[i] = p2_sbox(bb_add(s[i], RK_P2C(p2_rc_init)[16 * r + i]));
        p2_external_layer(s);
    }
RK_UNROLL1
    for (int r = 0; r < 13; r++) {
        s[0] = p2_sbox(bb_add(s[0], RK_P2C(p2_rc_int)[r]));
        p2_internal_layer(s);
    }
RK_UNROLL1
    for (int r = 0; r < 4; r++) {
RK_UNROLL
        for (int i = 0; i < 16; i++)
            s[i] = p2_sbox(bb_add(s[i], RK_P2C(p2_rc_final)[16 * r + i]));
        p2_external_layer(s);
    }
}

/* TruncatedPermutation: perm(l || r)[0..8]. */
RK_HD void p2_compress_digests(const uint32_t *l, const uint32_t *r, uint32_t *out)
{
    uint32_t s[16];
RK_UNROLL
    for (int i = 0; i < 8; i++) {
        s[i] = l[i];
        s[8 + i] = r[i];
    }
    p2_permute_state(s);
RK_UNROLL
    for (int i = 0; i < 8; i++)
        out[i] = s[i];
}

/* PaddingFreeSponge<16,8,8> of row `row` of the concatenation of n_mats
 * row-major matrices (mixed-matrix Merkle leaf): overwrite state[0..8) chunk
 * by chunk, permuting after every chunk, the last one possibly partial (no
 * padding); no input at all gives the zero digest.  The chunk is gathered
 * with compile-time register indices so the state stays in registers. */
RK_HD void p2_hash_concat_row(const uint32_t *const *mats, const uint64_t *widths, unsigned n_mats,
                              uint64_t row, uint32_t *out)
{
    uint32_t s[16];
RK_UNROLL
    for (int i = 0; i < 16; i++)
        s[i] = 0;
    uint64_t total = 0;
    for (unsigned m = 0; m < n_mats; m++)
        total += widths[m];
    unsigned m = 0;
    uint64_t off = 0;
    while (m < n_mats && widths[m] == 0)
        m++;
    for (uint64_t pos = 0; pos < total; pos += 8) {
RK_UNROLL
        for (int i = 0; i < 8; i++) {
            if (pos + i < total) {
                s[i] = mats[m][row * widths[m] + off];
                if (++off == widths[m]) {
                    off = 0;
                    m++;
                    while (m < n_mats && widths[m] == 0)
                        m++;
                }
            }
        }
        p2_permute_state(s);
    }
RK_UNROLL
    for (int i = 0; i < 8; i++)
        out[i] = s[i];
}

} /* namespace rk */

#endif
