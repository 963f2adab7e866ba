#include "common/buf.h"
#include "test.h"

static void roundtrip(void)
{
    rk_buf b;
    rk_buf_init(&b);
    rk_buf_u8(&b, 0xab);
    rk_buf_u16(&b, 0x1234);
    rk_buf_u32(&b, 0xdeadbeef);
    rk_buf_u64(&b, 0x0102030405060708ull);
    rk_buf_put(&b, "xyz", 3);
    CHECK(!b.oom);
    CHECK_EQ_U64(b.len, 1 + 2 + 4 + 8 + 3);
    CHECK_EQ_U64(b.data[1], 0x34); /* little-endian */
    rk_rd r;
    rk_rd_init(&r, b.data, b.len);
    CHECK_EQ_U64(rk_rd_u8(&r), 0xab);
    CHECK_EQ_U64(rk_rd_u16(&r), 0x1234);
    CHECK_EQ_U64(rk_rd_u32(&r), 0xdeadbeef);
    CHECK_EQ_U64(rk_rd_u64(&r), 0x0102030405060708ull);
    CHECK(!rk_rd_done(&r)); /* 3 bytes left */
    const uint8_t *p = rk_rd_bytes(&r, 3);
    CHECK(p && memcmp(p, "xyz", 3) == 0);
    CHECK(rk_rd_done(&r));
    rk_buf_free(&b);
}

static void reader_overrun_is_sticky(void)
{
    uint8_t d[3] = {1, 2, 3};
    rk_rd r;
    rk_rd_init(&r, d, 3);
    CHECK_EQ_U64(rk_rd_u32(&r), 0);
    CHECK(r.bad);
    CHECK_EQ_U64(rk_rd_u8(&r), 0); /* stays bad even though a byte is left */
    CHECK(!rk_rd_done(&r));
    CHECK(rk_rd_bytes(&r, 1) == NULL);
}

static void huge_request_does_not_wrap(void)
{
    uint8_t d[8] = {0};
    rk_rd r;
    rk_rd_init(&r, d, 8);
    rk_rd_u8(&r);
    CHECK(rk_rd_bytes(&r, SIZE_MAX) == NULL);
    CHECK(r.bad);
    rk_buf b;
    rk_buf_init(&b);
    rk_buf_u8(&b, 1);
    CHECK(rk_buf_extend(&b, SIZE_MAX) == NULL);
    CHECK(b.oom);
    rk_buf_free(&b);
}

int main(void)
{
    RUN(roundtrip);
    RUN(reader_overrun_is_sticky);
    RUN(huge_request_does_not_wrap);
    return t_done();
}
