/* elf.c - ELF32 RISC-V loader (see elf.h).  Every field read from the file is
 * bounds-checked before use: the file is untrusted input. */
#include "elf/elf.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/io.h"

#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define EF_RISCV_RVC 0x1

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

void elf_image_init(elf_image *im) { memset(im, 0, sizeof *im); }

void elf_image_free(elf_image *im)
{
    for (size_t i = 0; i < im->n_regions; i++)
        free(im->regions[i].data);
    free(im->regions);
    elf_image_init(im);
}

static int cmp_region(const void *a, const void *b)
{
    const elf_region *x = a, *y = b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Check one PT_LOAD header; on success append it to im. */
static int add_segment(elf_image *im, const uint8_t *buf, size_t len, const uint8_t *ph,
                       unsigned i, const char *name, rk_err *e)
{
    uint32_t off = rk_le32(ph + 4), vaddr = rk_le32(ph + 8), filesz = rk_le32(ph + 16),
             memsz = rk_le32(ph + 20), pflags = rk_le32(ph + 24);
    if (memsz == 0)
        return RK_OK;
    if (filesz > memsz)
        return rk_fail(e, RK_EINPUT, "%s: segment %u has file size > memory size", name, i);
    if ((uint64_t)off + filesz > len)
        return rk_fail(e, RK_EINPUT, "%s: segment %u data outside the file (truncated?)", name, i);
    if (vaddr < ELF_MEM_LO || (uint64_t)vaddr + memsz > ELF_MEM_END)
        return rk_fail(e, RK_EINPUT,
                       "%s: segment %u [0x%08x, 0x%08llx) outside guest memory [0x%x, 0x%08x)", name,
                       i, vaddr, (unsigned long long)vaddr + memsz, ELF_MEM_LO, ELF_MEM_END);
    if ((pflags & PF_X) && (pflags & PF_W))
        return rk_fail(e, RK_EINPUT, "%s: segment %u at 0x%08x is both writable and executable",
                       name, i, vaddr);
    if ((pflags & PF_X) && (vaddr & 3))
        return rk_fail(e, RK_EINPUT, "%s: executable segment %u at 0x%08x is not 4-aligned", name,
                       i, vaddr);
    elf_region *r = &im->regions[im->n_regions];
    r->data = malloc(filesz ? filesz : 1);
    if (!r->data)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    memcpy(r->data, buf + off, filesz);
    r->vaddr = vaddr;
    r->len = filesz;
    r->memsz = memsz;
    r->flags = pflags;
    im->n_regions++;
    return RK_OK;
}

int elf_image_parse(elf_image *im, const uint8_t *buf, size_t len, const char *name, rk_err *e)
{
    elf_image_free(im);
    if (len < 4 || memcmp(buf, "\x7f" "ELF", 4) != 0)
        return rk_fail(e, RK_EINPUT, "%s: not an ELF file", name);
    if (len < 52)
        return rk_fail(e, RK_EINPUT, "%s: truncated ELF header", name);
    if (buf[4] == 2)
        return rk_fail(e, RK_EINPUT, "%s: ELF64 file; a guest must be ELF32 RV32IM", name);
    if (buf[4] != 1)
        return rk_fail(e, RK_EINPUT, "%s: bad ELF class %u", name, buf[4]);
    if (buf[5] != 1)
        return rk_fail(e, RK_EINPUT, "%s: big-endian ELF; RISC-V guests are little-endian", name);
    if (buf[6] != 1)
        return rk_fail(e, RK_EINPUT, "%s: bad ELF version %u", name, buf[6]);
    uint16_t type = le16(buf + 16), machine = le16(buf + 18);
    if (machine != EM_RISCV)
        return rk_fail(e, RK_EINPUT, "%s: wrong machine %u in ELF header (need RISC-V, %d)", name,
                       machine, EM_RISCV);
    if (type != ET_EXEC)
        return rk_fail(e, RK_EINPUT, "%s: ELF type %u is not an executable (ET_EXEC)", name, type);
    uint32_t entry = rk_le32(buf + 24), phoff = rk_le32(buf + 28), flags = rk_le32(buf + 36);
    uint16_t phentsize = le16(buf + 42), phnum = le16(buf + 44);
    if (flags & EF_RISCV_RVC)
        return rk_fail(e, RK_EINPUT,
                       "%s: compiled with compressed instructions (RVC); build for rv32im without C",
                       name);
    if (phnum == 0)
        return rk_fail(e, RK_EINPUT, "%s: no program headers", name);
    if (phentsize != 32)
        return rk_fail(e, RK_EINPUT, "%s: bad program header size %u", name, phentsize);
    if ((uint64_t)phoff + (uint64_t)phnum * 32 > len)
        return rk_fail(e, RK_EINPUT, "%s: program headers outside the file (truncated?)", name);

    im->regions = calloc(phnum, sizeof *im->regions);
    if (!im->regions)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    uint64_t total = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + 32u * i;
        if (rk_le32(ph) != PT_LOAD)
            continue;
        int rc = add_segment(im, buf, len, ph, i, name, e);
        if (rc) {
            elf_image_free(im);
            return rc;
        }
        if (im->n_regions)
            total += im->regions[im->n_regions - 1].len;
        if (total > ELF_MAX_IMAGE) {
            elf_image_free(im);
            return rk_fail(e, RK_EINPUT, "%s: loadable image larger than %u bytes", name,
                           ELF_MAX_IMAGE);
        }
    }
    qsort(im->regions, im->n_regions, sizeof *im->regions, cmp_region);
    int have_x = 0;
    for (size_t i = 0; i < im->n_regions; i++) {
        const elf_region *r = &im->regions[i];
        if (i > 0 && (uint64_t)im->regions[i - 1].vaddr + im->regions[i - 1].memsz > r->vaddr) {
            uint32_t va = r->vaddr;
            elf_image_free(im);
            return rk_fail(e, RK_EINPUT, "%s: loadable segments overlap at 0x%08x", name, va);
        }
        if (r->flags & PF_X) {
            uint32_t end = (uint32_t)(((uint64_t)r->vaddr + r->memsz + 3) & ~3ull);
            if (!have_x)
                im->text_lo = r->vaddr;
            im->text_hi = end;
            have_x = 1;
        }
    }
    if (!have_x) {
        elf_image_free(im);
        return rk_fail(e, RK_EINPUT, "%s: no executable segment", name);
    }
    if (im->text_hi - im->text_lo > ELF_MAX_TEXT) {
        uint32_t sz = im->text_hi - im->text_lo;
        elf_image_free(im);
        return rk_fail(e, RK_EINPUT, "%s: executable range of %u bytes (more than %u)", name, sz,
                       ELF_MAX_TEXT);
    }
    int entry_ok = 0;
    for (size_t i = 0; i < im->n_regions; i++) {
        const elf_region *r = &im->regions[i];
        if ((r->flags & PF_X) && entry >= r->vaddr && entry - r->vaddr < r->memsz)
            entry_ok = 1;
    }
    if (!entry_ok || (entry & 3)) {
        elf_image_free(im);
        return rk_fail(e, RK_EINPUT, "%s: entry point 0x%08x is not an aligned address in an "
                                     "executable segment", name, entry);
    }
    im->entry = entry;
    return RK_OK;
}

int elf_image_load(elf_image *im, const char *path, rk_err *e)
{
    uint8_t *data;
    size_t len;
    int rc = rk_read_file(path, &data, &len, e);
    if (rc)
        return rc;
    rc = elf_image_parse(im, data, len, path, e);
    free(data);
    return rc;
}

int elf_image_from_words(elf_image *im, uint32_t base, const uint32_t *words, size_t n, rk_err *e)
{
    elf_image_free(im);
    if (n == 0 || (base & 3) || base < ELF_MEM_LO || (uint64_t)base + 4 * (uint64_t)n > ELF_MEM_END)
        return rk_fail(e, RK_EINPUT, "program: %zu words at 0x%08x do not fit guest memory", n, base);
    im->regions = calloc(1, sizeof *im->regions);
    uint8_t *d = malloc(4 * n);
    if (!im->regions || !d) {
        free(d);
        elf_image_free(im);
        return rk_fail(e, RK_EINTERNAL, "program: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        rk_put_le32(d + 4 * i, words[i]);
    im->regions[0] = (elf_region){.vaddr = base, .len = (uint32_t)(4 * n),
                                  .memsz = (uint32_t)(4 * n), .flags = 5, .data = d};
    im->n_regions = 1;
    im->entry = base;
    im->text_lo = base;
    im->text_hi = base + (uint32_t)(4 * n);
    return RK_OK;
}

void elf_image_read(const elf_image *im, uint32_t addr, uint8_t *out, size_t n)
{
    memset(out, 0, n);
    uint64_t lo = addr, hi = (uint64_t)addr + n;
    for (size_t i = 0; i < im->n_regions; i++) {
        const elf_region *r = &im->regions[i];
        uint64_t a = r->vaddr > lo ? r->vaddr : lo;
        uint64_t b = (uint64_t)r->vaddr + r->len < hi ? (uint64_t)r->vaddr + r->len : hi;
        if (a < b)
            memcpy(out + (a - lo), r->data + (a - r->vaddr), (size_t)(b - a));
    }
}
