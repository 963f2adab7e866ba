/* fib/core.c - Fibonacci modulo 7919, as SP1's fibonacci example: input a
 * u32 n; output n, a, b (u32 LE) after n steps of (a, b) = (b, (a+b) mod 7919).
 * Plain C: the guest and the host differential test compile this same file. */
#include <stddef.h>
#include <stdint.h>

static void fib_put32(uint8_t *o, uint32_t v)
{
    o[0] = (uint8_t)v; o[1] = (uint8_t)(v >> 8); o[2] = (uint8_t)(v >> 16); o[3] = (uint8_t)(v >> 24);
}

size_t fib_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));
size_t fib_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t))
{
    (void)alloc;
    uint32_t n = len >= 4 ? (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24
                          : 1000;
    uint32_t a = 0, b = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = (a + b) % 7919;
        a = b;
        b = c;
    }
    fib_put32(out, n);
    fib_put32(out + 4, a);
    fib_put32(out + 8, b);
    return 12;
}
