/* main.c - the guest side of every example: read one input item (if any),
 * run the example's core (selected at build time with -DCORE=name_core),
 * commit its output as public values.  The host tests run the same core. */
#include "raiko_guest.h"

size_t CORE(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));

static void *guest_alloc(size_t n) { return rk_alloc(n); }

int main(void)
{
    uint32_t len = 0;
    const uint8_t *in = rk_read_item(&len);
    static uint8_t out[256];
    size_t n = CORE(in ? in : (const uint8_t *)"", len, out, guest_alloc);
    rk_commit(out, (uint32_t)n);
    return 0;
}
