/* memsort/core.c - a memory-heavy workload: generate n pseudo-random u32
 * (xorshift32 from a seed), LSD radix sort them (8-bit digits, a second
 * n-word buffer), and summarise.  Input: u32 n (default 65536), u32 seed
 * (default 1).  Output: n, sorted flag, sum of (i+1)*a[i] mod 2^32, a[0],
 * a[n/2], a[n-1] (u32 LE each). */
#include <stddef.h>
#include <stdint.h>

static uint32_t ms_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void ms_put32(uint8_t *o, uint32_t v)
{
    o[0] = (uint8_t)v; o[1] = (uint8_t)(v >> 8); o[2] = (uint8_t)(v >> 16); o[3] = (uint8_t)(v >> 24);
}

size_t memsort_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));
size_t memsort_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t))
{
    uint32_t n = len >= 4 ? ms_le32(in) : 65536, x = len >= 8 ? ms_le32(in + 4) : 1;
    if (n == 0)
        n = 1;
    if (x == 0)
        x = 1;
    uint32_t *a = alloc((size_t)n * 4), *b = alloc((size_t)n * 4);
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        a[i] = x;
    }
    for (int shift = 0; shift < 32; shift += 8) {
        uint32_t count[257] = {0};
        for (uint32_t i = 0; i < n; i++)
            count[((a[i] >> shift) & 0xFF) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (uint32_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 0xFF]++] = a[i];
        uint32_t *t = a;
        a = b;
        b = t;
    }
    uint32_t sorted = 1, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i && a[i - 1] > a[i])
            sorted = 0;
        sum += (i + 1) * a[i];
    }
    ms_put32(out, n);
    ms_put32(out + 4, sorted);
    ms_put32(out + 8, sum);
    ms_put32(out + 12, a[0]);
    ms_put32(out + 16, a[n / 2]);
    ms_put32(out + 20, a[n - 1]);
    return 24;
}
