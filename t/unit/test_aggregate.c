/* test_aggregate.c - lib/aggregate's chain rules, one case per rule, each asserting the
 * rule's own message (so removing or weakening a rule fails a test), and the claim codec.
 * The claims are synthetic: agg_check_chain judges claims, the receipts' proofs are
 * test_receipt's and aggregate.bats's business. */
#include <string.h>

#include "aggregate/aggregate.h"
#include "test.h"

static p2_digest dg(uint32_t tag)
{
    p2_digest d;
    for (int i = 0; i < P2_DIGEST; i++)
        d.v[i] = bb_from_u32(tag * 8 + (uint32_t)i + 1);
    return d;
}

/* n claims of one honest run: segment i goes from state 100+i to 100+i+1, the last halts */
static void chain(rcpt_claim *c, size_t n)
{
    memset(c, 0, n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i].image_id = dg(100);
        c[i].index = (uint32_t)i;
        c[i].pre_state = dg(100 + (uint32_t)i);
        c[i].post_state = dg(101 + (uint32_t)i);
        c[i].cycles = 1000 + i;
    }
    c[n - 1].halted = 1;
    c[n - 1].exit_code = 3;
    c[n - 1].committed[0] = 0xABCD;
}

static const char *const names[] = {"s0", "s1", "s2", "s3", "s4"};

/* the chain of c (n claims) is refused with RK_EFALSE and a message containing want */
static void refused(const rcpt_claim *c, size_t n, const char *want)
{
    agg_claim out;
    rk_err e = {0};
    int rc = agg_check_chain(c, names, n, &out, &e);
    CHECK_EQ_U64(rc, RK_EFALSE);
    if (rc)
        CHECK_STR_HAS(e.msg, want);
}

static void honest_chain(void)
{
    rcpt_claim c[4];
    chain(c, 4);
    agg_claim out;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(c, names, 4, &out, &e), RK_OK);
    CHECK(out.first == 0 && out.last == 3);
    CHECK(!memcmp(&out.image_id, &c[0].image_id, sizeof out.image_id));
    CHECK(!memcmp(&out.pre_state, &c[0].pre_state, sizeof out.pre_state));
    CHECK(!memcmp(&out.post_state, &c[3].post_state, sizeof out.post_state));
    CHECK(out.halted == 1 && out.exit_code == 3 && out.committed[0] == 0xABCD);
    CHECK_EQ_U64(out.cycles, 1000 + 1001 + 1002 + 1003);
    CHECK(agg_claim_complete(&out));
    /* a middle range: not complete, its pre-state need not be the image id */
    CHECK_EQ_U64(agg_check_chain(c + 1, names + 1, 2, &out, &e), RK_OK);
    CHECK(out.first == 1 && out.last == 2 && !out.halted && !agg_claim_complete(&out));
}

static void empty_refused(void)
{
    agg_claim out;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(NULL, names, 0, &out, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "no receipts to aggregate");
}

static void another_image_id(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[2].image_id = dg(7);
    refused(c, 3, "s2: receipt of another program");
}

static void duplicate_index(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[2] = c[1];
    c[1].halted = 0;
    refused(c, 3, "segment 1 given twice (s1 and s2)");
}

static void missing_index(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[2].index = 3;
    refused(c, 3, "segment 2 missing (between s1 and s2)");
    c[2].index = 5;
    refused(c, 3, "segments 2..4 missing (between s1 and s2)");
}

static void broken_post_pre(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[2].pre_state = dg(42);
    refused(c, 3, "broken chain between segments 1 and 2: the post-state of s1 is not the pre-state of s2");
}

static void after_halt(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[1].halted = 1;
    refused(c, 3, "segment 2 (s2) follows the halted segment 1");
}

/* segment 0 whose pre-state is not the image id: every other rule holds (alone and in a chain) */
static void segment0_not_image_id(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[0].pre_state = dg(99);
    refused(c, 3, "s0: segment 0 does not start from the program's initial state (image id)");
    refused(c, 1, "s0: segment 0 does not start from the program's initial state (image id)");
    /* the same claims from segment 1 on are a fine partial range */
    agg_claim out;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(c + 1, names + 1, 2, &out, &e), RK_OK);
}

/* cycles: the sum of up to 2^20 segments of at most 2^24 cycles each fits a u64 (no overflow
 * rule is needed); the sum is exact at the per-segment maximum */
static void cycles_sum(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    for (int i = 0; i < 3; i++)
        c[i].cycles = (uint64_t)1 << SEG_PO2_MAX;
    agg_claim out;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(c, names, 3, &out, &e), RK_OK);
    CHECK_EQ_U64(out.cycles, (uint64_t)3 << SEG_PO2_MAX);
    CHECK((uint64_t)AGG_MAX_SEGMENTS << SEG_PO2_MAX < UINT64_MAX / 2);
}

/* the public-values digest, exit code and halted flag are the last segment's, not any other's */
static void last_segment_outputs(void)
{
    rcpt_claim c[3];
    chain(c, 3);
    c[0].committed[0] = 1;
    c[1].committed[0] = 2;
    agg_claim out;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(c, names, 3, &out, &e), RK_OK);
    CHECK_EQ_U64(out.committed[0], 0xABCD);
    CHECK_EQ_U64(out.exit_code, 3);
}

/* the claim codec: round trip, and each refused field by its message */
static void claim_codec(void)
{
    rcpt_claim c[2];
    chain(c, 2);
    agg_claim a, b;
    rk_err e = {0};
    CHECK_EQ_U64(agg_check_chain(c, names, 2, &a, &e), RK_OK);
    a.mode = AGG_MODE_CARRIES_RECEIPTS;
    uint8_t m[AGG_META_LEN], t[AGG_META_LEN];
    agg_claim_encode(&a, m);
    CHECK_EQ_U64(agg_claim_decode(&b, m, sizeof m, "x", &e), RK_OK);
    agg_claim_encode(&b, t);
    CHECK_MEM(m, t, AGG_META_LEN);
    /* the offsets of docs/formats.md */
    CHECK_EQ_U64(rk_le32(m + 32), 0);
    CHECK_EQ_U64(rk_le32(m + 36), 1);
    CHECK_EQ_U64(rk_le32(m + 104), 1);
    CHECK_EQ_U64(rk_le32(m + 108), 3);
    CHECK_EQ_U64(rk_le32(m + 112), 0xABCD);
    CHECK_EQ_U64(rk_le64(m + 144), 2001);
    CHECK_EQ_U64(rk_le32(m + 152), AGG_MODE_CARRIES_RECEIPTS);
    CHECK_EQ_U64(agg_claim_decode(&b, m, sizeof m - 1, "x", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "x: aggregate claim is 159 bytes, want 160");
    struct {
        size_t at;
        uint32_t v;
        const char *want;
    } bad[] = {
        {0, 0x7FFFFFFFu, "non-canonical field element"},
        {156, 1, "reserved claim bytes are not zero"},
        {152, 2, "aggregate mode 2 is not supported"},
        {32, 2, "bad segment range 2..1"},
        {104, 2, "bad halted flag / exit code"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(t, m, sizeof t);
        rk_put_le32(t + bad[i].at, bad[i].v);
        CHECK_EQ_U64(agg_claim_decode(&b, t, sizeof t, "x", &e), RK_EINPUT);
        CHECK_STR_HAS(e.msg, bad[i].want);
    }
    /* an exit code without a halt */
    memcpy(t, m, sizeof t);
    rk_put_le32(t + 104, 0);
    CHECK_EQ_U64(agg_claim_decode(&b, t, sizeof t, "x", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "bad halted flag / exit code");
}

int main(void)
{
    RUN(honest_chain);
    RUN(empty_refused);
    RUN(another_image_id);
    RUN(duplicate_index);
    RUN(missing_index);
    RUN(broken_post_pre);
    RUN(after_halt);
    RUN(segment0_not_image_id);
    RUN(cycles_sum);
    RUN(last_segment_outputs);
    RUN(claim_codec);
    return t_done();
}
