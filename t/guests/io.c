/* io.c - exercises the guest ABI end to end: every input item is read and
 * its length and first byte committed; a line goes to stdout; an
 * unconstrained block computes an integer square root on the host side and
 * passes it out as a hint, which the guest checks. */
#include "raiko_guest.h"

static uint32_t isqrt(uint32_t v)
{
    uint32_t r = 0;
    while ((r + 1) * (r + 1) <= v)
        r++;
    return r;
}

int main(void)
{
    rk_print("hello from the guest\n");
    uint32_t len, count = 0;
    const uint8_t *p;
    uint32_t v = 1000003;
    if (rk_enter_unconstrained()) {
        uint32_t r = isqrt(v);
        rk_hint_push(&r, 4);
        rk_exit_unconstrained();
    }
    uint32_t r = rk_read_u32(0);
    if (!(r * r <= v && (r + 1) * (r + 1) > v))
        rk_panic("bad square-root hint");
    rk_commit_u32(r);
    while ((p = rk_read_item(&len)) != 0) {
        rk_commit_u32(len);
        rk_commit_u32(len ? p[0] : 0xFFFFFFFFu);
        count++;
    }
    rk_commit_u32(count);
    return 0;
}
