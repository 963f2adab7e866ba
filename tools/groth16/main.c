/* raiko-groth16 - Groth16 over BN254 as plumbing, on snarkjs's files
 * (rapidsnark's role): prove, verify, setup, export-vk, solidity, check.
 * See docs/groth16.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "groth16/groth16.h"

static const char usage[] =
    "Usage: raiko-groth16 COMMAND [OPTIONS] ARGS\n"
    "Groth16 over BN254 on snarkjs/circom files (.zkey, .wtns, .r1cs, .ptau, JSON).\n"
    "\n"
    "  prove ZKEY WTNS -o PROOF.json [--public PUBLIC.json] [--seed HEX64]\n"
    "        prove with random blinding (--seed: reproducible, for tests only)\n"
    "  verify VK.json PUBLIC.json PROOF.json\n"
    "        exit 0 if the proof is valid, 1 if not\n"
    "  setup R1CS PTAU -o ZKEY\n"
    "        phase-2 start from a prepared powers-of-tau file, as `snarkjs groth16\n"
    "        setup` (contribute with `snarkjs zkey contribute` before real use)\n"
    "  setup --insecure-deterministic SEED R1CS -o ZKEY\n"
    "        INSECURE key whose secrets derive from SEED: tests and benchmarks only\n"
    "  export-vk ZKEY -o VK.json\n"
    "  solidity VK.json -o VERIFIER.sol\n"
    "  check R1CS WTNS\n"
    "        exit 0 if the witness satisfies the constraints, 1 if not\n"
    "\n"
    "  -o, --output FILE   output file ('-' = stdout), written atomically\n"
    "  -q, --quiet         no messages but errors\n"
    "  -v, --verbose       timings on stderr\n"
    "  -h, --help          this help\n"
    "      --version       print the version\n"
    "\n"
    "Exit: 0 success/valid, 1 invalid proof or witness, 2 bad input or usage,\n"
    "3 internal error.\n";

enum { OPT_PUBLIC = RK_OPT_TOOL_BASE, OPT_SEED, OPT_INSECURE };

static int parse_seed(const char *hex, uint8_t out[32])
{
    if (strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

int main(int argc, char **argv)
{
    rk_cli_prefer_hugepages(argv); /* the key's point arrays and MSM scratch: hundreds of MiB */
    rk_cli c;
    rk_cli_init(&c, "raiko-groth16");
    const char *out = NULL, *pub = NULL, *insecure = NULL;
    uint8_t seed[32];
    int have_seed = 0;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},  {"public", required_argument, 0, OPT_PUBLIC},
        {"seed", required_argument, 0, OPT_SEED}, {"insecure-deterministic", required_argument, 0, OPT_INSECURE},
        {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},          {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    opterr = 0; /* one line of our own instead of getopt's */
    while ((o = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case OPT_PUBLIC: pub = optarg; break;
        case OPT_SEED:
            if (parse_seed(optarg, seed))
                return rk_cli_usage(&c, "--seed takes 64 hex digits");
            have_seed = 1;
            break;
        case OPT_INSECURE: insecure = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_bad_option(&c, argv, "o:qvh");
        }
    }
    if (optind >= argc)
        return rk_cli_usage(&c, "no command given (prove, verify, setup, export-vk, solidity, check)");
    const char *cmd = argv[optind];
    char **a = argv + optind + 1;
    int na = argc - optind - 1;
    rk_err e;
    rk_err_clear(&e);
    int rc;
    double t0 = rk_now_seconds();
    if (strcmp(cmd, "prove") == 0) {
        if (na != 2)
            return rk_cli_usage(&c, "prove takes ZKEY WTNS");
        if (!out)
            return rk_cli_usage(&c, "no output file (-o)");
        rc = g16_cmd_prove(a[0], a[1], out, pub, have_seed ? seed : NULL, &e);
    } else if (strcmp(cmd, "verify") == 0) {
        if (na != 3)
            return rk_cli_usage(&c, "verify takes VK.json PUBLIC.json PROOF.json");
        rc = g16_cmd_verify(a[0], a[1], a[2], &e);
    } else if (strcmp(cmd, "setup") == 0) {
        if (!out)
            return rk_cli_usage(&c, "no output file (-o)");
        if (insecure) {
            char *end;
            unsigned long long s = strtoull(insecure, &end, 0);
            if (!*insecure || *end)
                return rk_cli_usage(&c, "--insecure-deterministic takes a number");
            if (na != 1)
                return rk_cli_usage(&c, "setup --insecure-deterministic SEED takes R1CS");
            rc = g16_cmd_setup(a[0], NULL, (uint64_t)s, out, &e);
        } else {
            if (na != 2)
                return rk_cli_usage(&c, "setup takes R1CS PTAU");
            rc = g16_cmd_setup(a[0], a[1], 0, out, &e);
        }
    } else if (strcmp(cmd, "export-vk") == 0) {
        if (na != 1)
            return rk_cli_usage(&c, "export-vk takes ZKEY");
        if (!out)
            return rk_cli_usage(&c, "no output file (-o)");
        rc = g16_cmd_export_vk(a[0], out, &e);
    } else if (strcmp(cmd, "solidity") == 0) {
        if (na != 1)
            return rk_cli_usage(&c, "solidity takes VK.json");
        if (!out)
            return rk_cli_usage(&c, "no output file (-o)");
        rc = g16_cmd_solidity(a[0], out, &e);
    } else if (strcmp(cmd, "check") == 0) {
        if (na != 2)
            return rk_cli_usage(&c, "check takes R1CS WTNS");
        rc = g16_cmd_check(a[0], a[1], &e);
    } else {
        return rk_cli_usage(&c, "unknown command '%s'", cmd);
    }
    if (rc)
        return rk_cli_fail(&c, &e);
    rk_cli_info(&c, "%s: %.3f s, peak RSS %.1f MiB", cmd, rk_now_seconds() - t0,
                (double)rk_peak_rss_bytes() / (1024.0 * 1024.0));
    return 0;
}
