/* replay - run a fuzz target over files without libFuzzer (make check uses
 * it to replay each target's corpus, including crashes turned regressions). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        uint8_t *d;
        size_t n;
        rk_err e;
        if (rk_read_file(argv[i], &d, &n, &e)) {
            fprintf(stderr, "replay: %s\n", e.msg);
            return 2;
        }
        LLVMFuzzerTestOneInput(d, n);
        free(d);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
