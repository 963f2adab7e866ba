/* raiko-aggregate - combine segment receipts (or aggregates) into one receipt.
 * See docs/cli.md and raiko-aggregate(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate/aggregate.h"
#include "cli/cli.h"
#include "config/config.h"
#include "memstate/memstate.h"
#include "container/container.h"

static const char usage[] =
    "Usage: raiko-aggregate [OPTIONS] -o OUT.ragg RECEIPT...\n"
    "Verify receipts (segment receipts or aggregates, in any order) that form one\n"
    "contiguous chain of a run, and write one aggregate receipt for the range.\n"
    "\n"
    "  -o, --output FILE    aggregate to write ('-' = stdout)\n"
    "      --min-bits N     accept receipts of at least N conjectured security bits\n"
    "                       (default 100, the built-in floor; a lower one is said on stderr)\n"
    "  -c, --config FILE    take the floor from FILE's security.min_bits (docs/config.md);\n"
    "                       $RAIKO_CONFIG and ./raiko.yaml are never read for it\n"
    "      --json           summary on stdout (not with -o -)\n"
    "      --progress       say each receipt verified on stderr (default: when stderr\n"
    "                       is a terminal)\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        more detail on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Exit: 0 aggregate written, 1 an input does not verify or the inputs do not\n"
    "chain (gap, duplicate, mixed programs), 2 bad input or usage, 3 internal error\n"
    "or stdout write error.\n";

static double progress_t0; /* the start of the verification */

static void show_progress(void *ctx, const char *name, size_t verified)
{
    const rk_cli *c = ctx;
    fprintf(stderr, "%s: verified %zu receipt%s (%s), %.1f s\n", c->tool, verified, verified == 1 ? "" : "s", name,
            rk_now_seconds() - progress_t0);
}

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-aggregate");
    const char *out = NULL, *config = NULL, *min_bits = NULL;
    static const char optstring[] = "o:c:qvh";
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"config", required_argument, 0, 'c'},
        {"min-bits", required_argument, 0, RK_OPT_TOOL_BASE},
        {"json", no_argument, 0, RK_OPT_JSON}, {"progress", no_argument, 0, RK_OPT_PROGRESS},
        {"quiet", no_argument, 0, 'q'},       {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},        {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case 'c': config = optarg; break;
        case RK_OPT_TOOL_BASE: min_bits = optarg; break;
        case 'h': fputs(usage, stdout); return rk_cli_finish(&c, 0);
        case RK_OPT_VERSION: rk_cli_print_version(&c); return rk_cli_finish(&c, 0);
        default: return rk_cli_bad_option(&c, argv, optstring);
        }
    }
    if (!out)
        return rk_cli_usage(&c, "no output file (-o)");
    if (!out[0])
        return rk_cli_usage(&c, "-o: an empty file name");
    if (c.json && strcmp(out, "-") == 0)
        return rk_cli_usage(&c, "--json and -o - would both write to stdout");
    if (optind >= argc)
        return rk_cli_usage(&c, "no receipts given");
    for (int i = optind; i < argc; i++)
        if (!argv[i][0])
            return rk_cli_usage(&c, "an empty file name among the receipts");
    if (config && min_bits)
        return rk_cli_usage(&c, "give the security floor once: --min-bits or --config, not both");
    rk_err e;
    /* the floor: built in, unless the user names one (never from ./raiko.yaml or $RAIKO_CONFIG) */
    unsigned floor_bits = RK_MIN_SECURITY_BITS;
    if (min_bits) {
        char *end;
        unsigned long v = strtoul(min_bits, &end, 10);
        if (!*min_bits || *end || min_bits[0] == '-' || v > 256)
            return rk_cli_usage(&c, "--min-bits must be an integer in 0..256, not '%s'", min_bits);
        floor_bits = (unsigned)v;
    }
    if (config) {
        rk_config cfg;
        rk_config_defaults(&cfg);
        if (!config[0])
            return rk_cli_usage(&c, "--config: an empty file name");
        if (rk_config_load(&cfg, config, &e))
            return rk_cli_fail(&c, &e);
        floor_bits = cfg.min_security_bits;
    }
    if (floor_bits < RK_MIN_SECURITY_BITS && !c.quiet)
        fprintf(stderr, "%s: accepting receipts of %u conjectured security bits or more, below the built-in %u, as %s%s asks\n",
                c.tool, floor_bits, RK_MIN_SECURITY_BITS, config ? "--config " : "--min-bits", config ? config : "");
    if (c.progress && !c.quiet)
        agg_set_progress(show_progress, &c);
    double t0 = rk_now_seconds();
    progress_t0 = t0;
    rk_file f;
    agg_claim cl;
    rk_file_init(&f);
    int rc = agg_build((const char *const *)argv + optind, (size_t)(argc - optind), floor_bits, &f,
                       &cl, &e);
    if (!rc)
        rc = rk_file_write(out, &f, &e);
    rk_file_free(&f);
    if (rc)
        return rk_cli_fail(&c, &e);
    double dt = rk_now_seconds() - t0;
    rk_cli_info(&c, "segments %u..%u%s, %llu cycles, %d inputs verified in %.2f s, %u-bit FRI (the weakest receipt)",
                cl.first, cl.last, agg_claim_complete(&cl) ? " (the whole run)" : "", (unsigned long long)cl.cycles,
                argc - optind, dt, cl.security_bits);
    if (c.json) {
        char img[65];
        ms_digest_hex(&cl.image_id, img);
        rk_json j;
        rk_json_begin(&j, stdout);
        rk_json_str(&j, "output", out);
        rk_json_str(&j, "image_id", img);
        rk_json_u64(&j, "first_segment", cl.first);
        rk_json_u64(&j, "last_segment", cl.last);
        rk_json_bool(&j, "complete", agg_claim_complete(&cl));
        rk_json_u64(&j, "cycles", cl.cycles);
        rk_json_bool(&j, "halted", (int)cl.halted);
        rk_json_u64(&j, "exit_code", cl.exit_code);
        rk_json_u64(&j, "security_bits", cl.security_bits);
        rk_json_f64(&j, "wall_s", dt);
        rk_json_end(&j);
    }
    return rk_cli_finish(&c, 0);
}
