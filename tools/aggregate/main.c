/* raiko-aggregate - combine segment receipts (or aggregates) into one receipt.
 * See docs/cli.md and raiko-aggregate(1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"

static const char usage[] =
    "Usage: raiko-aggregate [OPTIONS] -o OUT.ragg RECEIPT...\n"
    "Verify receipts (segment receipts or aggregates, in any order) that form one\n"
    "contiguous chain of a run, and write one aggregate receipt for the range.\n"
    "\n"
    "  -o, --output FILE    aggregate to write ('-' = stdout)\n"
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
    const char *out = NULL;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"json", no_argument, 0, RK_OPT_JSON},
        {"quiet", no_argument, 0, 'q'},       {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},        {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_usage(&c, "unknown option");
        }
    }
    if (!out)
        return rk_cli_usage(&c, "no output file (-o)");
    if (optind >= argc)
        return rk_cli_usage(&c, "no receipts given");
    for (int i = optind; i < argc; i++) {
        rk_err e;
        rk_file f;
        rk_file_init(&f);
        if (rk_file_read(argv[i], 0, &f, &e))
            return rk_cli_fail(&c, &e);
        int kind = f.kind;
        rk_file_free(&f);
        if (kind != RK_KIND_RECEIPT && kind != RK_KIND_AGGREGATE) {
            rk_fail(&e, RK_EINPUT, "%s: wrong kind of file: this is a %s, expected a receipt or an aggregate",
                    argv[i], rk_kind_name(kind));
            return rk_cli_fail(&c, &e);
        }
    }
    return rk_cli_not_implemented(&c, "aggregation (issue [dist])");
}
