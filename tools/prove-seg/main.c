/* raiko-prove-seg - prove one segment file, writing a receipt.
 * See docs/cli.md and raiko-prove-seg(1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"

static const char usage[] =
    "Usage: raiko-prove-seg [OPTIONS] SEGMENT.rseg\n"
    "Re-execute one segment from its file alone, prove it (STARK), write a receipt.\n"
    "\n"
    "  -o, --output FILE    receipt to write ('-' = stdout); default: the segment's\n"
    "                       name with .rseg replaced by .rrcpt\n"
    "  -c, --config FILE    prover configuration (raiko.yaml; see docs/config.md)\n"
    "      --device DEV     cpu, gpu or auto (default auto, or $RAIKO_DEVICE)\n"
    "      --json           summary on stdout: cycles, wall time, kHz, proof size, peak RSS\n"
    "      --progress       progress on stderr even when it is not a terminal\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        report cycles, time, proof size, memory on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Exit: 0 receipt written, 2 bad input (unreadable or wrong kind of file),\n"
    "3 internal or resource error.\n";

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-prove-seg");
    const char *out = NULL, *config = NULL, *device = NULL;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},  {"config", required_argument, 0, 'c'},
        {"device", required_argument, 0, RK_OPT_TOOL_BASE},
        {"json", no_argument, 0, RK_OPT_JSON},  {"progress", no_argument, 0, RK_OPT_PROGRESS},
        {"quiet", no_argument, 0, 'q'},        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "o:c:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case 'c': config = optarg; break;
        case RK_OPT_TOOL_BASE: device = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); return 0;
        default: return rk_cli_usage(&c, "unknown option");
        }
    }
    if (optind >= argc)
        return rk_cli_usage(&c, "no segment file given");
    if (argc - optind > 1)
        return rk_cli_usage(&c, "one segment file at a time (use GNU parallel for many)");
    if (device && strcmp(device, "cpu") && strcmp(device, "gpu") && strcmp(device, "auto"))
        return rk_cli_usage(&c, "--device must be cpu, gpu or auto, not '%s'", device);
    (void)out;
    (void)config;

    rk_err e;
    rk_file seg;
    rk_file_init(&seg);
    if (rk_file_read(argv[optind], RK_KIND_SEGMENT, &seg, &e))
        return rk_cli_fail(&c, &e);
    rk_file_free(&seg);
    return rk_cli_not_implemented(&c, "proving segments (the RV32IM segment AIR, issue [seg])");
}
