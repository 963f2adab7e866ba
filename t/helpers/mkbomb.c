/* mkbomb - test helper: write a raiko file of KIND whose payload is BYTES zero
 * bytes, compressed as a stream so the helper itself never holds them: a small
 * file that really decompresses to BYTES (a zstd bomb, t/container.bats).
 * Usage: mkbomb KIND BYTES OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "common/buf.h"
#include "common/io.h"
#include "container/container.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkbomb KIND BYTES OUT\n");
        return 2;
    }
    unsigned kind = (unsigned)atoi(argv[1]);
    unsigned long long n = strtoull(argv[2], NULL, 10);
    rk_buf b;
    rk_buf_init(&b);
    static const uint8_t magic[8] = {0x89, 'R', 'K', 'O', '\r', '\n', 0x1a, '\n'};
    uint8_t h[RK_CONTAINER_HEADER + 16] = {0};
    memcpy(h, magic, 8);
    h[8] = RK_CONTAINER_VERSION;
    h[10] = (uint8_t)kind;
    h[12] = 1;
    rk_put_le32(h + 20, 16);
    rk_put_le64(h + 24, n);
    rk_buf_put(&b, h, sizeof h);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, RK_ZSTD_LEVEL);
    ZSTD_CCtx_setPledgedSrcSize(cc, n);
    static uint8_t zeros[1 << 20], out[1 << 16];
    unsigned long long fed = 0;
    for (;;) {
        size_t chunk = n - fed < sizeof zeros ? (size_t)(n - fed) : sizeof zeros;
        ZSTD_inBuffer in = {zeros, chunk, 0};
        int last = fed + chunk == n;
        size_t left;
        do {
            ZSTD_outBuffer o = {out, sizeof out, 0};
            left = ZSTD_compressStream2(cc, &o, &in, last ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(left)) {
                fprintf(stderr, "mkbomb: %s\n", ZSTD_getErrorName(left));
                return 3;
            }
            rk_buf_put(&b, out, o.pos);
        } while (last ? left != 0 : in.pos < in.size);
        fed += chunk;
        if (last)
            break;
    }
    ZSTD_freeCCtx(cc);
    rk_put_le64(b.data + 32, b.len - sizeof h);
    rk_buf_u64(&b, XXH3_64bits(b.data, b.len));
    rk_err e;
    int rc = rk_write_atomic(argv[3], b.data, b.len, &e);
    if (rc)
        fprintf(stderr, "mkbomb: %s\n", e.msg);
    rk_buf_free(&b);
    return rc;
}
