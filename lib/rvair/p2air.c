/* p2air.c - the P2 table: one Poseidon2-16 permutation (Plonky3 default
 * instance [A], the one lib/hash implements) per row.
 *
 * Each S-box x^7 uses two columns, c = x^3 and y = c^2 x, so that every
 * constraint has degree 3; the linear layers stay expressions.  Columns:
 * input (16), 4 initial full rounds (16 c + 16 y each), 13 partial rounds
 * (c, y of lane 0), 4 final full rounds, multiplicity.  The table receives
 * (input, output) on the P2 bus with the multiplicity. */
#include "rvair/rvair_int.h"

/* Constants (canonical values) from /work/shared/ref/poseidon2_babybear16.txt,
 * which copies Plonky3 baby-bear/src/poseidon2.rs @ 5dc50e51
 * (BABYBEAR_POSEIDON2_RC_16_*; internal diagonal V16 of
 * BabyBearInternalLayerParameters).  Rows 0..3 of rc_ext are the initial
 * external rounds, rows 4..7 the final ones. */
const uint32_t rvair_p2_rc_ext[8][16] = {
    {0x69cbb6af, 0x46ad93f9, 0x60a00f4e, 0x6b1297cd, 0x23189afe, 0x732e7bef, 0x72c246de, 0x2c941900, 0x0557eede, 0x1580496f, 0x3a3ea77b, 0x54f3f271, 0x0f49b029, 0x47872fe1, 0x221e2e36, 0x1ab7202e},
    {0x487779a6, 0x3851c9d8, 0x38dc17c0, 0x209f8849, 0x268dcee8, 0x350c48da, 0x5b9ad32e, 0x0523272b, 0x3f89055b, 0x01e894b2, 0x13ddedde, 0x1b2ef334, 0x7507d8b4, 0x6ceeb94e, 0x52eb6ba2, 0x50642905},
    {0x05453f3f, 0x06349efc, 0x6922787c, 0x04bfff9c, 0x768c714a, 0x3e9ff21a, 0x15737c9c, 0x2229c807, 0x0d47f88c, 0x097e0ecc, 0x27eadba0, 0x2d7d29e4, 0x3502aaa0, 0x0f475fd7, 0x29fbda49, 0x018afffd},
    {0x0315b618, 0x6d4497d1, 0x1b171d9e, 0x52861abd, 0x2e5d0501, 0x3ec8646c, 0x6e5f250a, 0x148ae8e6, 0x17f5fa4a, 0x3e66d284, 0x0051aa3b, 0x483f7913, 0x2cfe5f15, 0x023427ca, 0x2cc78315, 0x1e36ea47},
    {0x7290a80d, 0x6f7e5329, 0x598ec8a8, 0x76a859a0, 0x6559e868, 0x657b83af, 0x13271d3f, 0x1f876063, 0x0aeeae37, 0x706e9ca6, 0x46400cee, 0x72a05c26, 0x2c589c9e, 0x20bd37a7, 0x6a2d3d10, 0x20523767},
    {0x5b8fe9c4, 0x2aa501d6, 0x1e01ac3e, 0x1448bc54, 0x5ce5ad1c, 0x4918a14d, 0x2c46a83f, 0x4fcf6876, 0x61d8d5c8, 0x6ddf4ff9, 0x11fda4d3, 0x02933a8f, 0x170eaf81, 0x5a9c314f, 0x49a12590, 0x35ec52a1},
    {0x58eb1611, 0x5e481e65, 0x367125c9, 0x0eba33ba, 0x1fc28ded, 0x066399ad, 0x0cbec0ea, 0x75fd1af0, 0x50f5bf4e, 0x643d5f41, 0x6f4fe718, 0x5b3cbbde, 0x1e3afb3e, 0x296fb027, 0x45e1547b, 0x4a8db2ab},
    {0x59986d19, 0x30bcdfa3, 0x1db63932, 0x1d7c2824, 0x53b33681, 0x0673b747, 0x038a98a3, 0x2c5bce60, 0x351979cd, 0x5008fb73, 0x547bca78, 0x711af481, 0x3f93bf64, 0x644d987b, 0x3c8bcd87, 0x608758b8},
};
const uint32_t rvair_p2_rc_int[13] = {0x5a8053c0, 0x693be639, 0x3858867d, 0x19334f6b, 0x128f0fd8, 0x4e2b1ccb, 0x61210ce0, 0x3c318939, 0x0b5b2f22, 0x2edb11d5, 0x213effdf, 0x0cac4606, 0x241af16d};
const uint32_t rvair_p2_diag[16] = {0x77ffffff, 0x00000001, 0x00000002, 0x3c000001, 0x00000003, 0x00000004, 0x3c000000, 0x77fffffe, 0x77fffffd, 0x77880001, 0x5a000001, 0x69000001, 0x77fffff2, 0x00780000, 0x07800000, 0x0000000f};

#define P2_FULL0 16                  /* first column of the initial full rounds */
#define P2_PART (P2_FULL0 + 4 * 32)  /* partial rounds */
#define P2_FULL1 (P2_PART + 13 * 2)  /* final full rounds */

/* ---- the AIR ---- */
static void mat4_expr(air_table *t, air_expr *x)
{
    air_expr y0 = ADD(ADD(MULC(x[0], 2), MULC(x[1], 3)), ADD(x[2], x[3]));
    air_expr y1 = ADD(ADD(x[0], MULC(x[1], 2)), ADD(MULC(x[2], 3), x[3]));
    air_expr y2 = ADD(ADD(x[0], x[1]), ADD(MULC(x[2], 2), MULC(x[3], 3)));
    air_expr y3 = ADD(ADD(MULC(x[0], 3), x[1]), ADD(x[2], MULC(x[3], 2)));
    x[0] = y0; x[1] = y1; x[2] = y2; x[3] = y3;
}

static void ext_expr(air_table *t, air_expr *s)
{
    for (int b = 0; b < 16; b += 4)
        mat4_expr(t, s + b);
    for (int k = 0; k < 4; k++) {
        air_expr sum = ADD(ADD(s[k], s[4 + k]), ADD(s[8 + k], s[12 + k]));
        for (int b = 0; b < 16; b += 4)
            s[b + k] = ADD(s[b + k], sum);
    }
}

static void int_expr(air_table *t, air_expr *s)
{
    air_expr sum = s[0];
    for (int i = 1; i < 16; i++)
        sum = ADD(sum, s[i]);
    for (int i = 0; i < 16; i++)
        s[i] = ADD(sum, MULC(s[i], rvair_p2_diag[i]));
}

/* S-box with its two columns; returns the output column. */
static air_expr sbox_expr(air_table *t, air_expr x, unsigned col)
{
    air_expr c = COL(col), y = COL(col + 1);
    ZERO(SUB(c, MUL(MUL(x, x), x)));
    ZERO(SUB(y, MUL(MUL(c, c), x)));
    return y;
}

void rvair_p2_air(air_table *t)
{
    air_set_label(t, "poseidon2 rounds");
    air_expr s[16], in[16];
    for (int i = 0; i < 16; i++)
        s[i] = in[i] = COL(P2T_IN + i);
    ext_expr(t, s);
    for (int r = 0; r < 8; r++) {
        if (r == 4) {
            for (int p = 0; p < 13; p++) {
                s[0] = sbox_expr(t, ADD(s[0], CST(rvair_p2_rc_int[p])), P2_PART + 2 * p);
                int_expr(t, s);
            }
        }
        unsigned base = (r < 4 ? P2_FULL0 + 32 * r : P2_FULL1 + 32 * (r - 4));
        for (int i = 0; i < 16; i++) {
            /* columns: c_i at base + i, y_i at base + 16 + i */
            air_expr x = ADD(s[i], CST(rvair_p2_rc_ext[r][i]));
            air_expr c = COL(base + i), y = COL(base + 16 + i);
            ZERO(SUB(c, MUL(MUL(x, x), x)));
            ZERO(SUB(y, MUL(MUL(c, c), x)));
            s[i] = y;
        }
        ext_expr(t, s);
    }
    air_expr v[32];
    for (int i = 0; i < 16; i++) {
        v[i] = in[i];
        v[16 + i] = s[i];
    }
    air_receive(t, RVAIR_BUS_P2, COL(P2T_MULT), v, 32);
}

/* ---- the witness (mirrors the AIR, column for column) ---- */
static void mat4(bb_t *x)
{
    bb_t a = x[0], b = x[1], c = x[2], d = x[3];
    bb_t two = bb_from_u32(2), three = bb_from_u32(3);
    x[0] = bb_add(bb_add(bb_mul(a, two), bb_mul(b, three)), bb_add(c, d));
    x[1] = bb_add(bb_add(a, bb_mul(b, two)), bb_add(bb_mul(c, three), d));
    x[2] = bb_add(bb_add(a, b), bb_add(bb_mul(c, two), bb_mul(d, three)));
    x[3] = bb_add(bb_add(bb_mul(a, three), b), bb_add(c, bb_mul(d, two)));
}

static void ext_layer(bb_t *s)
{
    for (int b = 0; b < 16; b += 4)
        mat4(s + b);
    for (int k = 0; k < 4; k++) {
        bb_t sum = bb_add(bb_add(s[k], s[4 + k]), bb_add(s[8 + k], s[12 + k]));
        for (int b = 0; b < 16; b += 4)
            s[b + k] = bb_add(s[b + k], sum);
    }
}

static void int_layer(bb_t *s)
{
    bb_t sum = s[0];
    for (int i = 1; i < 16; i++)
        sum = bb_add(sum, s[i]);
    for (int i = 0; i < 16; i++)
        s[i] = bb_add(sum, bb_mul(s[i], bb_from_u32(rvair_p2_diag[i])));
}

static bb_t sbox_fill(bb_t x, bb_t *row, unsigned cc, unsigned cy)
{
    bb_t c = bb_mul(bb_sqr(x), x), y = bb_mul(bb_sqr(c), x);
    row[cc] = c;
    row[cy] = y;
    return y;
}

void rvair_p2_fill_row(bb_t *row, const bb_t in[16], bb_t out[16])
{
    bb_t s[16];
    for (int i = 0; i < 16; i++)
        s[i] = row[P2T_IN + i] = in[i];
    ext_layer(s);
    for (int r = 0; r < 8; r++) {
        if (r == 4) {
            for (int p = 0; p < 13; p++) {
                s[0] = sbox_fill(bb_add(s[0], bb_from_u32(rvair_p2_rc_int[p])), row, P2_PART + 2 * p,
                                 P2_PART + 2 * p + 1);
                int_layer(s);
            }
        }
        unsigned base = (r < 4 ? P2_FULL0 + 32 * r : P2_FULL1 + 32 * (r - 4));
        for (int i = 0; i < 16; i++)
            s[i] = sbox_fill(bb_add(s[i], bb_from_u32(rvair_p2_rc_ext[r][i])), row, base + i, base + 16 + i);
        ext_layer(s);
    }
    for (int i = 0; i < 16; i++)
        out[i] = s[i];
}
