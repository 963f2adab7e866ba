/* libFuzzer target: the executor's decoders - ELF loader, input files,
 * segment files (decode, then replay, which must reject any forged claim) -
 * must accept or reject any bytes without crashing or reading out of bounds.
 * fuzz-sources: lib/common lib/container lib/field lib/hash lib/elf lib/rv lib/memstate lib/input lib/segment
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "elf/elf.h"
#include "input/input.h"
#include "segment/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rk_err e;
    if (size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0) {
        elf_image im;
        elf_image_init(&im);
        if (elf_image_parse(&im, data, size, "fuzz", &e) == RK_OK) {
            uint8_t page[64];
            elf_image_read(&im, im.entry, page, sizeof page);
            if (im.text_lo > im.entry || im.entry >= im.text_hi)
                __builtin_trap();
        }
        elf_image_free(&im);
        return 0;
    }
    rk_file f;
    rk_file_init(&f);
    if (rk_file_decode(data, size, "fuzz", 0, &f, &e) == RK_OK) {
        if (f.kind == RK_KIND_INPUT) {
            rv_stream s;
            rv_stream_init(&s);
            input_decode(&f, "fuzz", &s, &e);
            rv_stream_free(&s);
        } else if (f.kind == RK_KIND_SEGMENT) {
            segment s;
            seg_init(&s);
            if (seg_decode(&s, &f, "fuzz", &e) == RK_OK)
                seg_replay(&s, NULL, NULL, &e);
            seg_free(&s);
        }
    }
    rk_file_free(&f);
    return 0;
}
