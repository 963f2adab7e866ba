/* test_challenger.c - DuplexChallenger KAT (Plonky3 v0.6+ semantics, Poseidon2 [A]) and grinding. */
#include "challenger/challenger.h"
#include "test.h"

/* From /work/shared/ref/poseidon2_test_vectors.txt ("[A] perm, mode v0.6+"): observe 1..8,
 * sample 4 base elements, then sample_bits(16).  DERIVED there by a model reproducing every
 * upstream Plonky3 vector. */
static void kat_era3(void)
{
    static const uint32_t want[4] = {1638090453, 408318230, 292540408, 524907186};
    chal c;
    chal_init(&c);
    for (uint32_t i = 1; i <= 8; i++)
        chal_observe_u32(&c, i);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U64(bb_to_u32(chal_sample(&c)), want[i]);
    CHECK_EQ_U64(chal_sample_bits(&c, 16), 33809);
}

/* Observing anything discards buffered outputs; a partial absorb is length-tagged. */
static void observe_changes_samples(void)
{
    chal a, b;
    chal_init(&a);
    chal_init(&b);
    chal_observe_u32(&a, 5);
    chal_observe_u32(&b, 5);
    chal_observe_u32(&b, 0);
    CHECK(!bb_eq(chal_sample(&a), chal_sample(&b)));
    chal_init(&a);
    bb_t s1 = chal_sample(&a);
    chal_observe_u32(&a, 1);
    bb_t s2 = chal_sample(&a);
    CHECK(!bb_eq(s1, s2));
    /* ext sample = 4 successive base samples */
    chal_init(&a);
    chal_init(&b);
    bb4_t x = chal_sample_ext(&a);
    for (int i = 0; i < 4; i++)
        CHECK(bb_eq(x.c[i], chal_sample(&b)));
}

static void grind_finds_smallest(void)
{
    chal c;
    chal_init(&c);
    chal_observe_u32(&c, 42);
    uint32_t w = chal_grind(&c, 8);
    chal t = c;
    CHECK(chal_check_witness(&t, 8, w));
    for (uint32_t v = 0; v < w; v++) {
        t = c;
        CHECK(!chal_check_witness(&t, 8, v));
    }
    CHECK_EQ_U64(chal_grind(&c, 0), 0);
}

int main(void)
{
    RUN(kat_era3);
    RUN(observe_changes_samples);
    RUN(grind_finds_smallest);
    return t_done();
}
