/* elf.h - load and validate an RV32IM guest program (ELF32, little-endian).
 *
 * The loader accepts what SP1's RV32IM executor accepts (docs/exec.md,
 * "Programs"): ELFCLASS32, little-endian, ET_EXEC, EM_RISCV, no RVC flag,
 * PT_LOAD segments that lie inside the guest address space [32, 0x78000000),
 * do not overlap and are not both writable and executable, an entry point
 * inside an executable segment.  Anything else is rejected with RK_EINPUT and
 * one line "<name>: <problem>".
 */
#ifndef RAIKO_ELF_H
#define RAIKO_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define ELF_MEM_LO 32u           /* addresses 0..31 are the registers in SP1's map */
#define ELF_MEM_END 0x78000000u  /* SP1 MAX_MEMORY: first address past guest memory */
#define ELF_MAX_IMAGE (1u << 30) /* total PT_LOAD file bytes we accept (1 GiB) */
#define ELF_MAX_TEXT (1u << 28)  /* executable range we pre-decode (256 MiB) */

/* One loaded region: bytes [vaddr, vaddr + len) of the initial memory image.
 * Only the file-backed part is kept; the rest of memsz (bss) is zero, which is
 * what fresh guest memory holds anyway. */
typedef struct elf_region {
    uint32_t vaddr, len; /* len = file-backed bytes */
    uint32_t memsz;      /* the segment's size in memory (>= len) */
    uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
    uint8_t *data;  /* owned, len bytes */
} elf_region;

typedef struct elf_image {
    uint32_t entry;
    /* The executable range: from the lowest executable segment start to the
     * highest executable segment end (memsz), 4-aligned.  The interpreter
     * pre-decodes every word in it. */
    uint32_t text_lo, text_hi;
    elf_region *regions;
    size_t n_regions;
} elf_image;

void elf_image_init(elf_image *im);
void elf_image_free(elf_image *im);

/* Parse and validate an ELF file held in memory; name is used in messages. */
int elf_image_parse(elf_image *im, const uint8_t *buf, size_t len, const char *name, rk_err *e);

/* Read path and parse it. */
int elf_image_load(elf_image *im, const char *path, rk_err *e);

/* Build an image from raw instruction words placed at base (tests, tools
 * that assemble programs in memory): one R+X region, entry = base. */
int elf_image_from_words(elf_image *im, uint32_t base, const uint32_t *words, size_t n, rk_err *e);

/* Copy the initial image bytes of [addr, addr+n) into out (zeros where no
 * region covers it). */
void elf_image_read(const elf_image *im, uint32_t addr, uint8_t *out, size_t n);

#endif
