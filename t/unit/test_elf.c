/* test_elf.c - the ELF loader on hand-made headers: what SP1 accepts loads,
 * everything else is rejected with a message naming the problem. */
#include "test.h"

#include "common/buf.h"
#include "elf/elf.h"

typedef struct ph { uint32_t type, off, vaddr, filesz, memsz, flags; } ph;

/* An ELF32 file: header, n program headers, then 64 bytes of data at 0x100. */
static size_t mk(uint8_t *b, const ph *p, int n, uint32_t entry)
{
    memset(b, 0, 0x200);
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = 1; b[5] = 1; b[6] = 1;
    b[16] = 2;                   /* ET_EXEC */
    b[18] = 243;                 /* EM_RISCV */
    rk_put_le32(b + 20, 1);
    rk_put_le32(b + 24, entry);
    rk_put_le32(b + 28, 52);     /* phoff */
    b[40] = 52; b[42] = 32; b[44] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        uint8_t *q = b + 52 + 32 * i;
        rk_put_le32(q, p[i].type);
        rk_put_le32(q + 4, p[i].off);
        rk_put_le32(q + 8, p[i].vaddr);
        rk_put_le32(q + 12, p[i].vaddr);
        rk_put_le32(q + 16, p[i].filesz);
        rk_put_le32(q + 20, p[i].memsz);
        rk_put_le32(q + 24, p[i].flags);
    }
    for (int i = 0; i < 64; i++) b[0x100 + i] = (uint8_t)(i + 1);
    return 0x140;
}

static int parse(const uint8_t *b, size_t n, elf_image *im, rk_err *e)
{
    elf_image_init(im);
    return elf_image_parse(im, b, n, "p.elf", e);
}

static void t_valid(void)
{
    uint8_t b[0x200];
    ph p[3] = {{1, 0x100, 0x00200800, 32, 32, 5}, {1, 0x120, 0x00300000, 32, 4096, 6},
               {4, 0, 0, 0, 0, 4} /* a PT_NOTE is ignored */};
    size_t n = mk(b, p, 3, 0x00200804);
    elf_image im;
    rk_err e;
    CHECK(parse(b, n, &im, &e) == RK_OK);
    CHECK_EQ_U64(im.entry, 0x00200804);
    CHECK_EQ_U64(im.text_lo, 0x00200800);
    CHECK_EQ_U64(im.text_hi, 0x00200820);
    CHECK_EQ_U64(im.n_regions, 2);
    uint8_t got[40];
    elf_image_read(&im, 0x002FFFFC, got, 40); /* zeros before, file bytes, zeros in bss */
    CHECK(got[0] == 0 && got[3] == 0 && got[4] == 0x21 && got[35] == 0x40 && got[36] == 0);
    elf_image_free(&im);
}

static void t_rejects(void)
{
    struct { ph p[2]; int n; uint32_t entry; const char *msg; } c[] = {
        {{{1, 0x100, 0x00200800, 32, 32, 7}}, 1, 0x00200800, "both writable and executable"},
        {{{1, 0x100, 0x00200800, 32, 32, 5}, {1, 0x100, 0x00200810, 32, 32, 4}}, 2, 0x00200800, "overlap"},
        {{{1, 0x100, 0x00200800, 32, 32, 5}}, 1, 0x00200900, "entry point 0x00200900"},
        {{{1, 0x100, 0x00200800, 32, 32, 5}}, 1, 0x00200802, "entry point"},
        {{{1, 0x100, 0x00000010, 32, 32, 5}}, 1, 0x00000010, "outside guest memory"},
        {{{1, 0x100, 0x77FFFFF0, 32, 32, 5}}, 1, 0x77FFFFF0, "outside guest memory"},
        {{{1, 0x100, 0xFFFFFFF0, 32, 32, 5}}, 1, 0xFFFFFFF0, "outside guest memory"},
        {{{1, 0x100, 0x00200800, 64, 32, 5}}, 1, 0x00200800, "file size > memory size"},
        {{{1, 0x1F0, 0x00200800, 0x40, 0x40, 5}}, 1, 0x00200800, "outside the file"},
        {{{1, 0x100, 0x00200802, 32, 32, 5}}, 1, 0x00200802, "not 4-aligned"},
        {{{1, 0x100, 0x00300000, 32, 32, 6}}, 1, 0x00300000, "no executable segment"},
        {{{1, 0x100, 0x00001000, 32, 32, 5}, {1, 0x100, 0x70000000, 32, 32, 5}}, 2, 0x00001000,
         "executable range"},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        uint8_t b[0x200];
        size_t n = mk(b, c[k].p, c[k].n, c[k].entry);
        elf_image im;
        rk_err e;
        CHECK_EQ_U64(parse(b, n, &im, &e), RK_EINPUT);
        CHECK_STR_HAS(e.msg, c[k].msg);
        CHECK_STR_HAS(e.msg, "p.elf: ");
    }
}

static void t_header_rejects(void)
{
    uint8_t b[0x200];
    ph p[1] = {{1, 0x100, 0x00200800, 32, 32, 5}};
    struct { int off; uint8_t v; const char *msg; } c[] = {
        {0, 'X', "not an ELF file"}, {4, 2, "ELF64"}, {4, 3, "bad ELF class"},
        {5, 2, "big-endian"}, {6, 0, "bad ELF version"}, {18, 62, "wrong machine 62"},
        {16, 3, "not an executable"}, {36, 1, "compressed instructions (RVC)"},
        {44, 0, "no program headers"}, {42, 40, "bad program header size"}, {44, 20, "outside the file"},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        size_t n = mk(b, p, 1, 0x00200800);
        b[c[k].off] = c[k].v;
        elf_image im;
        rk_err e;
        CHECK_EQ_U64(parse(b, n, &im, &e), RK_EINPUT);
        CHECK_STR_HAS(e.msg, c[k].msg);
    }
    size_t n = mk(b, p, 1, 0x00200800);
    elf_image im;
    rk_err e;
    CHECK_EQ_U64(parse(b, 30, &im, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "truncated ELF header");
    CHECK_EQ_U64(parse(b, 0, &im, &e), RK_EINPUT);
    (void)n;
}

int main(void)
{
    RUN(t_valid);
    RUN(t_rejects);
    RUN(t_header_rejects);
    return t_done();
}
