/* test_r1cs.c - the R1CS builder, its satisfaction check, the circom
 * .r1cs/.wtns files, and the snarkjs helpers (binfile, JSON, BLAKE2b). */
#include <stdlib.h>

#include "r1cs/r1cs.h"
#include "snarkjs/snarkjs.h"
#include "test.h"

/* y = x^3 + x + 5 (the classic example): x public input, y public output. */
static void build_cubic(r1cs *cs, uint64_t xv, int wrong)
{
    fr_t x, x2, x3, y, five, one;
    fr_from_u64(&x, xv);
    fr_sqr(&x2, &x);
    fr_mul(&x3, &x2, &x);
    fr_from_u64(&five, 5);
    fr_add(&y, &x3, &x);
    fr_add(&y, &y, &five);
    if (wrong) {
        fr_one(&one);
        fr_add(&y, &y, &one);
    }
    r1cs_init(cs);
    uint32_t vy = r1cs_public(cs, &y);
    uint32_t vx = r1cs_public(cs, &x);
    cs->n_outputs = 1;
    r1cs_lc lx, lsq, lc;
    r1cs_lc_var(&lx, vx);
    uint32_t vsq = r1cs_mul(cs, &lx, &lx);
    r1cs_lc_var(&lsq, vsq);
    uint32_t vcube = r1cs_mul(cs, &lsq, &lx);
    /* (x^3 + x + 5) * 1 = y */
    r1cs_lc_var(&lc, vcube);
    r1cs_lc_add_var(&lc, vx);
    r1cs_lc_add_const(&lc, &five);
    r1cs_lc ly;
    r1cs_lc_var(&ly, vy);
    r1cs_enforce_equal(cs, &lc, &ly);
}

static void test_builder_check(void)
{
    r1cs cs;
    rk_err e;
    build_cubic(&cs, 3, 0);
    CHECK_EQ_U64(cs.n_vars, 5);
    CHECK_EQ_U64(cs.n_public, 2);
    CHECK_EQ_U64(cs.n_constraints, 3);
    CHECK_EQ_U64(r1cs_check(&cs, &e), RK_OK);
    /* y = 35 */
    fr_t t;
    fr_from_u64(&t, 35);
    CHECK(fr_eq(r1cs_value(&cs, 1), &t));
    r1cs_free(&cs);
    build_cubic(&cs, 3, 1);
    CHECK_EQ_U64(r1cs_check(&cs, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "constraint 2 of 3");
    r1cs_free(&cs);
}

static void test_builder_errors(void)
{
    r1cs cs;
    rk_err e;
    r1cs_init(&cs);
    fr_t one;
    fr_one(&one);
    r1cs_private(&cs, &one);
    r1cs_public(&cs, &one); /* public after private: sticky error */
    CHECK_EQ_U64(r1cs_status(&cs, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "public variable after a private one");
    r1cs_free(&cs);

    r1cs_init(&cs);
    r1cs_lc big;
    r1cs_lc_zero(&big);
    for (uint32_t i = 0; i < R1CS_LC_MAX + 1; i++)
        r1cs_lc_add_var(&big, r1cs_private(&cs, &one));
    CHECK(big.overflow);
    r1cs_enforce(&cs, &big, NULL, &big);
    CHECK_EQ_U64(r1cs_status(&cs, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "R1CS_LC_MAX");
    r1cs_free(&cs);

    /* terms merge and cancel */
    r1cs_lc l;
    r1cs_lc_zero(&l);
    fr_t m1;
    fr_neg(&m1, &one);
    r1cs_lc_add_var(&l, 3);
    r1cs_lc_add_var(&l, 4);
    r1cs_lc_add_term(&l, 3, &m1);
    CHECK_EQ_U64(l.n, 1);
    CHECK_EQ_U64(l.t[0].var, 4);
}

static void test_r1cs_file_roundtrip(void)
{
    r1cs cs, back;
    rk_err e;
    rk_buf b;
    build_cubic(&cs, 7, 0);
    rk_buf_init(&b);
    CHECK_EQ_U64(r1cs_write_r1cs(&cs, &b, &e), RK_OK);
    CHECK(memcmp(b.data, "r1cs", 4) == 0);
    r1cs_init(&back);
    CHECK_EQ_U64(r1cs_read_r1cs(&back, b.data, b.len, "t.r1cs", &e), RK_OK);
    CHECK_EQ_U64(back.n_vars, cs.n_vars);
    CHECK_EQ_U64(back.n_public, cs.n_public);
    CHECK_EQ_U64(back.n_outputs, 1);
    CHECK_EQ_U64(back.n_constraints, cs.n_constraints);
    CHECK_EQ_U64(back.n_terms, cs.n_terms);
    for (size_t i = 0; i < cs.n_terms && i < back.n_terms; i++) {
        CHECK_EQ_U64(back.terms[i].var, cs.terms[i].var);
        CHECK(fr_eq(&back.terms[i].coef, &cs.terms[i].coef));
    }
    /* the read system checks an external witness */
    CHECK_EQ_U64(r1cs_check_witness(&back, cs.w, cs.n_vars, &e), RK_OK);
    /* write again: identical bytes */
    rk_buf b2;
    rk_buf_init(&b2);
    r1cs_write_r1cs(&back, &b2, &e);
    CHECK_EQ_U64(b2.len, b.len);
    CHECK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
    rk_buf_free(&b2);

    /* every truncation is rejected, never crashes */
    for (size_t n = 0; n < b.len; n += 7) {
        r1cs t;
        r1cs_init(&t);
        CHECK(r1cs_read_r1cs(&t, b.data, n, "t.r1cs", &e) == RK_EINPUT);
        r1cs_free(&t);
    }
    /* a wire id out of range (first term's wire of constraint 0 sits after the 3 section headers) */
    size_t hdr = 12 + 12 + 4 + 32 + 4 * 5 + 8 + 12; /* file hdr, sec1 hdr+body, sec2 hdr */
    uint8_t *bad = malloc(b.len);
    memcpy(bad, b.data, b.len);
    rk_put_le32(bad + hdr + 4, 999);
    r1cs_free(&back);
    r1cs_init(&back);
    CHECK_EQ_U64(r1cs_read_r1cs(&back, bad, b.len, "bad.r1cs", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "bad.r1cs: constraint 0 uses wire 999");
    /* a coefficient >= r */
    memcpy(bad, b.data, b.len);
    memset(bad + hdr + 8, 0xff, 32);
    CHECK_EQ_U64(r1cs_read_r1cs(&back, bad, b.len, "bad.r1cs", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "not below r");
    /* trailing garbage */
    uint8_t *longer = malloc(b.len + 1);
    memcpy(longer, b.data, b.len);
    longer[b.len] = 0;
    CHECK_EQ_U64(r1cs_read_r1cs(&back, longer, b.len + 1, "bad.r1cs", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "trailing");
    free(longer);
    free(bad);
    r1cs_free(&back);
    rk_buf_free(&b);
    r1cs_free(&cs);
}

static void test_wtns_roundtrip(void)
{
    r1cs cs;
    rk_err e;
    rk_buf b;
    build_cubic(&cs, 11, 0);
    rk_buf_init(&b);
    CHECK_EQ_U64(r1cs_write_wtns(cs.w, cs.n_vars, &b, &e), RK_OK);
    CHECK_EQ_U64(b.len, 12 + 12 + 40 + 12 + 32 * cs.n_vars);
    fr_t *w;
    size_t n;
    CHECK_EQ_U64(r1cs_read_wtns(&w, &n, b.data, b.len, "t.wtns", &e), RK_OK);
    CHECK_EQ_U64(n, cs.n_vars);
    for (size_t i = 0; i < n; i++)
        CHECK(fr_eq(&w[i], &cs.w[i]));
    free(w);
    /* value 0 must be the constant 1 */
    uint8_t *bad = malloc(b.len);
    memcpy(bad, b.data, b.len);
    bad[b.len - 32 * cs.n_vars] = 2;
    CHECK_EQ_U64(r1cs_read_wtns(&w, &n, bad, b.len, "bad.wtns", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "bad.wtns: value 0");
    /* non-canonical value */
    memcpy(bad, b.data, b.len);
    memset(bad + b.len - 32, 0xff, 32);
    CHECK_EQ_U64(r1cs_read_wtns(&w, &n, bad, b.len, "bad.wtns", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "not below r");
    /* wrong magic */
    memcpy(bad, b.data, b.len);
    bad[0] = 'x';
    CHECK_EQ_U64(r1cs_read_wtns(&w, &n, bad, b.len, "bad.wtns", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "bad magic");
    for (size_t k = 0; k < b.len; k += 5)
        CHECK(r1cs_read_wtns(&w, &n, b.data, k, "t.wtns", &e) == RK_EINPUT);
    free(bad);
    rk_buf_free(&b);
    r1cs_free(&cs);
}

static void test_json(void)
{
    rk_err e;
    sj_json *j;
    const char *t = "{\"a\": [\"1\", 2, -3.5e2, true, null, {\"b\": \"x\\\"y\\u0041\"}], \"c\": []}";
    CHECK_EQ_U64(sj_json_parse(&j, t, strlen(t), "t.json", &e), RK_OK);
    const sj_json *a = sj_json_get(j, "a");
    CHECK(a && a->type == SJ_ARR && a->n == 6);
    if (a && a->n == 6) {
        CHECK(a->items[0].type == SJ_STR && strcmp(a->items[0].str, "1") == 0);
        CHECK(a->items[1].type == SJ_NUM && strcmp(a->items[1].str, "2") == 0);
        CHECK(a->items[2].type == SJ_NUM && strcmp(a->items[2].str, "-3.5e2") == 0);
        CHECK(a->items[3].type == SJ_BOOL);
        CHECK(a->items[4].type == SJ_NULL);
        const sj_json *bb = sj_json_get(&a->items[5], "b");
        CHECK(bb && strcmp(bb->str, "x\"yA") == 0);
    }
    CHECK(sj_json_get(j, "c") && sj_json_get(j, "c")->n == 0);
    CHECK(sj_json_get(j, "zz") == NULL);
    sj_json_free(j);
    static const char *const bad[] = {"", "{", "[1,]", "{\"a\" 1}", "[1] x", "\"abc", "[01x]", "{1:2}", "tru"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ_U64(sj_json_parse(&j, bad[i], strlen(bad[i]), "bad.json", &e), RK_EINPUT);
        CHECK_STR_HAS(e.msg, "bad.json: bad JSON");
    }
    char deep[200];
    memset(deep, '[', sizeof deep);
    CHECK_EQ_U64(sj_json_parse(&j, deep, sizeof deep, "deep.json", &e), RK_EINPUT);

    /* writer: JSON.stringify(v, null, 1) layout */
    rk_buf b;
    rk_buf_init(&b);
    sj_jw w;
    sj_jw_init(&w, &b);
    sj_jw_obj_begin(&w, NULL);
    sj_jw_str(&w, "p", "g");
    sj_jw_num(&w, "n", 2);
    sj_jw_arr_begin(&w, "a");
    sj_jw_str(&w, NULL, "1");
    sj_jw_arr_begin(&w, NULL);
    sj_jw_arr_end(&w);
    sj_jw_arr_end(&w);
    sj_jw_obj_end(&w);
    const char *want = "{\n \"p\": \"g\",\n \"n\": 2,\n \"a\": [\n  \"1\",\n  []\n ]\n}";
    CHECK_EQ_U64(b.len, strlen(want));
    CHECK(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0);
    rk_buf_free(&b);
}

static void test_blake2b(void)
{
    /* RFC 7693, Appendix A: BLAKE2b-512("abc") */
    static const uint8_t want[64] = {
        0xba, 0x80, 0xa5, 0x3f, 0x98, 0x1c, 0x4d, 0x0d, 0x6a, 0x27, 0x97, 0xb6, 0x9f, 0x12, 0xf6, 0xe9,
        0x4c, 0x21, 0x2f, 0x14, 0x68, 0x5a, 0xc4, 0xb7, 0x4b, 0x12, 0xbb, 0x6f, 0xdb, 0xff, 0xa2, 0xd1,
        0x7d, 0x87, 0xc5, 0x39, 0x2a, 0xab, 0x79, 0x2d, 0xc2, 0x52, 0xd5, 0xde, 0x45, 0x33, 0xcc, 0x95,
        0x18, 0xd3, 0x8a, 0xa8, 0xdb, 0xf1, 0x92, 0x5a, 0xb9, 0x23, 0x86, 0xed, 0xd4, 0x00, 0x99, 0x23};
    uint8_t out[64], out2[64];
    sj_blake2b s;
    sj_blake2b_init(&s);
    sj_blake2b_update(&s, "abc", 3);
    sj_blake2b_final(&s, out);
    CHECK_MEM(out, want, 64);
    /* streaming in odd pieces across block boundaries equals one shot */
    uint8_t msg[700];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    sj_blake2b_init(&s);
    sj_blake2b_update(&s, msg, sizeof msg);
    sj_blake2b_final(&s, out);
    sj_blake2b_init(&s);
    for (size_t i = 0; i < sizeof msg;) {
        size_t k = (i % 13) + 1 < sizeof msg - i ? (i % 13) + 1 : sizeof msg - i;
        if (i == 128)
            k = 128;
        sj_blake2b_update(&s, msg + i, k);
        i += k;
    }
    sj_blake2b_final(&s, out2);
    CHECK_MEM(out, out2, 64);
    /* exactly one block is not compressed early (final block flag) */
    sj_blake2b_init(&s);
    sj_blake2b_update(&s, msg, 128);
    sj_blake2b_final(&s, out);
    sj_blake2b_init(&s);
    sj_blake2b_update(&s, msg, 64);
    sj_blake2b_update(&s, msg + 64, 64);
    sj_blake2b_final(&s, out2);
    CHECK_MEM(out, out2, 64);
}

int main(void)
{
    RUN(test_builder_check);
    RUN(test_builder_errors);
    RUN(test_r1cs_file_roundtrip);
    RUN(test_wtns_roundtrip);
    RUN(test_json);
    RUN(test_blake2b);
    return t_done();
}
