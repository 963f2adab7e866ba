/* split.c - run a program and cut the run into segment files, plus the
 * manifest (see segment.h, docs/exec.md). */
#include "segment/segment.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "common/io.h"

void split_result_init(split_result *r)
{
    memset(r, 0, sizeof *r);
    rk_buf_init(&r->public_values);
}

void split_result_free(split_result *r)
{
    rk_buf_free(&r->public_values);
    free(r->claims);
    memset(r, 0, sizeof *r);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Put every page of the initial image into the tree. */
static int tree_load_image(ms_tree *t, const elf_image *im, rk_err *e)
{
    size_t n = 0, cap = 0;
    uint32_t *pages = NULL;
    for (size_t i = 0; i < im->n_regions; i++) {
        const elf_region *g = &im->regions[i];
        if (g->len == 0)
            continue;
        for (uint32_t p = g->vaddr >> MS_PAGE_LOG; p <= (g->vaddr + g->len - 1) >> MS_PAGE_LOG; p++) {
            if (n == cap) {
                cap = cap * 2 + 64;
                uint32_t *np = realloc(pages, cap * sizeof *np);
                if (!np) {
                    free(pages);
                    return rk_fail(e, RK_EINTERNAL, "out of memory");
                }
                pages = np;
            }
            pages[n++] = p;
        }
    }
    qsort(pages, n, sizeof *pages, cmp_u32);
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        if (q == 0 || pages[q - 1] != pages[i])
            pages[q++] = pages[i];
    n = q;
    uint8_t *data = malloc((n ? n : 1) * MS_PAGE_SIZE);
    p2_digest *lv = malloc((n ? n : 1) * sizeof *lv);
    int rc = RK_OK;
    if (!data || !lv)
        rc = rk_fail(e, RK_EINTERNAL, "out of memory");
    for (size_t i = 0; rc == RK_OK && i < n; i++)
        elf_image_read(im, pages[i] << MS_PAGE_LOG, data + i * MS_PAGE_SIZE, MS_PAGE_SIZE);
    if (rc == RK_OK && ms_page_digests(data, n, lv))
        rc = rk_fail(e, RK_EINTERNAL, "out of memory");
    if (rc == RK_OK)
        rc = ms_tree_update(t, pages, lv, n, e);
    free(pages);
    free(data);
    free(lv);
    return rc;
}

static void initial_state(const ms_tree *t, const elf_image *im, p2_digest *out)
{
    static const uint32_t zero[32];
    p2_digest root;
    ms_tree_root(t, &root);
    /* the executable range rv_run uses (elf_image's: from the first executable segment's
     * start to the last one's end, gaps included) is part of the state, so of the image id */
    ms_state_digest(&root, im->entry, im->text_lo, im->text_hi, zero, zero, zero, out);
}

int split_image_id(const elf_image *im, p2_digest *out, rk_err *e)
{
    ms_tree t;
    int rc = ms_tree_init(&t, e);
    if (rc)
        return rc;
    rc = tree_load_image(&t, im, e);
    if (rc == RK_OK)
        initial_state(&t, im, out);
    ms_tree_free(&t);
    return rc;
}

/* ---- the manifest (libyaml emitter) ---- */
static int yaml_out(void *data, unsigned char *buf, size_t size)
{
    rk_buf_put((rk_buf *)data, buf, size);
    return 1;
}

static int y_scalar(yaml_emitter_t *em, const char *s)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                 YAML_PLAIN_SCALAR_STYLE);
    return yaml_emitter_emit(em, &ev);
}

static int y_kv(yaml_emitter_t *em, const char *k, const char *v) { return y_scalar(em, k) && y_scalar(em, v); }

static int y_kv_u64(yaml_emitter_t *em, const char *k, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    return y_kv(em, k, b);
}

static int y_kv_digest(yaml_emitter_t *em, const char *k, const p2_digest *d)
{
    char h[65];
    ms_digest_hex(d, h);
    return y_kv(em, k, h);
}

static int y_kv_words(yaml_emitter_t *em, const char *k, const uint32_t w[8])
{
    char h[65];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            snprintf(h + 8 * i + 2 * j, 3, "%02x", (w[i] >> (8 * j)) & 0xFF);
    return y_kv(em, k, h);
}

static int y_map(yaml_emitter_t *em, int start)
{
    yaml_event_t ev;
    if (start)
        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    else
        yaml_mapping_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev);
}

static int write_manifest(const char *dir, const split_opts *o, const split_result *r, rk_err *e)
{
    rk_buf out;
    rk_buf_init(&out);
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em))
        return rk_fail(e, RK_EINTERNAL, "yaml emitter: out of memory");
    yaml_emitter_set_output(&em, yaml_out, &out);
    yaml_emitter_set_unicode(&em, 1);
    int ok = 1;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    ok = ok && yaml_emitter_emit(&em, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    ok = ok && yaml_emitter_emit(&em, &ev);
    ok = ok && y_map(&em, 1);
    ok = ok && y_kv_u64(&em, "manifest_version", 1);
    ok = ok && y_kv(&em, "program", o->program ? o->program : "");
    ok = ok && y_kv_digest(&em, "image_id", &r->image_id);
    ok = ok && y_kv_u64(&em, "po2", o->po2);
    ok = ok && y_kv_u64(&em, "total_cycles", r->total_cycles);
    ok = ok && y_kv_u64(&em, "exit_code", r->exit_code);
    ok = ok && y_kv_words(&em, "public_values_digest", r->committed);
    ok = ok && y_kv_words(&em, "deferred_proofs_digest", r->deferred);
    ok = ok && y_kv_u64(&em, "public_values_bytes", r->public_values.len);
    ok = ok && y_kv_u64(&em, "segment_count", r->n_claims);
    ok = ok && y_scalar(&em, "segments");
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    ok = ok && yaml_emitter_emit(&em, &ev);
    for (size_t i = 0; ok && i < r->n_claims; i++) {
        const seg_claim *c = &r->claims[i];
        char name[32], pc[16];
        seg_file_name(c->index, name);
        snprintf(pc, sizeof pc, "0x%08x", c->start_pc);
        ok = ok && y_map(&em, 1);
        ok = ok && y_kv(&em, "file", name);
        ok = ok && y_kv_u64(&em, "index", c->index);
        ok = ok && y_kv_u64(&em, "cycles", c->cycles);
        ok = ok && y_kv(&em, "start_pc", pc);
        ok = ok && y_kv_digest(&em, "pre_state", &c->pre_state);
        ok = ok && y_kv_digest(&em, "post_state", &c->post_state);
        ok = ok && y_map(&em, 0);
    }
    yaml_sequence_end_event_initialize(&ev);
    ok = ok && yaml_emitter_emit(&em, &ev);
    ok = ok && y_map(&em, 0);
    yaml_document_end_event_initialize(&ev, 1);
    ok = ok && yaml_emitter_emit(&em, &ev);
    yaml_stream_end_event_initialize(&ev);
    ok = ok && yaml_emitter_emit(&em, &ev);
    yaml_emitter_delete(&em);
    int rc;
    if (!ok || out.oom) {
        rc = rk_fail(e, RK_EINTERNAL, "%s/manifest.yaml: cannot emit YAML", dir);
    } else {
        char path[4096];
        snprintf(path, sizeof path, "%s/manifest.yaml", dir);
        rc = rk_write_atomic(path, out.data, out.len, e);
    }
    rk_buf_free(&out);
    return rc;
}


/* ---- the writer thread ----
 * Compressing and writing a segment (zstd, then write + fsync + rename) runs
 * beside the interpreter, so the run does not wait for the disk.  Jobs are
 * written in order; the bytes do not depend on the timing. */
#define WQ 2

typedef struct wjob {
    char path[4096];
    uint8_t meta[SEG_META_LEN];
    uint8_t *payload;
    size_t len;
} wjob;

typedef struct writer {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    wjob q[WQ];
    size_t head, n;
    int stop, started, rc;
    rk_err err;
    uint64_t bytes;
} writer;

static int write_job(const wjob *j, uint64_t *bytes, rk_err *e)
{
    rk_file f;
    rk_file_init(&f);
    int rc = rk_file_set(&f, RK_KIND_SEGMENT, SEG_KIND_VERSION, j->meta, SEG_META_LEN, j->payload,
                         j->len, e);
    rk_buf enc;
    rk_buf_init(&enc);
    if (rc == RK_OK)
        rc = rk_file_encode(&f, &enc, e);
    if (rc == RK_OK)
        rc = rk_write_atomic(j->path, enc.data, enc.len, e);
    *bytes += enc.len;
    rk_buf_free(&enc);
    rk_file_free(&f);
    return rc;
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->n == 0 && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->n == 0)
            break;
        wjob *j = &w->q[w->head];
        pthread_mutex_unlock(&w->mu);
        rk_err e;
        uint64_t bytes = 0;
        int rc = w->rc ? RK_OK : write_job(j, &bytes, &e); /* after a failure, drain */
        free(j->payload);
        j->payload = NULL;
        pthread_mutex_lock(&w->mu);
        if (rc && !w->rc) {
            w->rc = rc;
            w->err = e;
        }
        w->bytes += bytes;
        w->head = (w->head + 1) % WQ;
        w->n--;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int writer_start(writer *w, rk_err *e)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, writer_main, w) != 0)
        return rk_fail(e, RK_EINTERNAL, "cannot start the writer thread");
    w->started = 1;
    return RK_OK;
}

/* Queue a job (takes the payload); fails early if an earlier write failed. */
static int writer_push(writer *w, const wjob *j, rk_err *e)
{
    pthread_mutex_lock(&w->mu);
    while (w->n == WQ && !w->rc)
        pthread_cond_wait(&w->cv, &w->mu);
    int rc = w->rc;
    if (rc) {
        *e = w->err;
        free(j->payload);
    } else {
        w->q[(w->head + w->n) % WQ] = *j;
        w->n++;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* Wait for every queued write; the first error, if any. */
static int writer_finish(writer *w, rk_err *e)
{
    if (!w->started)
        return RK_OK;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    w->started = 0;
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    if (w->rc && e)
        *e = w->err;
    return w->rc;
}

/* ---- the split ---- */
typedef struct page_ref {
    uint32_t page, slot;
} page_ref;

static int cmp_page_ref(const void *a, const void *b)
{
    const page_ref *x = a, *y = b;
    return x->page < y->page ? -1 : x->page > y->page;
}

typedef struct split_ctx {
    rv_machine m;
    ms_tree tree;
    page_ref *refs;
    uint32_t *pages;
    uint8_t *data;     /* sorted pre-content */
    uint8_t *cur;      /* sorted current content */
    p2_digest *leaves;
    size_t cap;
    char **written;
    size_t n_written;
    writer w;
} split_ctx;

static int grow_scratch(split_ctx *s, size_t n)
{
    if (n <= s->cap)
        return RK_OK;
    size_t cap = n + n / 2 + 64;
    void *a = realloc(s->refs, cap * sizeof *s->refs);
    if (!a) return RK_EINTERNAL;
    s->refs = a;
    a = realloc(s->pages, cap * sizeof *s->pages);
    if (!a) return RK_EINTERNAL;
    s->pages = a;
    a = realloc(s->data, cap * MS_PAGE_SIZE);
    if (!a) return RK_EINTERNAL;
    s->data = a;
    a = realloc(s->cur, cap * MS_PAGE_SIZE);
    if (!a) return RK_EINTERNAL;
    s->cur = a;
    a = realloc(s->leaves, cap * sizeof *s->leaves);
    if (!a) return RK_EINTERNAL;
    s->leaves = a;
    s->cap = cap;
    return RK_OK;
}

/* Sort the touched pages; s->pages / s->data get them in page order with
 * their pre-segment content. */
static int sort_touched(split_ctx *s, rk_err *e)
{
    rv_machine *m = &s->m;
    size_t n = m->n_touched;
    if (grow_scratch(s, n))
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++)
        s->refs[i] = (page_ref){m->touched[i], (uint32_t)i};
    qsort(s->refs, n, sizeof *s->refs, cmp_page_ref);
    for (size_t i = 0; i < n; i++) {
        s->pages[i] = s->refs[i].page;
        memcpy(s->data + i * MS_PAGE_SIZE, m->touched_pre + (size_t)s->refs[i].slot * MS_PAGE_SIZE, MS_PAGE_SIZE);
    }
    return RK_OK;
}

/* Rehash into the tree the touched pages whose content changed (a page that
 * was only read or fetched keeps its leaf).  Needs s->pages / s->data from
 * sort_touched. */
static int commit_touched(split_ctx *s, size_t n, rk_err *e)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *now = s->m.mem + (size_t)s->pages[i] * MS_PAGE_SIZE;
        if (memcmp(now, s->data + i * MS_PAGE_SIZE, MS_PAGE_SIZE) == 0)
            continue;
        memcpy(s->cur + k * MS_PAGE_SIZE, now, MS_PAGE_SIZE);
        s->refs[k].page = s->pages[i]; /* refs is free scratch once sorted */
        k++;
    }
    uint32_t *idx = malloc((k ? k : 1) * sizeof *idx);
    if (!idx)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    for (size_t i = 0; i < k; i++)
        idx[i] = s->refs[i].page;
    int rc = RK_OK;
    if (ms_page_digests(s->cur, k, s->leaves))
        rc = rk_fail(e, RK_EINTERNAL, "out of memory");
    if (rc == RK_OK)
        rc = ms_tree_update(&s->tree, idx, s->leaves, k, e);
    free(idx);
    return rc;
}

static void split_ctx_free(split_ctx *s, int remove_files)
{
    writer_finish(&s->w, NULL); /* no write may still be running when files are removed */
    for (size_t i = 0; i < s->n_written; i++) {
        if (remove_files)
            unlink(s->written[i]);
        free(s->written[i]);
    }
    free(s->written);
    free(s->refs);
    free(s->pages);
    free(s->data);
    free(s->cur);
    free(s->leaves);
    ms_tree_free(&s->tree);
    rv_machine_free(&s->m);
}

static int remember_file(split_ctx *s, const char *path)
{
    char **w = realloc(s->written, (s->n_written + 1) * sizeof *w);
    if (!w)
        return RK_EINTERNAL;
    s->written = w;
    if (!(w[s->n_written] = strdup(path)))
        return RK_EINTERNAL;
    s->n_written++;
    return RK_OK;
}

/* mkdir -p: the directory and its missing parents. */
static int ensure_dir(const char *dir, rk_err *e)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return rk_fail(e, RK_EINPUT, "%s: not a directory", dir);
        return RK_OK;
    }
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return rk_fail(e, RK_EINPUT, "%s: bad directory name", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            int err = errno;
            return rk_fail(e, err == ENOSPC ? RK_EINTERNAL : RK_EINPUT, "%s: cannot create directory %s: %s",
                           dir, path, strerror(err));
        }
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return rk_fail(e, RK_EINPUT, "%s: cannot create directory: %s is not a directory", dir, path);
        path[i] = c;
    }
    return RK_OK;
}

/* An earlier split's file: manifest.yaml, seg-*.rseg, or the temporary
 * file of one (a split that was killed while writing). */
static int is_split_output(const char *name)
{
    size_t n = strlen(name);
    if (strcmp(name, "manifest.yaml") == 0)
        return 1;
    if (strncmp(name, "seg-", 4) == 0 && n > 9 && strcmp(name + n - 5, ".rseg") == 0)
        return 1;
    if (strncmp(name, ".manifest.yaml.tmp.", 19) == 0 || (strncmp(name, ".seg-", 5) == 0 && strstr(name, ".rseg.tmp.")))
        return 1;
    return 0;
}

/* A full split into a directory that holds an earlier split would leave its
 * segments (and, if killed, its manifest) beside the new ones: refuse, or
 * with force remove them, the manifest first so that a split killed
 * afterwards never leaves a manifest that lists files of another run. */
static int clear_old_split(const char *dir, int force, rk_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return rk_fail(e, RK_EINPUT, "%s: cannot read directory: %s", dir, strerror(errno));
    char path[4096];
    int found = 0, rc = RK_OK;
    if (force) {
        snprintf(path, sizeof path, "%s/manifest.yaml", dir);
        if (unlink(path) != 0 && errno != ENOENT)
            rc = rk_fail(e, RK_EINPUT, "%s: cannot remove: %s", path, strerror(errno));
    }
    struct dirent *de;
    while (rc == RK_OK && (de = readdir(d))) {
        if (!is_split_output(de->d_name))
            continue;
        found = 1;
        if (!force)
            break;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (unlink(path) != 0 && errno != ENOENT)
            rc = rk_fail(e, RK_EINPUT, "%s: cannot remove: %s", path, strerror(errno));
    }
    closedir(d);
    if (rc == RK_OK && found && !force)
        rc = rk_fail(e, RK_EINPUT,
                     "%s: holds an earlier split (manifest.yaml, seg-*.rseg): give an empty directory, "
                     "or --force to replace it",
                     dir);
    return rc;
}

uint64_t split_default_max_cycles(unsigned po2)
{
    uint64_t n = (uint64_t)SEG_MAX_SEGMENTS_DEFAULT << (po2 < 40 ? po2 : 40);
    return n < SEG_MAX_CYCLES_CAP ? n : SEG_MAX_CYCLES_CAP;
}

/* Build one segment file's payload and queue it for the writer thread. */
static int emit_segment(split_ctx *s, const split_opts *o, const seg_claim *c, const uint32_t regs[32],
                        const uint32_t com[8], const uint32_t def[8], const p2_digest *pre_root,
                        size_t n, const p2_digest *sib, size_t n_sib, size_t *bytes, rk_err *e)
{
    rk_buf p;
    rk_buf_init(&p);
    rk_buf_u32(&p, s->m.text_lo);
    rk_buf_u32(&p, s->m.text_hi);
    for (int i = 0; i < 32; i++) rk_buf_u32(&p, regs[i]);
    for (int i = 0; i < 8; i++) rk_buf_u32(&p, com[i]);
    for (int i = 0; i < 8; i++) rk_buf_u32(&p, def[i]);
    uint8_t d[32];
    ms_digest_to_bytes(pre_root, d);
    rk_buf_put(&p, d, 32);
    rk_buf_u32(&p, (uint32_t)n);
    for (size_t i = 0; i < n; i++) rk_buf_u32(&p, s->pages[i]);
    rk_buf_put(&p, s->data, n * MS_PAGE_SIZE);
    rk_buf_u32(&p, (uint32_t)n_sib);
    for (size_t i = 0; i < n_sib; i++) {
        ms_digest_to_bytes(&sib[i], d);
        rk_buf_put(&p, d, 32);
    }
    rk_buf_u32(&p, (uint32_t)(s->m.tape_lens.len / 4));
    rk_buf_put(&p, s->m.tape_lens.data, s->m.tape_lens.len);
    /* count the items on the tape */
    uint32_t ni = 0;
    for (size_t off = 0; off + 4 <= s->m.tape_items.len; ni++)
        off += 4 + rk_le32(s->m.tape_items.data + off);
    rk_buf_u32(&p, ni);
    rk_buf_put(&p, s->m.tape_items.data, s->m.tape_items.len);
    if (p.oom) {
        rk_buf_free(&p);
        return rk_fail(e, RK_EINTERNAL, "out of memory building segment %u", c->index);
    }
    wjob j;
    char name[32];
    seg_file_name(c->index, name);
    snprintf(j.path, sizeof j.path, "%s/%s", o->out_dir, name);
    seg_claim_encode(c, j.meta);
    j.payload = rk_buf_take(&p, &j.len);
    *bytes = j.len;
    if (remember_file(s, j.path)) {
        free(j.payload);
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
    return writer_push(&s->w, &j, e);
}

static int over_limit(rv_machine *m, uint64_t max, int by_default, rk_err *e)
{
    if (by_default)
        snprintf(m->fault, sizeof m->fault,
                 "guest still running after %llu cycles (pc 0x%08x), the default limit "
                 "(4096 segments, at most 2^32 cycles): raise it with --max-cycles N, or 0 for none",
                 (unsigned long long)max, m->pc);
    else
        snprintf(m->fault, sizeof m->fault, "guest still running after --max-cycles %llu (pc 0x%08x)",
                 (unsigned long long)max, m->pc);
    return rk_fail(e, RK_EFALSE, "%s", m->fault);
}

int split_run(const elf_image *im, rv_stream *input, const split_opts *o, split_result *r, rk_err *e)
{
    split_ctx s;
    memset(&s, 0, sizeof s);
    if (o->po2 < SEG_PO2_MIN || o->po2 > SEG_PO2_MAX)
        return rk_fail(e, RK_EINPUT, "po2 %u outside %d..%d", o->po2, SEG_PO2_MIN, SEG_PO2_MAX);
    int rc = rv_machine_init(&s.m, im, e);
    if (rc)
        return rc;
    if ((rc = ms_tree_init(&s.tree, e)) || (rc = tree_load_image(&s.tree, im, e))) {
        split_ctx_free(&s, 0);
        return rc;
    }
    initial_state(&s.tree, im, &r->image_id);
    /* the machine takes over the caller's pending items */
    rv_stream_free(&s.m.input);
    s.m.input = *input;
    rv_stream_init(input);
    s.m.abi = o->sp1_abi;
    s.m.out_stdout = o->guest_stdout;
    s.m.out_stderr = o->guest_stderr;
    const uint64_t seg_cycles = 1ull << o->po2;
    const int default_limit = o->max_cycles == 0;
    const uint64_t max_cycles = default_limit ? split_default_max_cycles(o->po2) : o->max_cycles;

    if (!o->out_dir) {
        /* execute only: the plain loop, no tracking, no hashing */
        rc = rv_run(&s.m, max_cycles, e);
        if (rc == RK_OK && !s.m.halted)
            rc = over_limit(&s.m, max_cycles, default_limit, e);
        r->total_cycles = s.m.cycles;
        r->n_segments = (s.m.cycles + seg_cycles - 1) / seg_cycles;
        goto finish;
    }
    if ((rc = ensure_dir(o->out_dir, e)))
        goto finish;
    if (o->only_segment < 0 && (rc = clear_old_split(o->out_dir, o->force, e)))
        goto finish;
    if ((rc = writer_start(&s.w, e)))
        goto finish;
    s.m.track = 1;
    s.m.record_tape = 1;
    uint64_t first = 0;
    if (o->only_segment > 0) {
        /* run up to the segment, remembering every touched page, then bring the tree up to date once */
        first = (uint64_t)o->only_segment;
        rv_track_reset(&s.m);
        rc = rv_run(&s.m, first * seg_cycles, e);
        if (rc)
            goto finish;
        if (s.m.halted) {
            rc = rk_fail(e, RK_EINPUT, "segment %lld does not exist: the run has %llu segments",
                         (long long)o->only_segment,
                         (unsigned long long)((s.m.cycles + seg_cycles - 1) / seg_cycles));
            goto finish;
        }
        size_t n = s.m.n_touched;
        if ((rc = sort_touched(&s, e)) || (rc = commit_touched(&s, n, e)))
            goto finish;
    }
    p2_digest pre_state;
    {
        p2_digest root;
        ms_tree_root(&s.tree, &root);
        ms_state_digest(&root, s.m.pc, s.m.text_lo, s.m.text_hi, s.m.x, s.m.committed, s.m.deferred, &pre_state);
    }
    for (uint64_t idx = first; !s.m.halted; idx++) {
        rv_track_reset(&s.m);
        s.m.tape_lens.len = 0;
        s.m.tape_items.len = 0;
        seg_claim c;
        memset(&c, 0, sizeof c);
        c.image_id = r->image_id;
        c.index = (uint32_t)idx;
        c.po2 = o->po2;
        c.start_pc = s.m.pc;
        c.pre_state = pre_state;
        uint32_t regs[32], com[8], def[8];
        memcpy(regs, s.m.x, sizeof regs);
        regs[0] = 0;
        memcpy(com, s.m.committed, sizeof com);
        memcpy(def, s.m.deferred, sizeof def);
        p2_digest pre_root;
        ms_tree_root(&s.tree, &pre_root);
        uint64_t c0 = s.m.cycles;
        uint64_t budget = seg_cycles;
        if (s.m.cycles >= max_cycles)
            budget = 0;
        else if (max_cycles - s.m.cycles < budget)
            budget = max_cycles - s.m.cycles;
        if ((rc = rv_run(&s.m, budget, e)))
            goto finish;
        if (!s.m.halted && budget < seg_cycles) {
            rc = over_limit(&s.m, max_cycles, default_limit, e);
            goto finish;
        }
        c.cycles = s.m.cycles - c0;
        c.halted = (uint32_t)s.m.halted;
        c.exit_code = s.m.halted ? s.m.exit_code : 0;
        c.end_pc = s.m.pc;
        size_t n = s.m.n_touched;
        if ((rc = sort_touched(&s, e)))
            goto finish;
        p2_digest *sib = NULL;
        size_t n_sib = 0, bytes = 0;
        if ((rc = ms_tree_multiproof(&s.tree, s.pages, n, &sib, &n_sib, e)))
            goto finish;
        p2_digest post_root;
        rc = commit_touched(&s, n, e);
        if (rc == RK_OK) {
            ms_tree_root(&s.tree, &post_root);
            ms_state_digest(&post_root, s.m.pc, s.m.text_lo, s.m.text_hi, s.m.x, s.m.committed, s.m.deferred, &c.post_state);
            rc = emit_segment(&s, o, &c, regs, com, def, &pre_root, n, sib, n_sib, &bytes, e);
        }
        free(sib);
        if (rc)
            goto finish;
        seg_claim *nc = realloc(r->claims, (r->n_claims + 1) * sizeof *nc);
        if (!nc) {
            rc = rk_fail(e, RK_EINTERNAL, "out of memory");
            goto finish;
        }
        r->claims = nc;
        r->claims[r->n_claims++] = c;
        if (o->on_segment)
            o->on_segment(o->ctx, &c, n, bytes);
        pre_state = c.post_state;
        if (o->only_segment >= 0 && (uint64_t)o->only_segment == idx)
            break;
    }
    r->total_cycles = s.m.cycles;
    r->n_segments = (s.m.cycles + seg_cycles - 1) / seg_cycles;
    r->halted = s.m.halted;
    r->exit_code = s.m.exit_code;
    memcpy(r->committed, s.m.committed, sizeof r->committed);
    memcpy(r->deferred, s.m.deferred, sizeof r->deferred);
    r->public_values.len = 0;
    rk_buf_put(&r->public_values, s.m.public_values.data, s.m.public_values.len);
    rc = writer_finish(&s.w, e);
    r->bytes_written = s.w.bytes;
    if (o->only_segment < 0 && rc == RK_OK)
        rc = write_manifest(o->out_dir, o, r, e);

finish:
    r->halted = s.m.halted;
    r->exit_code = s.m.exit_code;
    memcpy(r->committed, s.m.committed, sizeof r->committed);
    memcpy(r->deferred, s.m.deferred, sizeof r->deferred);
    rk_buf_free(&r->public_values);
    r->public_values = s.m.public_values;
    rk_buf_init(&s.m.public_values);
    if (rc == RK_EFALSE)
        snprintf(r->fault, sizeof r->fault, "%s", s.m.fault);
    split_ctx_free(&s, rc != RK_OK);
    return rc;
}
