/* raiko-wrap - turn a final STARK receipt into a Groth16 proof over BN254.
 * See docs/cli.md and raiko-wrap(1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"

static const char usage[] =
    "Usage: raiko-wrap [OPTIONS] -o OUT.rwrap RECEIPT\n"
    "Wrap a complete run's receipt (an aggregate, or a single segment receipt)\n"
    "into a Groth16 proof over BN254 that snarkjs and the EVM verifier check.\n"
    "\n"
    "  -o, --output FILE    wrapped proof to write ('-' = stdout)\n"
    "      --zkey FILE      the wrap circuit's proving key (snarkjs .zkey)\n"
    "      --json           summary on stdout\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        more detail on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Exit: 0 proof written, 1 the receipt does not verify, 2 bad input,\n"
    "3 internal error or not implemented yet.\n";

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-wrap");
    const char *out = NULL, *zkey = NULL;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"zkey", required_argument, 0, RK_OPT_TOOL_BASE},
        {"json", no_argument, 0, RK_OPT_JSON},  {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, RK_OPT_VERSION}, {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case RK_OPT_TOOL_BASE: zkey = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_usage(&c, "unknown option");
        }
    }
    (void)zkey;
    if (!out)
        return rk_cli_usage(&c, "no output file (-o)");
    if (optind >= argc)
        return rk_cli_usage(&c, "no receipt given");
    if (argc - optind > 1)
        return rk_cli_usage(&c, "one receipt at a time (aggregate first)");
    rk_err e;
    rk_file f;
    rk_file_init(&f);
    if (rk_file_read(argv[optind], 0, &f, &e))
        return rk_cli_fail(&c, &e);
    int kind = f.kind;
    rk_file_free(&f);
    if (kind != RK_KIND_RECEIPT && kind != RK_KIND_AGGREGATE) {
        rk_fail(&e, RK_EINPUT, "%s: wrong kind of file: this is a %s, expected a receipt or an aggregate",
                argv[optind], rk_kind_name(kind));
        return rk_cli_fail(&c, &e);
    }
    return rk_cli_not_implemented(&c, "the Groth16 wrap of a STARK receipt (needs the wrap circuit)");
}
