/* raiko-aggregate - combine segment receipts (or aggregates) into one receipt.
 * See docs/cli.md and raiko-aggregate(1). */
#include <getopt.h>
#include <stdio.h>
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
    "  -c, --config FILE    configuration (security.min_bits; docs/config.md)\n"
    "      --json           summary on stdout\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        more detail on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Exit: 0 aggregate written, 1 an input does not verify or the inputs do not\n"
    "chain (gap, duplicate, mixed programs), 2 bad input, 3 internal error.\n";

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-aggregate");
    const char *out = NULL, *config = NULL;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"config", required_argument, 0, 'c'},
        {"json", no_argument, 0, RK_OPT_JSON},
        {"quiet", no_argument, 0, 'q'},       {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},        {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "o:c:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case 'c': config = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_usage(&c, "unknown option");
        }
    }
    if (!out)
        return rk_cli_usage(&c, "no output file (-o)");
    if (optind >= argc)
        return rk_cli_usage(&c, "no receipts given");
    rk_err e;
    rk_config cfg;
    if (rk_config_find_and_load(&cfg, config, &e))
        return rk_cli_fail(&c, &e);
    double t0 = rk_now_seconds();
    rk_file f;
    agg_claim cl;
    rk_file_init(&f);
    int rc = agg_build((const char *const *)argv + optind, (size_t)(argc - optind), cfg.min_security_bits, &f,
                       &cl, &e);
    if (!rc)
        rc = rk_file_write(out, &f, &e);
    rk_file_free(&f);
    if (rc)
        return rk_cli_fail(&c, &e);
    double dt = rk_now_seconds() - t0;
    rk_cli_info(&c, "segments %u..%u%s, %llu cycles, %d inputs verified in %.2f s", cl.first, cl.last,
                agg_claim_complete(&cl) ? " (the whole run)" : "", (unsigned long long)cl.cycles, argc - optind, dt);
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
        rk_json_f64(&j, "wall_s", dt);
        rk_json_end(&j);
    }
    return 0;
}
