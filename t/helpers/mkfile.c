/* mkfile - test helper: write a container file of a given kind with
 * deterministic filler, through the same atomic writer the tools use.
 * Usage: mkfile KIND PAYLOAD_BYTES OUT   (KIND is a number, see enum rk_kind) */
#include <stdio.h>
#include <stdlib.h>

#include "container/container.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkfile KIND PAYLOAD_BYTES OUT\n");
        return 2;
    }
    int kind = atoi(argv[1]);
    size_t n = (size_t)strtoull(argv[2], NULL, 10);
    uint8_t *p = malloc(n + 1), meta[16];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (uint8_t)(i % 3 ? i : x); /* partly compressible */
    }
    for (int i = 0; i < 16; i++)
        meta[i] = (uint8_t)i;
    rk_file f;
    rk_err e;
    rk_file_init(&f);
    int rc = rk_file_set(&f, kind, 1, meta, sizeof meta, p, n, &e);
    if (!rc)
        rc = rk_file_write(argv[3], &f, &e);
    if (rc)
        fprintf(stderr, "mkfile: %s\n", e.msg);
    rk_file_free(&f);
    free(p);
    return rc;
}
