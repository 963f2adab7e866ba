/* logup.cu - the LogUp permutation trace of one table on the GPU (lib/stark build_perm).
 *
 * One thread per trace row i (natural order, the trace domain H).  The table's program
 * (air_program_build_multi) puts the interactions' denominators
 * d_j = beta + bus_j + sum_k gamma^(k+1) v_jk in accumulators 0..ni-1 and their
 * multiplicities m_j in ni..2ni-1; the thread inverts the d_j with one extension inversion
 * (prefix products), and writes h_b = sum over batch b of sign_j m_j / d_j into the row.
 * Then the running sum column s_i = s_(i-1) + sum_b h_b(i): each of C chunk threads sums
 * its R rows, the host adds the chunk totals up (exclusive prefix), and a second pass adds
 * each chunk's offset.  Same words as the CPU (exact field arithmetic).
 */
#include <stdlib.h>
#include <string.h>

#include "api.cuh"
#include "bb.cuh"
#include "program.cuh"
#include "rt.cuh"

namespace rk {

/* Accumulators in scratch (extension words, slot-major like the slots). */
struct logup_acc {
    uint32_t *a;   /* word k of the accumulators at a[k * T + t] */
    uint64_t T, t;
    RK_HD void add(const air_prog_term &tm, bb4 x)
    {
        for (int c = 0; c < 4; c++) {
            uint32_t *w = a + (4 * (uint64_t)tm.acc + c) * T + t;
            *w = bb_add(*w, x.c[c]);
        }
    }
};

struct logup_body {
    prog_view P;
    const bb4 *acc_init;       /* 2 ni */
    uint32_t *accs;            /* 4 (2 ni) x T words */
    uint32_t *pref;            /* 4 ni x T words: prefix products of the denominators */
    const uint32_t *batch_of;  /* ni: the batch of interaction j */
    const int32_t *sign;       /* ni */
    uint32_t ni, nb;
    uint64_t row0, n;
    uint32_t *perm;            /* n x 4 (nb + 1) words */
    uint32_t *zero_den;        /* set to 1 when a denominator is zero */

    RK_HD bb4 get(const uint32_t *base, uint64_t k, uint64_t t) const
    {
        bb4 v;
        for (int c = 0; c < 4; c++)
            v.c[c] = base[(4 * k + c) * P.T + t];
        return v;
    }
    RK_HD void put(uint32_t *base, uint64_t k, uint64_t t, bb4 v) const
    {
        for (int c = 0; c < 4; c++)
            base[(4 * k + c) * P.T + t] = v.c[c];
    }

    RK_HD void operator()(uint64_t t) const
    {
        const uint64_t i = row0 + t, pw4 = 4 * ((uint64_t)nb + 1);
        for (uint32_t k = 0; k < 2 * ni; k++)
            put(accs, k, t, acc_init[k]);
        logup_acc acc{accs, P.T, t};
        const uint32_t sel[3] = {0, 0, 0}; /* interactions read no selectors */
        P.run(t, i, (i + 1) & (n - 1), sel, acc);
        /* prefix products d_0 ... d_j, one inversion, then backwards */
        bb4 run;
        int zero = 0;
        for (uint32_t j = 0; j < ni; j++) {
            bb4 d = get(accs, j, t);
            zero |= !(d.c[0] | d.c[1] | d.c[2] | d.c[3]);
            run = j ? bb4_mul(run, d) : d;
            put(pref, j, t, run);
        }
        if (zero)
            *zero_den = 1;
        uint32_t *row = perm + i * pw4;
        for (uint64_t w = 0; w < pw4; w++)
            row[w] = 0;
        bb4 inv = bb4_inv(run); /* 1 / (d_0 ... d_(ni-1)) */
        for (uint32_t j = ni; j-- > 0;) {
            bb4 dj_inv = j ? bb4_mul(inv, get(pref, j - 1, t)) : inv;
            inv = bb4_mul(inv, get(accs, j, t));
            bb4 term = bb4_mul(dj_inv, get(accs, ni + j, t));
            uint32_t *h = row + 4 * (uint64_t)batch_of[j];
            for (int c = 0; c < 4; c++)
                h[c] = sign[j] < 0 ? bb_sub(h[c], term.c[c]) : bb_add(h[c], term.c[c]);
        }
    }
};

/* Chunk c of R rows: the local running sum into column nb, the chunk's total out. */
struct logup_scan_body {
    uint32_t *perm;
    uint64_t R, nb;
    bb4 *tot;
    const bb4 *offset; /* NULL: first pass (local sums); else add offset[c] */
    RK_HD void operator()(uint64_t c) const
    {
        const uint64_t pw4 = 4 * (nb + 1);
        bb4 s;
        for (int k = 0; k < 4; k++)
            s.c[k] = 0;
        for (uint64_t i = c * R; i < (c + 1) * R; i++) {
            uint32_t *row = perm + i * pw4;
            if (offset) {
                for (int k = 0; k < 4; k++)
                    row[4 * nb + k] = bb_add(row[4 * nb + k], offset[c].c[k]);
                continue;
            }
            for (uint64_t b = 0; b < nb; b++)
                for (int k = 0; k < 4; k++)
                    s.c[k] = bb_add(s.c[k], row[4 * b + k]);
            for (int k = 0; k < 4; k++)
                row[4 * nb + k] = s.c[k];
        }
        if (!offset)
            tot[c] = s;
    }
};

} /* namespace rk */

using namespace rk;

extern "C" {

int gpu_logup_dev(const gpu_logup_job *j, bb_t *d_perm, bb4_t *cumsum, int *zero_den, rk_err *e)
{
    RK_API_LOCK;
    const air_program *p = j->prog;
    if (!p || j->n_inter == 0 || p->n_acc != 2 * j->n_inter || j->log_n > 27 || j->log_n < 1)
        return rk_fail(e, RK_EINPUT, "gpu: LogUp: bad job (%zu interactions, log height %u)", j->n_inter, j->log_n);
    int rc = rt_init(e);
    if (rc)
        return rc;
    const uint64_t n = (uint64_t)1 << j->log_n, ni = j->n_inter, nb = j->n_batches;
    const uint64_t words = (uint64_t)p->n_base_slots + 4 * (uint64_t)p->n_ext_slots + 4 * 3 * ni;
    uint64_t T = ((uint64_t)1 << 26) / (words ? words : 1), pw = 1024; /* scratch <= 256 MiB */
    while (2 * pw <= T)
        pw *= 2;
    T = pw < n ? pw : n;
    uint32_t *batch_of = (uint32_t *)malloc(ni * sizeof *batch_of);
    if (!batch_of)
        return rk_fail(e, RK_EINTERNAL, "gpu: LogUp: out of memory");
    for (uint64_t b = 0; b < nb; b++)
        for (uint32_t k = j->batch_start[b]; k < j->batch_start[b + 1] && k < ni; k++)
            batch_of[k] = (uint32_t)b;
    air_prog_ins *d_ins = NULL;
    air_prog_term *d_terms = NULL;
    bb4 *d_consts = NULL, *d_init = NULL, *d_tot = NULL;
    uint32_t *d_scratch = NULL, *d_batch = NULL, *d_zero = NULL;
    int32_t *d_sign = NULL;
    const uint64_t R = n < 256 ? n : 256, nch = n / R;
    bb4 *tot = (bb4 *)malloc(nch * sizeof *tot);
    if (!tot)
        rc = rk_fail(e, RK_EINTERNAL, "gpu: LogUp: out of memory");
    if (!rc)
        rc = rt_alloc((void **)&d_ins, p->n_ins * sizeof *d_ins, "LogUp program", e);
    if (!rc)
        rc = rt_alloc((void **)&d_terms, p->n_terms * sizeof *d_terms, "LogUp terms", e);
    if (!rc)
        rc = rt_alloc((void **)&d_consts, p->n_consts * sizeof *d_consts, "LogUp constants", e);
    if (!rc)
        rc = rt_alloc((void **)&d_init, 2 * ni * sizeof *d_init, "LogUp starting values", e);
    if (!rc)
        rc = rt_alloc((void **)&d_scratch, words * T * sizeof *d_scratch, "LogUp scratch", e);
    if (!rc)
        rc = rt_alloc((void **)&d_batch, ni * sizeof *d_batch, "LogUp batches", e);
    if (!rc)
        rc = rt_alloc((void **)&d_sign, ni * sizeof *d_sign, "LogUp signs", e);
    if (!rc)
        rc = rt_alloc((void **)&d_zero, sizeof *d_zero, "LogUp flag", e);
    if (!rc)
        rc = rt_alloc((void **)&d_tot, nch * sizeof *d_tot, "LogUp chunk sums", e);
    if (!rc)
        rc = rt_h2d(d_ins, p->ins, p->n_ins * sizeof *d_ins, e);
    if (!rc)
        rc = rt_h2d(d_terms, p->terms, p->n_terms * sizeof *d_terms, e);
    if (!rc)
        rc = rt_h2d(d_consts, p->consts, p->n_consts * sizeof *d_consts, e);
    if (!rc)
        rc = rt_h2d(d_init, p->acc_init, 2 * ni * sizeof *d_init, e);
    if (!rc)
        rc = rt_h2d(d_batch, batch_of, ni * sizeof *d_batch, e);
    if (!rc)
        rc = rt_h2d(d_sign, j->sign, ni * sizeof *d_sign, e);
    if (!rc)
        rc = rt_zero(d_zero, sizeof *d_zero, e);
    logup_body body;
    memset(&body, 0, sizeof body);
    body.P.ins = d_ins;
    body.P.n_ins = (uint32_t)p->n_ins;
    body.P.consts = d_consts;
    body.P.terms = d_terms;
    body.P.slots = d_scratch;
    body.P.T = T;
    body.P.n_base = p->n_base_slots;
    body.P.main = j->main;
    body.P.pre = j->pre;
    body.P.main_w = j->main_w;
    body.P.pre_w = j->pre_w;
    body.acc_init = d_init;
    body.accs = d_scratch + ((uint64_t)p->n_base_slots + 4 * (uint64_t)p->n_ext_slots) * T;
    body.pref = body.accs + 4 * 2 * ni * T;
    body.batch_of = d_batch;
    body.sign = d_sign;
    body.ni = (uint32_t)ni;
    body.nb = (uint32_t)nb;
    body.n = n;
    body.perm = d_perm;
    body.zero_den = d_zero;
    for (uint64_t r0 = 0; !rc && r0 < n; r0 += T) {
        body.row0 = r0;
        rc = rt_flat("logup", T < n - r0 ? T : n - r0, body, e);
    }
    /* the running sum: chunk sums, their prefix on the host, the offsets added */
    logup_scan_body scan{d_perm, R, nb, d_tot, NULL};
    if (!rc)
        rc = rt_flat("logup_scan", nch, scan, e);
    if (!rc)
        rc = rt_d2h(tot, d_tot, nch * sizeof *tot, e);
    bb4 before;
    memset(&before, 0, sizeof before);
    for (uint64_t c = 0; !rc && c < nch; c++) {
        bb4 t = tot[c];
        tot[c] = before;
        before = bb4_add(before, t);
    }
    if (!rc)
        rc = rt_h2d(d_tot, tot, nch * sizeof *tot, e);
    scan.offset = d_tot;
    if (!rc && nch > 1)
        rc = rt_flat("logup_offsets", nch, scan, e);
    uint32_t zero = 0;
    if (!rc)
        rc = rt_d2h(&zero, d_zero, sizeof zero, e);
    if (!rc)
        rc = rt_sync("LogUp", e);
    if (!rc) {
        for (int k = 0; k < 4; k++)
            cumsum->c[k] = before.c[k];
        *zero_den = zero != 0;
    }
    free(batch_of);
    free(tot);
    rt_free(d_ins);
    rt_free(d_terms);
    rt_free(d_consts);
    rt_free(d_init);
    rt_free(d_scratch);
    rt_free(d_batch);
    rt_free(d_sign);
    rt_free(d_zero);
    rt_free(d_tot);
    return rc;
}

} /* extern "C" */
