/* reseal - test helper: flip one byte of a raiko file and recompute its
 * XXH3 trailer, so that the damage reaches the kind's parser or verifier
 * instead of being caught by the container checksum.
 * Usage: reseal FILE OFFSET [XOR]   (OFFSET < 0 counts from the end of the
 * meta+payload region; XOR defaults to 0x01; XOR 0 only recomputes) */
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

#include "common/buf.h"
#include "common/io.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: reseal FILE OFFSET [XOR]\n");
        return 2;
    }
    uint8_t *d;
    size_t n;
    rk_err e;
    if (rk_read_file(argv[1], &d, &n, &e)) {
        fprintf(stderr, "reseal: %s\n", e.msg);
        return 2;
    }
    if (n < 48) {
        fprintf(stderr, "reseal: %s: too short\n", argv[1]);
        return 2;
    }
    long long off = atoll(argv[2]);
    unsigned x = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 1;
    if (off < 0)
        off += (long long)n - 8;
    if (off < 0 || (size_t)off >= n - 8) {
        fprintf(stderr, "reseal: offset out of range\n");
        return 2;
    }
    d[off] ^= (uint8_t)x;
    rk_put_le64(d + n - 8, XXH3_64bits(d, n - 8));
    int rc = rk_write_atomic(argv[1], d, n, &e);
    free(d);
    if (rc)
        fprintf(stderr, "reseal: %s\n", e.msg);
    return rc;
}
