/* libFuzzer target: the container reader must reject or accept any bytes
 * without crashing, leaking or reading out of bounds.
 * fuzz-sources: lib/common lib/container
 */
#include <stddef.h>
#include <stdint.h>

#include "container/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rk_file f;
    rk_err e;
    rk_file_init(&f);
    if (rk_file_decode(data, size, "fuzz", 0, &f, &e) == RK_OK) {
        /* a file that decodes must re-encode to the same bytes */
        rk_buf b;
        rk_buf_init(&b);
        if (rk_file_encode(&f, &b, &e) == RK_OK && (b.len != size))
            __builtin_trap();
        rk_buf_free(&b);
    }
    rk_file_free(&f);
    rk_file_decode_header(data, size, "fuzz", RK_KIND_RECEIPT, &f, &e);
    rk_file_free(&f);
    return 0;
}
