/* challenger.c - duplex-sponge Fiat-Shamir challenger (Plonky3 v0.6+ "era 3" semantics). */
#include "challenger/challenger.h"

#include <string.h>

void chal_init(chal *c) { memset(c, 0, sizeof *c); }

static void duplex(chal *c)
{
    if (c->n_in > 0) {
        for (unsigned i = 0; i < P2_RATE; i++)
            c->st[i] = i < c->n_in ? c->in[i] : 0;
        /* length tag: distinguishes absorbing [a] from [a, 0] */
        c->st[P2_RATE] = bb_add(c->st[P2_RATE], bb_from_u32(c->n_in));
    }
    c->n_in = 0;
    p2_permute(c->st);
    memcpy(c->out, c->st, sizeof c->out);
    c->n_out = P2_RATE;
}

void chal_observe(chal *c, bb_t v)
{
    c->n_out = 0; /* outputs squeezed before this input are stale */
    c->in[c->n_in++] = v;
    if (c->n_in == P2_RATE)
        duplex(c);
}

void chal_observe_many(chal *c, const bb_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        chal_observe(c, v[i]);
}

void chal_observe_u32(chal *c, uint32_t v) { chal_observe(c, bb_from_u32(v)); }

void chal_observe_ext(chal *c, bb4_t v) { chal_observe_many(c, v.c, 4); }

void chal_observe_digest(chal *c, const p2_digest *d) { chal_observe_many(c, d->v, P2_DIGEST); }

bb_t chal_sample(chal *c)
{
    if (c->n_in > 0 || c->n_out == 0)
        duplex(c);
    return c->out[--c->n_out];
}

bb4_t chal_sample_ext(chal *c)
{
    bb4_t r;
    for (int i = 0; i < 4; i++)
        r.c[i] = chal_sample(c);
    return r;
}

uint32_t chal_sample_bits(chal *c, unsigned bits)
{
    uint32_t x = bb_to_u32(chal_sample(c));
    return bits >= 32 ? x : x & ((1u << bits) - 1);
}

int chal_check_witness(chal *c, unsigned bits, uint32_t w)
{
    chal_observe_u32(c, w);
    return chal_sample_bits(c, bits) == 0;
}

uint32_t chal_grind(const chal *c, unsigned bits)
{
    if (bits == 0)
        return 0;
    /* Search in chunks of candidates in parallel; within a chunk every thread
     * tests its own candidates and the smallest valid one wins, so the answer
     * is the globally smallest witness whatever the thread count. */
    const uint32_t chunk = 1u << 12;
    for (uint32_t base = 0; base < BB_P; base += chunk) {
        uint32_t best = UINT32_MAX;
        uint32_t lim = BB_P - base < chunk ? BB_P - base : chunk;
#pragma omp parallel for schedule(static) reduction(min : best)
        for (uint32_t i = 0; i < lim; i++) {
            chal t = *c;
            if (chal_check_witness(&t, bits, base + i) && base + i < best)
                best = base + i;
        }
        if (best != UINT32_MAX)
            return best;
    }
    return UINT32_MAX; /* unreachable for bits <= 27 in practice */
}
