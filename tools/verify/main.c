/* raiko-verify - check any raiko file: segment, receipt, aggregate, wrapped proof.
 * See docs/cli.md and raiko-verify(1). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate/aggregate.h"
#include "cli/cli.h"
#include "common/io.h"
#include "config/config.h"
#include "container/container.h"
#include "segment/segment.h"
#include "memstate/memstate.h"
#include "input/input.h"
#include "receipt/receipt.h"

static const char usage[] =
    "Usage: raiko-verify [OPTIONS] FILE...\n"
    "Check raiko files and print their claims.\n"
    "Receipts and aggregates are verified; segments are parsed and replayed (their\n"
    "claims must hold); inputs are parsed.  Every file's integrity (magic, version,\n"
    "kind, sizes, checksum) is checked first.  FILE '-' reads stdin.\n"
    "\n"
    "      --complete  the receipt or aggregate must cover the whole run (segment 0,\n"
    "                  from the image id, to the halt); only for receipts and aggregates\n"
    "      --segment SEG  the receipt must prove exactly the segment file SEG; only for\n"
    "                  receipts (an aggregate is an error, exit 2)\n"
    "      --min-bits N  accept proofs of at least N conjectured security bits (default\n"
    "                  100, the built-in floor; a lower floor is said on stderr)\n"
    "  -c, --config FILE  take the floor from FILE's security.min_bits (docs/config.md);\n"
    "                  $RAIKO_CONFIG and ./raiko.yaml are never read by the verifier\n"
    "  -i, --info      only describe each file (kind, sizes, digests, its claim) after\n"
    "                  checking its integrity; reads the metadata without decompressing\n"
    "      --json      one JSON object per file on stdout (\"valid\":false and \"error\"\n"
    "                  for a file that fails)\n"
    "      --progress  say on stderr which file is being verified (default: when\n"
    "                  stderr is a terminal and there are several files)\n"
    "  -q, --quiet     print nothing but errors, only set the exit code\n"
    "  -v, --verbose   more detail on stderr\n"
    "  -h, --help      this help\n"
    "      --version   print the version\n"
    "\n"
    "Exit: 0 all valid, 1 a proof is invalid or a claim does not hold (the reason is\n"
    "printed), 2 a file is unreadable, not a raiko file, or an option does not apply\n"
    "to it, 3 internal error, stdout write error, or not implemented yet.\n";

/* The digest words of a public-values digest as bytes: words little-endian, as the manifest prints it. */
static void words_hex(const uint32_t w[8], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", (w[i / 4] >> (8 * (i % 4))) & 0xFF);
}

static const char *halt_words(uint32_t halted, uint32_t exit_code)
{
    return halted ? (exit_code ? "halted with a non-zero exit code" : "halted with exit code 0") : "running";
}

/* "halted with exit code N" or "running": --info's words for a claim's end (the exact code) */
static const char *end_words(uint32_t halted, uint32_t exit_code, char out[40])
{
    if (halted)
        snprintf(out, 40, "halted with exit code %u", exit_code);
    else
        snprintf(out, 40, "running");
    return out;
}

/* A file that failed: one line on stderr (kept with -q), and with --json an
 * object saying so on stdout, so a consumer of the JSON sees every file. */
static int report_failure(const rk_cli *c, const char *name, const rk_err *e)
{
    int rc = rk_cli_fail(c, e);
    if (c->json) {
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "file", name);
        rk_json_bool(&j, "valid", 0);
        rk_json_str(&j, "error", e->msg);
        rk_json_u64(&j, "exit_code", (uint64_t)rc);
        rk_json_end(&j);
    }
    return rc;
}

/* A receipt's or an aggregate's claim in one shape (a receipt claims the range of one
 * segment), so that --info shows both with the same code. */
typedef struct proven_claim {
    p2_digest image_id, pre_state, post_state;
    uint32_t first, last, halted, exit_code, committed[8];
    uint64_t cycles;
} proven_claim;

static int proven_claim_decode(proven_claim *pc, const rk_file *f, const char *name, rk_err *e)
{
    int rc;
    if (f->kind == RK_KIND_RECEIPT) {
        rcpt_claim cl;
        if ((rc = rcpt_claim_decode(&cl, f->meta, f->meta_len, name, e)))
            return rc;
        *pc = (proven_claim){cl.image_id, cl.pre_state, cl.post_state, cl.index, cl.index,
                             cl.halted, cl.exit_code, {0}, cl.cycles};
        memcpy(pc->committed, cl.committed, sizeof pc->committed);
    } else {
        agg_claim cl;
        if ((rc = agg_claim_decode(&cl, f->meta, f->meta_len, name, e)))
            return rc;
        *pc = (proven_claim){cl.image_id, cl.pre_state, cl.post_state, cl.first, cl.last,
                             cl.halted, cl.exit_code, {0}, cl.cycles};
        memcpy(pc->committed, cl.committed, sizeof pc->committed);
    }
    return RK_OK;
}

/* The claim in a receipt's, aggregate's or segment's meta block, for --info
 * (no proof is checked: --info says what a file claims, not that it holds). */
static int describe_claim(const rk_cli *c, rk_json *j, const char *name, const rk_file *f, rk_err *e)
{
    char img[65], pre[65], post[65], pv[65];
    if (f->kind == RK_KIND_RECEIPT || f->kind == RK_KIND_AGGREGATE) {
        int agg = f->kind == RK_KIND_AGGREGATE;
        proven_claim cl;
        int rc = proven_claim_decode(&cl, f, name, e);
        if (rc)
            return rc;
        ms_digest_hex(&cl.image_id, img);
        ms_digest_hex(&cl.pre_state, pre);
        ms_digest_hex(&cl.post_state, post);
        words_hex(cl.committed, pv);
        if (j) {
            rk_json_str(j, "image_id", img);
            if (agg) {
                rk_json_u64(j, "first_segment", cl.first);
                rk_json_u64(j, "last_segment", cl.last);
            } else {
                rk_json_u64(j, "index", cl.first);
            }
            rk_json_u64(j, "cycles", cl.cycles);
            rk_json_str(j, "pre_state", pre);
            rk_json_str(j, "post_state", post);
            rk_json_bool(j, "halted", (int)cl.halted);
            rk_json_u64(j, "exit_code", cl.exit_code);
            rk_json_str(j, "public_values_digest", pv);
        } else if (!c->quiet) {
            char range[32];
            if (agg)
                snprintf(range, sizeof range, "segments %u..%u", cl.first, cl.last);
            else
                snprintf(range, sizeof range, "segment %u", cl.first);
            char endw[40];
            printf("%s: claims: image %s %s, %llu cycles, %s, pre-state %s, post-state %s, "
                   "public values digest %s\n",
                   name, img, range, (unsigned long long)cl.cycles, end_words(cl.halted, cl.exit_code, endw),
                   pre, post, pv);
        }
    } else if (f->kind == RK_KIND_SEGMENT) {
        seg_claim cl;
        int rc = seg_claim_decode(&cl, f->meta, f->meta_len, name, e);
        if (rc)
            return rc;
        ms_digest_hex(&cl.image_id, img);
        ms_digest_hex(&cl.pre_state, pre);
        ms_digest_hex(&cl.post_state, post);
        if (j) {
            rk_json_str(j, "image_id", img);
            rk_json_u64(j, "index", cl.index);
            rk_json_u64(j, "po2", cl.po2);
            rk_json_u64(j, "cycles", cl.cycles);
            rk_json_u64(j, "start_pc", cl.start_pc);
            rk_json_u64(j, "end_pc", cl.end_pc);
            rk_json_str(j, "pre_state", pre);
            rk_json_str(j, "post_state", post);
            rk_json_bool(j, "halted", (int)cl.halted);
            rk_json_u64(j, "exit_code", cl.exit_code);
        } else if (!c->quiet) {
            char endw[40];
            printf("%s: claims: image %s segment %u, %llu cycles (po2 %u), pc 0x%08x to 0x%08x, %s, "
                   "pre-state %s, post-state %s\n",
                   name, img, cl.index, (unsigned long long)cl.cycles, cl.po2, cl.start_pc, cl.end_pc,
                   end_words(cl.halted, cl.exit_code, endw), pre, post);
        }
    }
    return RK_OK;
}

/* --info checks the container's integrity only (that is what it promises, and
 * what it needs no proof for); the claim in the meta block is shown when it
 * reads, and said to be unreadable when it does not. */
static int describe(const rk_cli *c, const char *name, const rk_file *f, size_t file_len, rk_err *e)
{
    char sum[17];
    snprintf(sum, sizeof sum, "%016" PRIx64, f->checksum);
    rk_cli q = *c;
    q.quiet = 1;
    rk_err ce;
    rk_err_clear(&ce);
    int claim_rc = describe_claim(&q, NULL, name, f, &ce); /* does it read? */
    if (c->json) {
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "file", name);
        rk_json_str(&j, "kind", rk_kind_name(f->kind));
        rk_json_u64(&j, "kind_version", f->kind_version);
        rk_json_u64(&j, "file_bytes", file_len);
        rk_json_u64(&j, "meta_bytes", f->meta_len);
        rk_json_u64(&j, "payload_bytes", f->payload_len);
        rk_json_str(&j, "xxh3", sum);
        if (claim_rc)
            rk_json_str(&j, "claim_error", ce.msg);
        else
            describe_claim(c, &j, name, f, e);
        rk_json_end(&j);
        return RK_OK;
    }
    if (c->quiet)
        return RK_OK;
    printf("%s: %s (kind version %u), %zu bytes, meta %zu bytes, payload %zu bytes "
           "uncompressed, xxh3 %s\n",
           name, rk_kind_name(f->kind), f->kind_version, file_len, f->meta_len, f->payload_len, sum);
    if (claim_rc)
        printf("%s: claims: not readable: %s\n", name, ce.msg);
    else
        describe_claim(c, NULL, name, f, e);
    return RK_OK;
}

typedef struct verify_opts {
    int complete;            /* --complete */
    const char *for_segment; /* --segment SEG */
    unsigned min_bits;       /* the floor */
} verify_opts;

/* --segment SEG: the receipt must be the proof of exactly that segment file
 * (the pipeline's check of a receipt that came back from another host). */
static int receipt_matches_segment(const char *name, const rcpt_claim *rc_, const char *seg_path, rk_err *e)
{
    rk_file sf;
    rk_file_init(&sf);
    int rc = rk_file_read(seg_path, RK_KIND_SEGMENT, &sf, e);
    seg_claim sc;
    if (!rc)
        rc = seg_claim_decode(&sc, sf.meta, sf.meta_len, seg_path, e);
    rk_file_free(&sf);
    if (rc)
        return rc;
    if (memcmp(&sc.image_id, &rc_->image_id, sizeof sc.image_id) || sc.index != rc_->index ||
        memcmp(&sc.pre_state, &rc_->pre_state, sizeof sc.pre_state) ||
        memcmp(&sc.post_state, &rc_->post_state, sizeof sc.post_state) || sc.cycles != rc_->cycles ||
        sc.halted != rc_->halted || sc.exit_code != rc_->exit_code)
        return rk_fail(e, RK_EFALSE, "%s: valid, but not the receipt of %s (segment %u)", name, seg_path,
                       sc.index);
    return RK_OK;
}

/* RK_KIND_RECEIPT: verify a segment receipt, then what the options ask of it,
 * and only then print its claim (nothing says "valid" before every check). */
static int verify_receipt(const rk_cli *c, const verify_opts *o, const char *name, const rk_file *f, rk_err *e)
{
    receipt r;
    rcpt_init(&r);
    int rc = rcpt_decode(&r, f, name, e);
    if (!rc) {
        rc = rcpt_verify(&r, o->min_bits, e);
        if (rc)
            rk_err_prefix(e, "%s: invalid receipt", name);
    }
    const rcpt_claim *cl = &r.claim;
    /* a receipt is a whole run when it is segment 0, starts from the image id, and halts */
    if (!rc && o->complete && (cl->index != 0 || !cl->halted || memcmp(&cl->pre_state, &cl->image_id, sizeof cl->image_id)))
        rc = rk_fail(e, RK_EFALSE, "%s: valid, but a receipt of segment %u%s%s, not of the whole run", name,
                     cl->index, cl->index == 0 && memcmp(&cl->pre_state, &cl->image_id, sizeof cl->image_id)
                                    ? " not starting from the image id" : "",
                     cl->halted ? "" : " that does not halt");
    if (!rc && o->for_segment)
        rc = receipt_matches_segment(name, cl, o->for_segment, e);
    if (rc) {
        rcpt_free(&r);
        return rc;
    }
    char img[65], pre[65], post[65], pv[65];
    ms_digest_hex(&cl->image_id, img);
    ms_digest_hex(&cl->pre_state, pre);
    ms_digest_hex(&cl->post_state, post);
    words_hex(cl->committed, pv);
    unsigned bits = fri_security_bits(&r.fri);
    if (c->json) {
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "file", name);
        rk_json_str(&j, "kind", "receipt");
        rk_json_bool(&j, "valid", 1);
        rk_json_str(&j, "image_id", img);
        rk_json_u64(&j, "index", cl->index);
        rk_json_u64(&j, "cycles", cl->cycles);
        rk_json_str(&j, "pre_state", pre);
        rk_json_str(&j, "post_state", post);
        rk_json_bool(&j, "halted", (int)cl->halted);
        rk_json_u64(&j, "exit_code", cl->exit_code);
        rk_json_str(&j, "public_values_digest", pv);
        rk_json_u64(&j, "security_bits", bits);
        rk_json_u64(&j, "min_bits", o->min_bits);
        rk_json_end(&j);
    } else if (!c->quiet) {
        printf("%s: valid receipt: image %s segment %u, %llu cycles, %s, pre-state %s, post-state %s, "
               "public values digest %s, %u-bit FRI\n",
               name, img, cl->index, (unsigned long long)cl->cycles, halt_words(cl->halted, cl->exit_code), pre,
               post, pv, bits);
        if (cl->halted && cl->exit_code)
            printf("%s: exit code %u\n", name, cl->exit_code);
    }
    rcpt_free(&r);
    return RK_OK;
}

/* RK_KIND_AGGREGATE: verify every carried receipt and the chain, print the claim. */
static int verify_aggregate(const rk_cli *c, const verify_opts *o, const char *name, const rk_file *f, rk_err *e)
{
    if (o->for_segment) /* an aggregate is not the proof of one segment file */
        return rk_fail(e, RK_EINPUT, "%s: --segment applies to segment receipts, and this is an aggregate", name);
    agg_claim cl;
    int rc = agg_verify(f, name, o->min_bits, &cl, e); /* its messages name the file */
    if (rc)
        return rc;
    int complete = agg_claim_complete(&cl);
    if (o->complete && !complete)
        return rk_fail(e, RK_EFALSE, "%s: valid, but covers segments %u..%u%s, not the whole run", name, cl.first,
                       cl.last, cl.halted ? "" : " without the halt");
    char img[65], pre[65], post[65], pv[65];
    ms_digest_hex(&cl.image_id, img);
    ms_digest_hex(&cl.pre_state, pre);
    ms_digest_hex(&cl.post_state, post);
    words_hex(cl.committed, pv);
    if (c->json) {
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "file", name);
        rk_json_str(&j, "kind", "aggregate");
        rk_json_bool(&j, "valid", 1);
        rk_json_str(&j, "image_id", img);
        rk_json_u64(&j, "first_segment", cl.first);
        rk_json_u64(&j, "last_segment", cl.last);
        rk_json_bool(&j, "complete", complete);
        rk_json_u64(&j, "cycles", cl.cycles);
        rk_json_str(&j, "pre_state", pre);
        rk_json_str(&j, "post_state", post);
        rk_json_bool(&j, "halted", (int)cl.halted);
        rk_json_u64(&j, "exit_code", cl.exit_code);
        rk_json_str(&j, "public_values_digest", pv);
        rk_json_u64(&j, "security_bits", cl.security_bits);
        rk_json_u64(&j, "min_bits", o->min_bits);
        rk_json_end(&j);
    } else if (!c->quiet) {
        printf("%s: valid aggregate: image %s segments %u..%u%s, %llu cycles, %s, pre-state %s, post-state %s, "
               "public values digest %s, %u-bit FRI (its weakest receipt)\n",
               name, img, cl.first, cl.last, complete ? " (the whole run)" : "", (unsigned long long)cl.cycles,
               halt_words(cl.halted, cl.exit_code), pre, post, pv, cl.security_bits);
    }
    return RK_OK;
}

/* RK_KIND_SEGMENT: parse it, and replay it from the file alone: its claims must hold. */
static int check_segment(const rk_cli *c, const char *name, const rk_file *f, rk_err *e)
{
    segment s;
    seg_init(&s);
    int rc = seg_decode(&s, f, name, e);
    if (!rc && s.claim.index == 0 && memcmp(&s.claim.pre_state, &s.claim.image_id, sizeof s.claim.image_id))
        rc = rk_fail(e, RK_EFALSE, "%s: invalid segment: segment 0 does not start from the image id", name);
    if (!rc) {
        rc = seg_replay(&s, NULL, NULL, e);
        if (rc == RK_EFALSE)
            rk_err_prefix(e, "%s: invalid segment", name);
        else if (rc)
            rk_err_prefix(e, "%s", name);
    }
    if (!rc) {
        char img[65];
        ms_digest_hex(&s.claim.image_id, img);
        if (c->json) {
            rk_json j;
            rk_json_begin(&j, stdout);
            rk_json_str(&j, "file", name);
            rk_json_str(&j, "kind", "segment");
            rk_json_bool(&j, "valid", 1);
            rk_json_str(&j, "image_id", img);
            rk_json_u64(&j, "index", s.claim.index);
            rk_json_u64(&j, "cycles", s.claim.cycles);
            rk_json_bool(&j, "halted", (int)s.claim.halted);
            rk_json_u64(&j, "exit_code", s.claim.exit_code);
            rk_json_end(&j);
        } else if (!c->quiet) {
            printf("%s: valid segment: image %s segment %u, %llu cycles, %s: its claims hold on replay "
                   "(not a proof: prove it with raiko-prove-seg)\n",
                   name, img, s.claim.index, (unsigned long long)s.claim.cycles,
                   halt_words(s.claim.halted, s.claim.exit_code));
        }
    }
    seg_free(&s);
    return rc;
}

/* RK_KIND_INPUT: parse it (item lengths, count and total against the meta). */
static int check_input(const rk_cli *c, const char *name, const rk_file *f, rk_err *e)
{
    rv_stream st;
    rv_stream_init(&st);
    int rc = input_decode(f, name, &st, e);
    if (!rc) {
        uint64_t bytes = 0;
        for (size_t i = st.head; i < st.n; i++)
            bytes += st.items[i].len;
        if (c->json) {
            rk_json j;
            rk_json_begin(&j, stdout);
            rk_json_str(&j, "file", name);
            rk_json_str(&j, "kind", "input");
            rk_json_bool(&j, "valid", 1);
            rk_json_u64(&j, "items", st.n - st.head);
            rk_json_u64(&j, "item_bytes", bytes);
            rk_json_end(&j);
        } else if (!c->quiet) {
            printf("%s: valid input: %zu items, %llu bytes\n", name, st.n - st.head, (unsigned long long)bytes);
        }
    }
    rv_stream_free(&st);
    return rc;
}

static void show_agg_progress(void *ctx, const char *name, size_t verified)
{
    const rk_cli *c = ctx;
    fprintf(stderr, "%s: verified %zu receipt%s (%s)\n", c->tool, verified, verified == 1 ? "" : "s", name);
}

static int verify_one(const rk_cli *c, const verify_opts *o, int info, const char *path, rk_err *e)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (!path[0])
        return rk_fail(e, RK_EINPUT, "'': an empty file name");
    rk_file f;
    uint8_t *buf;
    size_t len;
    rk_file_init(&f);
    int rc = rk_read_file(path, &buf, &len, e);
    if (rc)
        return rc;
    rc = info ? rk_file_decode_header(buf, len, name, 0, &f, e) : rk_file_decode(buf, len, name, 0, &f, e);
    free(buf);
    if (rc)
        return rc;
    if (info)
        rc = describe(c, name, &f, len, e);
    else if (f.kind == RK_KIND_RECEIPT)
        rc = verify_receipt(c, o, name, &f, e);
    else if (f.kind == RK_KIND_AGGREGATE)
        rc = verify_aggregate(c, o, name, &f, e);
    else if (o->complete || o->for_segment) /* checks that cannot apply are errors, never passes */
        rc = rk_fail(e, RK_EINPUT, "%s: %s applies to receipts%s, and this is %s", name,
                     o->complete ? "--complete" : "--segment", o->complete ? " and aggregates" : "",
                     rk_kind_a(f.kind));
    else if (f.kind == RK_KIND_SEGMENT)
        rc = check_segment(c, name, &f, e);
    else if (f.kind == RK_KIND_INPUT)
        rc = check_input(c, name, &f, e);
    else
        rc = rk_fail(e, RK_EINTERNAL, "%s: not implemented yet: verification of %ss (--info describes it)", name,
                     rk_kind_name(f.kind));
    rk_file_free(&f);
    return rc;
}

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-verify");
    int info = 0, progress_asked = 0;
    verify_opts vo = {0, NULL, RK_MIN_SECURITY_BITS};
    const char *config = NULL, *min_bits = NULL;
    static const char optstring[] = "ic:qvh";
    static const struct option opts[] = {
        {"info", no_argument, 0, 'i'},         {"complete", no_argument, 0, RK_OPT_TOOL_BASE},
        {"segment", required_argument, 0, RK_OPT_TOOL_BASE + 1},
        {"min-bits", required_argument, 0, RK_OPT_TOOL_BASE + 2},
        {"config", required_argument, 0, 'c'}, {"json", no_argument, 0, RK_OPT_JSON},
        {"progress", no_argument, 0, RK_OPT_PROGRESS},
        {"quiet", no_argument, 0, 'q'},        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (o == RK_OPT_PROGRESS)
            progress_asked = 1;
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'i': info = 1; break;
        case 'c': config = optarg; break;
        case RK_OPT_TOOL_BASE: vo.complete = 1; break;
        case RK_OPT_TOOL_BASE + 1: vo.for_segment = optarg; break;
        case RK_OPT_TOOL_BASE + 2: min_bits = optarg; break;
        case 'h': fputs(usage, stdout); return rk_cli_finish(&c, 0);
        case RK_OPT_VERSION: rk_cli_print_version(&c); return rk_cli_finish(&c, 0);
        default: return rk_cli_bad_option(&c, argv, optstring);
        }
    }
    if (optind >= argc)
        return rk_cli_usage(&c, "no input file");
    if (info && (vo.complete || vo.for_segment || config || min_bits))
        return rk_cli_usage(&c, "--info checks no proof: --complete, --segment, --min-bits and --config do not apply");
    if (config && min_bits)
        return rk_cli_usage(&c, "give the security floor once: --min-bits or --config, not both");
    if (vo.for_segment && !vo.for_segment[0])
        return rk_cli_usage(&c, "--segment: an empty file name");
    if (min_bits) {
        char *end;
        unsigned long v = strtoul(min_bits, &end, 10);
        if (!*min_bits || *end || min_bits[0] == '-' || v > 256)
            return rk_cli_usage(&c, "--min-bits must be an integer in 0..256, not '%s'", min_bits);
        vo.min_bits = (unsigned)v;
    }
    rk_err e;
    if (config) { /* explicit: the user asked for this file's floor */
        rk_config cfg;
        if (!config[0])
            return rk_cli_usage(&c, "--config: an empty file name");
        rk_config_defaults(&cfg);
        if (rk_config_load(&cfg, config, &e))
            return rk_cli_fail(&c, &e);
        vo.min_bits = cfg.min_security_bits;
    }
    if (!info && vo.min_bits < RK_MIN_SECURITY_BITS && !c.quiet)
        fprintf(stderr, "%s: accepting proofs of %u conjectured security bits or more, below the built-in %u, as %s%s asks\n",
                c.tool, vo.min_bits, RK_MIN_SECURITY_BITS, config ? "--config " : "--min-bits", config ? config : "");
    /* progress: asked for, or a terminal watching several files being verified */
    int progress = !c.quiet && (progress_asked || (c.progress && !info && argc - optind > 1));
    if (!c.quiet && !info && (progress_asked || c.progress)) /* an aggregate's receipts, one by one */
        agg_set_progress(show_agg_progress, &c);
    double t0 = rk_now_seconds();
    int worst = 0;
    for (int i = optind; i < argc; i++) {
        const char *name = strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];
        if (progress)
            fprintf(stderr, "%s: [%d/%d] %s (%.1f s)\n", c.tool, i - optind + 1, argc - optind, name,
                    rk_now_seconds() - t0);
        rk_err_clear(&e);
        int rc = verify_one(&c, &vo, info, argv[i], &e);
        if (rc)
            rc = report_failure(&c, name, &e);
        if (rc > worst)
            worst = rc;
    }
    return rk_cli_finish(&c, worst);
}
