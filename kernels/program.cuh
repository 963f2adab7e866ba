/* program.cuh - running a lib/air straight-line program (air_program) for one row per thread.
 *
 * Shared by the constraint quotient (quotient.cu) and the LogUp trace (logup.cu).  Slots live
 * in a global scratch laid out slot-major: word w of thread t at w * T + t (coalesced across a
 * warp); base slot s is word s, extension slot s words n_base + 4 s .. + 3.  Every thread of
 * a warp runs the same instruction.  The caller supplies the row's accumulation (Acc::add).
 */
#ifndef RAIKO_KERNELS_PROGRAM_CUH
#define RAIKO_KERNELS_PROGRAM_CUH

#include <stdint.h>

#include "bb.cuh"

extern "C" {
#include "air/air.h"
}

namespace rk {

/* A value and whether it is an extension element (base values keep c[1..3] = 0). */
struct qval {
    bb4 v;
    int ext;
};

struct prog_view {
    const air_prog_ins *ins;
    uint32_t n_ins;
    const bb4 *consts;
    const air_prog_term *terms;
    uint32_t *slots;     /* (n_base + 4 n_ext) x T words, slot-major */
    uint64_t T;          /* the slot stride: threads of a launch */
    uint32_t n_base;
    const uint32_t *main, *pre, *perm;
    uint64_t main_w, pre_w, perm_w;

    RK_HD qval operand(unsigned kind, uint32_t x, uint64_t t) const
    {
        qval r;
        r.v.c[1] = r.v.c[2] = r.v.c[3] = 0;
        r.ext = 0;
        switch (kind) {
        case AIR_PROG_BSLOT: r.v.c[0] = slots[(uint64_t)x * T + t]; break;
        case AIR_PROG_ESLOT:
            for (int k = 0; k < 4; k++)
                r.v.c[k] = slots[((uint64_t)n_base + 4 * (uint64_t)x + k) * T + t];
            r.ext = 1;
            break;
        case AIR_PROG_BIMM: r.v.c[0] = x; break;
        default: r.v = consts[x]; r.ext = 1; break;
        }
        return r;
    }

    /* Run the program for thread t on matrix rows loc and nxt with the selectors sel;
     * acc.add(term, value) for every term of every result that has terms. */
    template <class Acc>
    RK_HD void run(uint64_t t, uint64_t loc, uint64_t nxt, const uint32_t sel[3], Acc &acc) const
    {
        RK_UNROLL1
        for (uint32_t k = 0; k < n_ins; k++) {
            const air_prog_ins in = ins[k];
            qval r;
            r.v.c[1] = r.v.c[2] = r.v.c[3] = 0;
            r.ext = 0;
            switch (in.op) {
            case AIR_PROG_LD_MAIN: r.v.c[0] = main[(in.b ? nxt : loc) * main_w + in.a]; break;
            case AIR_PROG_LD_PRE: r.v.c[0] = pre[(in.b ? nxt : loc) * pre_w + in.a]; break;
            case AIR_PROG_LD_PERM: {
                const uint32_t *p = perm + (in.b ? nxt : loc) * perm_w + 4 * (uint64_t)in.a;
                for (int c = 0; c < 4; c++)
                    r.v.c[c] = p[c];
                r.ext = 1;
                break;
            }
            case AIR_PROG_SEL: r.v.c[0] = sel[in.a]; break;
            case AIR_PROG_NEG: {
                qval a = operand(in.ty & 3, in.a, t);
                r.ext = a.ext;
                for (int c = 0; c < 4; c++)
                    r.v.c[c] = bb_neg(a.v.c[c]);
                break;
            }
            default: {
                qval a = operand(in.ty & 3, in.a, t), b = operand((in.ty >> 2) & 3, in.b, t);
                r.ext = a.ext | b.ext;
                if (in.op == AIR_PROG_ADD) {
                    if (r.ext)
                        r.v = bb4_add(a.v, b.v);
                    else
                        r.v.c[0] = bb_add(a.v.c[0], b.v.c[0]);
                } else if (in.op == AIR_PROG_SUB) {
                    if (r.ext)
                        r.v = bb4_sub(a.v, b.v);
                    else
                        r.v.c[0] = bb_sub(a.v.c[0], b.v.c[0]);
                } else if (!r.ext)
                    r.v.c[0] = bb_mul(a.v.c[0], b.v.c[0]);
                else if (!a.ext)
                    r.v = bb4_mul_base(b.v, a.v.c[0]);
                else if (!b.ext)
                    r.v = bb4_mul_base(a.v, b.v.c[0]);
                else
                    r.v = bb4_mul(a.v, b.v);
                break;
            }
            }
            if (in.dst != AIR_PROG_NONE) {
                if (in.dst_ext)
                    for (int c = 0; c < 4; c++)
                        slots[((uint64_t)n_base + 4 * (uint64_t)in.dst + c) * T + t] = r.v.c[c];
                else
                    slots[(uint64_t)in.dst * T + t] = r.v.c[0];
            }
            if (in.acc != AIR_PROG_NONE)
                for (const air_prog_term *tm = terms + in.acc; tm->acc != AIR_PROG_NONE; tm++)
                    acc.add(*tm, r.ext ? bb4_mul(consts[tm->coef], r.v) : bb4_mul_base(consts[tm->coef], r.v.c[0]));
        }
    }
};

} /* namespace rk */

#endif
