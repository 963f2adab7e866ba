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
#include "receipt/receipt.h"

static const char usage[] =
    "Usage: raiko-verify [OPTIONS] FILE...\n"
    "Check raiko files and print their claims.\n"
    "Receipts, aggregates and wrapped proofs are verified; every file's integrity\n"
    "(magic, version, kind, sizes, checksum) is checked first.  FILE '-' reads stdin.\n"
    "\n"
    "      --complete  an aggregate must cover the whole run (segment 0 to the halt)\n"
    "      --segment SEG  the receipt must prove exactly the segment file SEG\n"
    "  -i, --info      only describe each file (kind, sizes, digests) after checking\n"
    "                  its integrity; reads the metadata without decompressing\n"
    "      --json      one JSON object per file on stdout\n"
    "  -q, --quiet     print nothing, only set the exit code\n"
    "  -v, --verbose   more detail on stderr\n"
    "  -h, --help      this help\n"
    "      --version   print the version\n"
    "\n"
    "Exit: 0 all valid, 1 a proof is invalid (the reason is printed), 2 a file is\n"
    "unreadable or not a raiko file, 3 internal error or not implemented yet.\n";

static void describe(const rk_cli *c, const char *name, const rk_file *f, size_t file_len)
{
    if (c->json) {
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "file", name);
        rk_json_str(&j, "kind", rk_kind_name(f->kind));
        rk_json_u64(&j, "kind_version", f->kind_version);
        rk_json_u64(&j, "file_bytes", file_len);
        rk_json_u64(&j, "meta_bytes", f->meta_len);
        rk_json_u64(&j, "payload_bytes", f->payload_len);
        char sum[17];
        snprintf(sum, sizeof sum, "%016" PRIx64, f->checksum);
        rk_json_str(&j, "xxh3", sum);
        rk_json_end(&j);
    } else if (!c->quiet) {
        printf("%s: %s (kind version %u), %zu bytes, meta %zu bytes, payload %zu bytes "
               "uncompressed, xxh3 %016" PRIx64 "\n",
               name, rk_kind_name(f->kind), f->kind_version, file_len, f->meta_len, f->payload_len,
               f->checksum);
    }
}

/* RK_KIND_RECEIPT: verify a segment receipt and print its claim.  The FRI
 * security floor comes from the configuration ($RAIKO_CONFIG or ./raiko.yaml). */
static int verify_receipt(const rk_cli *c, const char *name, const rk_file *f, rk_err *e)
{
    rk_config cfg;
    int rc = rk_config_find_and_load(&cfg, NULL, e);
    if (rc)
        return rc;
    receipt r;
    rcpt_init(&r);
    rc = rcpt_decode(&r, f, name, e);
    if (!rc) {
        rc = rcpt_verify(&r, cfg.min_security_bits, e);
        if (rc)
            rk_err_prefix(e, "%s: invalid receipt", name);
    }
    if (rc) {
        rcpt_free(&r);
        return rc;
    }
    const rcpt_claim *cl = &r.claim;
    char img[65], pre[65], post[65], pv[65];
    ms_digest_hex(&cl->image_id, img);
    ms_digest_hex(&cl->pre_state, pre);
    ms_digest_hex(&cl->post_state, post);
    for (int i = 0; i < 32; i++) /* the digest's bytes: words little-endian, as the manifest prints it */
        snprintf(pv + 2 * i, 3, "%02x", (cl->committed[i / 4] >> (8 * (i % 4))) & 0xFF);
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
        rk_json_u64(&j, "security_bits", fri_security_bits(&r.fri));
        rk_json_end(&j);
    } else if (!c->quiet) {
        printf("%s: valid receipt: image %s segment %u, %llu cycles, %s, pre-state %s, post-state %s, "
               "public values digest %s, %u-bit FRI\n",
               name, img, cl->index, (unsigned long long)cl->cycles,
               cl->halted ? (cl->exit_code ? "halted with a non-zero exit code" : "halted with exit code 0")
                          : "running",
               pre, post, pv, fri_security_bits(&r.fri));
        if (cl->halted && cl->exit_code)
            printf("%s: exit code %u\n", name, cl->exit_code);
    }
    rcpt_free(&r);
    return RK_OK;
}

/* --segment SEG: the receipt must be the proof of exactly that segment file
 * (the pipeline's check of a receipt that came back from another host). */
static int receipt_matches_segment(const char *name, const rk_file *f, const char *seg_path, rk_err *e)
{
    rk_file sf;
    rk_file_init(&sf);
    int rc = rk_file_read(seg_path, RK_KIND_SEGMENT, &sf, e);
    seg_claim sc;
    rcpt_claim rc_;
    if (!rc)
        rc = seg_claim_decode(&sc, sf.meta, sf.meta_len, seg_path, e);
    if (!rc)
        rc = rcpt_claim_decode(&rc_, f->meta, f->meta_len, name, e);
    rk_file_free(&sf);
    if (rc)
        return rc;
    if (memcmp(&sc.image_id, &rc_.image_id, sizeof sc.image_id) || sc.index != rc_.index ||
        memcmp(&sc.pre_state, &rc_.pre_state, sizeof sc.pre_state) ||
        memcmp(&sc.post_state, &rc_.post_state, sizeof sc.post_state) || sc.cycles != rc_.cycles ||
        sc.halted != rc_.halted || sc.exit_code != rc_.exit_code)
        return rk_fail(e, RK_EFALSE, "%s: valid, but not the receipt of %s (segment %u)", name, seg_path,
                       sc.index);
    return RK_OK;
}

/* RK_KIND_AGGREGATE: verify every carried receipt and the chain, print the claim. */
static int verify_aggregate(const rk_cli *c, const char *name, const rk_file *f, int need_complete, rk_err *e)
{
    rk_config cfg;
    int rc = rk_config_find_and_load(&cfg, NULL, e);
    if (rc)
        return rc;
    agg_claim cl;
    rc = agg_verify(f, name, cfg.min_security_bits, &cl, e); /* its messages name the file */
    if (rc)
        return rc;
    char img[65], pre[65], post[65], pv[65];
    ms_digest_hex(&cl.image_id, img);
    ms_digest_hex(&cl.pre_state, pre);
    ms_digest_hex(&cl.post_state, post);
    for (int i = 0; i < 32; i++)
        snprintf(pv + 2 * i, 3, "%02x", (cl.committed[i / 4] >> (8 * (i % 4))) & 0xFF);
    int complete = agg_claim_complete(&cl);
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
        rk_json_end(&j);
    } else if (!c->quiet) {
        printf("%s: valid aggregate: image %s segments %u..%u%s, %llu cycles, %s, pre-state %s, post-state %s, "
               "public values digest %s\n",
               name, img, cl.first, cl.last, complete ? " (the whole run)" : "", (unsigned long long)cl.cycles,
               cl.halted ? (cl.exit_code ? "halted with a non-zero exit code" : "halted with exit code 0")
                         : "running",
               pre, post, pv);
    }
    if (need_complete && !complete)
        return rk_fail(e, RK_EFALSE, "%s: valid, but covers segments %u..%u%s, not the whole run", name, cl.first,
                       cl.last, cl.halted ? "" : " without the halt");
    return RK_OK;
}

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-verify");
    int info = 0, complete = 0;
    const char *for_segment = NULL;
    static const struct option opts[] = {
        {"info", no_argument, 0, 'i'},         {"complete", no_argument, 0, RK_OPT_TOOL_BASE},
        {"segment", required_argument, 0, RK_OPT_TOOL_BASE + 1},         {"json", no_argument, 0, RK_OPT_JSON},
        {"quiet", no_argument, 0, 'q'},        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "iqvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'i': info = 1; break;
        case RK_OPT_TOOL_BASE: complete = 1; break;
        case RK_OPT_TOOL_BASE + 1: for_segment = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_usage(&c, "unknown option");
        }
    }
    if (optind >= argc)
        return rk_cli_usage(&c, "no input file");

    int worst = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
        rk_err e;
        rk_file f;
        uint8_t *buf;
        size_t len;
        rk_file_init(&f);
        int rc = rk_read_file(path, &buf, &len, &e);
        if (rc == RK_OK) {
            rc = info ? rk_file_decode_header(buf, len, name, 0, &f, &e)
                      : rk_file_decode(buf, len, name, 0, &f, &e);
            free(buf);
        }
        if (rc == RK_OK && info)
            describe(&c, name, &f, len);
        else if (rc == RK_OK && f.kind == RK_KIND_RECEIPT) {
            rc = verify_receipt(&c, name, &f, &e);
            if (!rc && for_segment)
                rc = receipt_matches_segment(name, &f, for_segment, &e);
            if (rc && !c.quiet)
                rk_cli_fail(&c, &e);
        } else if (rc == RK_OK && f.kind == RK_KIND_AGGREGATE) {
            rc = verify_aggregate(&c, name, &f, complete, &e);
            if (rc && !c.quiet)
                rk_cli_fail(&c, &e);
        } else if (rc == RK_OK) {
            /* Verification of wrapped proofs arrives with the wrap. */
            snprintf(e.msg, sizeof e.msg, "%s: %s", name, rk_kind_name(f.kind));
            rc = rk_cli_not_implemented(&c, f.kind == RK_KIND_SEGMENT || f.kind == RK_KIND_INPUT
                                                ? "checking segment and input files beyond their integrity (use --info)"
                                                : "verification of wrapped proofs");
        } else if (!c.quiet)
            rk_cli_fail(&c, &e);
        rk_file_free(&f);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}
