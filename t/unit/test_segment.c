/* test_segment.c - splitting a run into segment files and replaying each
 * from its file alone: chaining, po2 independence, --segment K byte
 * equality, determinism, tampered files, guest faults leave no files. */
#include "test.h"

#include <dirent.h>
#include <unistd.h>

#include "common/io.h"
#include "input/input.h"
#include "rvasm.h"
#include "segment/segment.h"

#define BASE 0x00200800u
#define DATA 0x00300000u

typedef struct prog { uint32_t w[256]; size_t n; } prog;
static void p_w(prog *p, uint32_t w) { p->w[p->n++] = w; }
static void p_li(prog *p, uint32_t rd, uint32_t v) { asm_li(p->w + p->n, rd, v); p->n += 2; }
static void p_sys(prog *p, uint32_t code) { p_li(p, 5, code); p_w(p, A_ECALL); }

/* reads an item, loops over ~40 pages (loads and stores), reads another
 * item, writes public values, commits a word, halts with exit_code */
static void build(elf_image *im, uint32_t iters, uint32_t exit_code, int fault)
{
    prog p = {.n = 0};
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(11, 5, 0));
    p_li(&p, 10, DATA + 0x40000);
    p_sys(&p, RV_SYS_HINT_READ);
    p_li(&p, 8, DATA);
    p_li(&p, 9, iters);
    p_w(&p, A_ADDI(18, 0, 0));
    size_t loop = p.n;
    p_w(&p, enc_s(0, 18, 8, 2, 0x23));            /* sw s2, 0(s0) */
    p_w(&p, enc_i(0, 8, 2, 6, 0x03));             /* lw t1, 0(s0) */
    p_w(&p, enc_r(0, 6, 18, 0, 18, 0x33));        /* add s2, s2, t1 */
    p_w(&p, A_ADDI(18, 18, 3));
    p_w(&p, A_ADDI(8, 8, 64));
    p_w(&p, A_ADDI(9, 9, -1));
    p_w(&p, enc_b((int32_t)(loop - p.n) * 4, 0, 9, 1)); /* bne s1, x0, loop */
    if (fault)
        p_w(&p, enc_i(2, 8, 2, 6, 0x03));         /* misaligned lw */
    p_sys(&p, RV_SYS_HINT_LEN);
    p_w(&p, A_ADDI(11, 5, 0));
    p_li(&p, 10, DATA + 0x50000);
    p_sys(&p, RV_SYS_HINT_READ);
    p_li(&p, 10, 13);
    p_li(&p, 11, DATA + 0x40000);
    p_li(&p, 12, 5);
    p_sys(&p, RV_SYS_WRITE);
    p_w(&p, A_ADDI(10, 0, 0));
    p_w(&p, A_ADDI(11, 18, 0));
    p_sys(&p, RV_SYS_COMMIT);
    p_li(&p, 10, exit_code);
    p_sys(&p, RV_SYS_HALT);
    rk_err e;
    elf_image_init(im);
    CHECK(elf_image_from_words(im, BASE, p.w, p.n, &e) == RK_OK);
}

static void input2(rv_stream *s)
{
    rv_stream_init(s);
    rv_stream_push_back(s, "hello", 5);
    rv_stream_push_back(s, "world!!", 7);
}

static char *mkdir_tmp(void)
{
    char *d = strdup("/tmp/raiko-test-seg.XXXXXX");
    CHECK(mkdtemp(d) != NULL);
    return d;
}


static size_t count_files(const char *d)
{
    DIR *dir = opendir(d);
    struct dirent *de;
    size_t n = 0;
    while (dir && (de = readdir(dir)))
        n += de->d_name[0] != '.';
    if (dir)
        closedir(dir);
    return n;
}

static int split(const elf_image *im, unsigned po2, const char *dir, int64_t only, split_result *r)
{
    rv_stream in;
    input2(&in);
    split_opts o = {.po2 = po2, .out_dir = dir, .only_segment = only, .program = "test.elf"};
    split_result_init(r);
    rk_err e;
    int rc = split_run(im, &in, &o, r, &e);
    rv_stream_free(&in);
    if (rc)
        printf("# split: %s\n", e.msg);
    return rc;
}

typedef struct cb_ctx { uint64_t steps, stores, sys_bytes; } cb_ctx;
static int count_steps(void *ctx, const rv_step_rec *rec)
{
    cb_ctx *c = ctx;
    c->steps++;
    c->stores += rec->mem == 2;
    c->sys_bytes += rec->sys_mem_len;
    return 0;
}

static void t_split_replay_chain(void)
{
    elf_image im;
    build(&im, 700, 0, 0);
    char *dir = mkdir_tmp();
    split_result r;
    CHECK(split(&im, 10, dir, -1, &r) == RK_OK);
    CHECK(r.halted && r.exit_code == 0);
    CHECK(r.n_claims >= 4);
    CHECK_EQ_U64(r.n_claims, r.n_segments);
    CHECK_EQ_U64(r.public_values.len, 5);
    CHECK_MEM(r.public_values.data, "hello", 5);
    p2_digest id;
    rk_err e;
    CHECK(split_image_id(&im, &id, &e) == RK_OK);
    CHECK(ms_digest_eq(&id, &r.image_id));
    uint64_t total = 0, stores = 0, sys_bytes = 0;
    for (size_t i = 0; i < r.n_claims; i++) {
        char name[32], path[4096];
        seg_file_name(i, name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        segment s;
        seg_init(&s);
        CHECK(seg_load(&s, path, &e) == RK_OK);
        CHECK(memcmp(&s.claim, &r.claims[i], sizeof s.claim) == 0);
        CHECK(ms_digest_eq(&s.claim.image_id, &id));
        if (i == 0)
            CHECK(ms_digest_eq(&s.claim.pre_state, &id));
        else
            CHECK(ms_digest_eq(&s.claim.pre_state, &r.claims[i - 1].post_state));
        CHECK_EQ_U64(s.claim.halted, i + 1 == r.n_claims);
        cb_ctx c = {0, 0, 0};
        int rc = seg_replay(&s, count_steps, &c, &e);
        if (rc) printf("# replay %zu: %s\n", i, e.msg);
        CHECK(rc == RK_OK);
        CHECK_EQ_U64(c.steps, s.claim.cycles);
        total += c.steps;
        stores += c.stores;
        sys_bytes += c.sys_bytes;
        seg_free(&s);
    }
    CHECK_EQ_U64(total, r.total_cycles);
    CHECK_EQ_U64(stores, 700);
    CHECK_EQ_U64(sys_bytes, 8 + 8); /* HINT_READ of "hello" and "world!!", padded to words */
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.yaml", dir);
    uint8_t *m;
    size_t ml;
    CHECK(rk_read_file(mpath, &m, &ml, &e) == RK_OK);
    char hex[65];
    ms_digest_hex(&id, hex);
    m = realloc(m, ml + 1);
    m[ml] = 0;
    CHECK_STR_HAS((char *)m, hex);
    CHECK_STR_HAS((char *)m, "file: seg-00003.rseg");
    CHECK_STR_HAS((char *)m, "po2: 10");
    free(m);
    split_result_free(&r);
    t_rm_tree(dir);
    free(dir);
    elf_image_free(&im);
}

static void t_po2_independence_and_segment_k(void)
{
    elf_image im;
    build(&im, 900, 5, 0);
    char *d10 = mkdir_tmp(), *d12 = mkdir_tmp(), *dk = mkdir_tmp(), *d10b = mkdir_tmp();
    split_result a, b, k, a2;
    CHECK(split(&im, 10, d10, -1, &a) == RK_OK);
    CHECK(split(&im, 12, d12, -1, &b) == RK_OK);
    CHECK(a.n_claims > b.n_claims && b.n_claims >= 2);
    CHECK_EQ_U64(a.exit_code, 5);
    CHECK_EQ_U64(b.exit_code, 5);
    CHECK_EQ_U64(a.total_cycles, b.total_cycles);
    CHECK(ms_digest_eq(&a.claims[a.n_claims - 1].post_state, &b.claims[b.n_claims - 1].post_state));
    CHECK_MEM(a.committed, b.committed, sizeof a.committed);
    CHECK(a.public_values.len == b.public_values.len);
    /* a segment boundary at a multiple of 2^12 is the same state in both splits */
    CHECK(ms_digest_eq(&a.claims[3].post_state, &b.claims[0].post_state));
    /* --segment K: byte-identical, for the first, a middle and the last segment */
    rk_err e;
    size_t ks[3] = {0, 2, a.n_claims - 1};
    for (int i = 0; i < 3; i++) {
        CHECK(split(&im, 10, dk, (int64_t)ks[i], &k) == RK_OK);
        CHECK_EQ_U64(k.n_claims, 1);
        char name[32], p1[4096], p2[4096];
        seg_file_name(ks[i], name);
        snprintf(p1, sizeof p1, "%s/%s", d10, name);
        snprintf(p2, sizeof p2, "%s/%s", dk, name);
        uint8_t *x, *y;
        size_t xl, yl;
        CHECK(rk_read_file(p1, &x, &xl, &e) == RK_OK);
        CHECK(rk_read_file(p2, &y, &yl, &e) == RK_OK);
        CHECK(xl == yl && memcmp(x, y, xl) == 0);
        free(x);
        free(y);
        split_result_free(&k);
    }
    CHECK_EQ_U64(count_files(dk), 3); /* no manifest with --segment */
    /* a segment past the end */
    split_result_init(&k);
    rv_stream in;
    input2(&in);
    split_opts o = {.po2 = 10, .out_dir = dk, .only_segment = 1000};
    CHECK(split_run(&im, &in, &o, &k, &e) == RK_EINPUT);
    CHECK_STR_HAS(e.msg, "does not exist");
    rv_stream_free(&in);
    split_result_free(&k);
    /* determinism: a second full split gives the same bytes, manifest included */
    CHECK(split(&im, 10, d10b, -1, &a2) == RK_OK);
    const char *names[] = {"manifest.yaml", "seg-00000.rseg", "seg-00004.rseg"};
    for (int i = 0; i < 3; i++) {
        char p1[4096], p2[4096];
        snprintf(p1, sizeof p1, "%s/%s", d10, names[i]);
        snprintf(p2, sizeof p2, "%s/%s", d10b, names[i]);
        uint8_t *x, *y;
        size_t xl, yl;
        CHECK(rk_read_file(p1, &x, &xl, &e) == RK_OK);
        CHECK(rk_read_file(p2, &y, &yl, &e) == RK_OK);
        CHECK(xl == yl && memcmp(x, y, xl) == 0);
        free(x);
        free(y);
    }
    split_result_free(&a);
    split_result_free(&b);
    split_result_free(&a2);
    t_rm_tree(d10); t_rm_tree(d12); t_rm_tree(dk); t_rm_tree(d10b);
    free(d10); free(d12); free(dk); free(d10b);
    elf_image_free(&im);
}

/* Re-encode a segment with one payload byte or meta field changed. */
static int replay_modified(const char *path, size_t meta_off, size_t pay_off, uint8_t x, rk_err *e)
{
    rk_file f;
    rk_file_init(&f);
    CHECK(rk_file_read(path, RK_KIND_SEGMENT, &f, e) == RK_OK);
    if (meta_off != (size_t)-1) f.meta[meta_off] ^= x;
    if (pay_off != (size_t)-1) f.payload[pay_off] ^= x;
    segment s;
    seg_init(&s);
    int rc = seg_decode(&s, &f, "tampered", e);
    if (rc == RK_OK)
        rc = seg_replay(&s, NULL, NULL, e);
    seg_free(&s);
    rk_file_free(&f);
    return rc;
}

static void t_tampered_segments(void)
{
    elf_image im;
    build(&im, 700, 0, 0);
    char *dir = mkdir_tmp();
    split_result r;
    CHECK(split(&im, 10, dir, -1, &r) == RK_OK);
    char p0[4096], pl[4096], name[32];
    snprintf(p0, sizeof p0, "%s/seg-00000.rseg", dir);
    seg_file_name(r.n_claims - 1, name);
    snprintf(pl, sizeof pl, "%s/%s", dir, name);
    rk_err e;
    CHECK(replay_modified(p0, (size_t)-1, (size_t)-1, 0, &e) == RK_OK);
    /* a register (x8 = s0), after the executable range (8) */
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, 8 + 4 * 8, 1, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "pre-state digest");
    /* the executable range is part of the state: moved, it no longer matches the pre-state
     * (so the image id); misaligned, the file is malformed */
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, 4, 4, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "pre-state digest");
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, 0, 2, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "executable range");
    /* the first page's content: after text(8) + regs(128) + digests(64) + root(32) + count(4) + page numbers */
    segment s;
    seg_init(&s);
    CHECK(seg_load(&s, p0, &e) == RK_OK);
    CHECK_EQ_U64(s.text_lo, im.text_lo);
    CHECK_EQ_U64(s.text_hi, im.text_hi);
    size_t page0 = 8 + 128 + 64 + 32 + 4 + 4 * s.n_pages;
    seg_free(&s);
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, page0 + 100, 0x10, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "pages do not match");
    /* the claimed post-state, start pc, cycle count */
    CHECK_EQ_U64(replay_modified(p0, 100, (size_t)-1, 1, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "post-state");
    CHECK(replay_modified(p0, 48, (size_t)-1, 4, &e) != RK_OK);
    CHECK(replay_modified(p0, 40, (size_t)-1, 1, &e) != RK_OK);
    /* the advice item read in segment 0 ("hello" -> "jello") changes the memory: post-state differs */
    CHECK_EQ_U64(replay_modified(pl, (size_t)-1, (size_t)-1, 0, &e), RK_OK);
    rk_file f;
    rk_file_init(&f);
    CHECK(rk_file_read(p0, RK_KIND_SEGMENT, &f, &e) == RK_OK);
    size_t off = f.payload_len - 5; /* last item's bytes are at the end */
    rk_file_free(&f);
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, off, 0x0F, &e), RK_EFALSE);
    /* truncated payload / wrong kind */
    CHECK_EQ_U64(replay_modified(p0, (size_t)-1, 8 + 128 + 64 + 32, 0xFF, &e), RK_EINPUT);
    /* a segment file of version 1 (before the executable range joined the state) is refused,
     * saying why */
    rk_file_init(&f);
    CHECK(rk_file_read(p0, RK_KIND_SEGMENT, &f, &e) == RK_OK);
    f.kind_version = 1;
    seg_init(&s);
    CHECK_EQ_U64(seg_decode(&s, &f, "old.rseg", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "old.rseg: segment version 1 is not supported (this build reads 2");
    CHECK_STR_HAS(e.msg, "split the program again");
    seg_free(&s);
    rk_file_free(&f);
    split_result_free(&r);
    t_rm_tree(dir);
    free(dir);
    elf_image_free(&im);
}

static void t_fault_leaves_no_files(void)
{
    elf_image im;
    build(&im, 700, 0, 1);
    char *dir = mkdir_tmp();
    split_result r;
    rv_stream in;
    input2(&in);
    split_opts o = {.po2 = 10, .out_dir = dir, .only_segment = -1};
    split_result_init(&r);
    rk_err e;
    CHECK_EQ_U64(split_run(&im, &in, &o, &r, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "guest fault at pc");
    CHECK_STR_HAS(r.fault, "load of 4 bytes at bad address");
    CHECK_EQ_U64(count_files(dir), 0);
    rv_stream_free(&in);
    split_result_free(&r);
    /* input exhausted: HINT_READ with nothing left is a fault too */
    elf_image_free(&im);
    build(&im, 10, 0, 0);
    rv_stream_init(&in);
    rv_stream_push_back(&in, "x", 1);
    split_result_init(&r);
    CHECK_EQ_U64(split_run(&im, &in, &o, &r, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "HINT_READ of 4294967295 bytes");
    CHECK_EQ_U64(count_files(dir), 0);
    rv_stream_free(&in);
    split_result_free(&r);
    t_rm_tree(dir);
    free(dir);
    elf_image_free(&im);
}

static void t_input_file_format(void)
{
    rv_stream s, t;
    input2(&s);
    rv_stream_push_back(&s, "", 0);
    rk_file f;
    rk_file_init(&f);
    rk_err e;
    CHECK(input_encode(&s, &f, &e) == RK_OK);
    CHECK_EQ_U64(f.meta_len, 12);
    CHECK_EQ_U64(f.payload_len, 3 * 4 + 12);
    rv_stream_init(&t);
    CHECK(input_decode(&f, "in", &t, &e) == RK_OK);
    CHECK_EQ_U64(t.n - t.head, 3);
    CHECK(t.items[t.head + 1].len == 7 && memcmp(t.items[t.head + 1].data, "world!!", 7) == 0);
    rv_stream_free(&t);
    /* a wrong count, a truncated item, trailing bytes */
    f.meta[0] = 4;
    rv_stream_init(&t);
    CHECK_EQ_U64(input_decode(&f, "in", &t, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "runs past the end");
    rv_stream_free(&t);
    f.meta[0] = 2;
    rv_stream_init(&t);
    CHECK_EQ_U64(input_decode(&f, "in", &t, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "trailing bytes");
    rv_stream_free(&t);
    f.meta[0] = 3;
    f.meta[4] = 1;
    rv_stream_init(&t);
    CHECK_EQ_U64(input_decode(&f, "in", &t, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "header says");
    rv_stream_free(&t);
    rk_file_free(&f);
    rv_stream_free(&s);
}

int main(void)
{
    RUN(t_split_replay_chain);
    RUN(t_po2_independence_and_segment_k);
    RUN(t_tampered_segments);
    RUN(t_fault_leaves_no_files);
    RUN(t_input_file_format);
    return t_done();
}
