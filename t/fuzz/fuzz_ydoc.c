/* libFuzzer target: the YAML loader (raiko.yaml, manifests) on any bytes.
 * fuzz-sources: lib/common lib/config
 */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rk_ydoc d;
    rk_err e;
    rk_ydoc_init(&d);
    if (rk_ydoc_parse(&d, "fuzz", data, size, &e) == RK_OK && d.root) {
        uint64_t v;
        rk_ynode_u64(&d, rk_ynode_get(d.root, "po2"), "po2", 0, 100, &v, &e);
        static const char *const known[] = {"segment", "fri", NULL};
        rk_ynode_only_keys(&d, d.root, NULL, known, &e);
    }
    rk_ydoc_free(&d);
    return 0;
}
