/* raiko-wrap - turn a final STARK receipt into a Groth16 proof over BN254.
 * See docs/cli.md and raiko-wrap(1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aggregate/aggregate.h"
#include "cli/cli.h"
#include "config/config.h"
#include "container/container.h"
#include "receipt/receipt.h"

static const char usage[] =
    "Usage: raiko-wrap [OPTIONS] -o OUT.rwrap RECEIPT\n"
    "Wrap a complete run's receipt (an aggregate, or a single segment receipt)\n"
    "into a Groth16 proof over BN254 that snarkjs and the EVM verifier check.\n"
    "\n"
    "  -o, --output FILE    wrapped proof to write ('-' = stdout)\n"
    "      --zkey FILE      the wrap circuit's proving key (snarkjs .zkey)\n"
    "      --json           summary on stdout (not with -o -)\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        more detail on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "The receipt is verified first (built-in security floor, 100 bits).\n"
    "\n"
    "Exit: 0 proof written, 1 the receipt does not verify, 2 bad input or usage,\n"
    "3 internal error or not implemented yet (a valid receipt, for now).\n";

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
    static const char optstring[] = "o:qvh";
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case RK_OPT_TOOL_BASE: zkey = optarg; break;
        case 'h': fputs(usage, stdout); return rk_cli_finish(&c, 0);
        case RK_OPT_VERSION: rk_cli_print_version(&c); return rk_cli_finish(&c, 0);
        default: return rk_cli_bad_option(&c, argv, optstring);
        }
    }
    (void)zkey;
    if (!out)
        return rk_cli_usage(&c, "no output file (-o)");
    if (optind >= argc)
        return rk_cli_usage(&c, "no receipt given");
    if (argc - optind > 1)
        return rk_cli_usage(&c, "one receipt at a time (aggregate first)");
    if (!out[0] || !argv[optind][0])
        return rk_cli_usage(&c, "an empty file name");
    if (c.json && strcmp(out, "-") == 0)
        return rk_cli_usage(&c, "--json and -o - would both write to stdout");
    rk_err e;
    rk_file f;
    rk_file_init(&f);
    const char *name = argv[optind];
    if (rk_file_read(name, 0, &f, &e))
        return rk_cli_fail(&c, &e);
    /* what is not a valid receipt is said as such (exit 2 malformed, 1 invalid) before the wrap */
    int rc = RK_OK;
    if (f.kind == RK_KIND_RECEIPT) {
        receipt r;
        rcpt_init(&r);
        rc = rcpt_decode(&r, &f, name, &e);
        if (!rc && (rc = rcpt_verify(&r, RK_MIN_SECURITY_BITS, &e)))
            rk_err_prefix(&e, "%s: invalid receipt", name);
        rcpt_free(&r);
    } else if (f.kind == RK_KIND_AGGREGATE) {
        agg_claim cl;
        rc = agg_verify(&f, name, RK_MIN_SECURITY_BITS, &cl, &e);
    } else {
        rc = rk_fail(&e, RK_EINPUT, "%s: wrong kind of file: this is %s, expected a receipt or an aggregate", name,
                     rk_kind_a(f.kind));
    }
    rk_file_free(&f);
    if (rc)
        return rk_cli_fail(&c, &e);
    return rk_cli_not_implemented(&c, "the Groth16 wrap of a STARK receipt (needs the wrap circuit)");
}
