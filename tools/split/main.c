/* raiko-split - run an RV32IM guest and cut the run into segment files.
 * See docs/exec.md and docs/cli.md. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "input/input.h"
#include "segment/segment.h"

static const char usage[] =
    "Usage: raiko-split [OPTIONS] PROGRAM.elf\n"
    "Run an RV32IM guest (SP1 ABI) and write its run as segment files + manifest.yaml.\n"
    "\n"
    "  -o, --output DIR        directory for seg-NNNNN.rseg and manifest.yaml (created,\n"
    "                          with its parents); one that holds an earlier split is\n"
    "                          refused unless --force\n"
    "      --force             replace an earlier split in DIR (its manifest first)\n"
    "      --input FILE        guest input stream (an input file, see docs/formats.md)\n"
    "      --input-item FILE   append FILE's bytes as one input item (repeatable)\n"
    "      --write-input FILE  write the input stream built from the options to FILE, exit\n"
    "      --po2 N             segment size 2^N cycles, N in 10..24 (default 20)\n"
    "      --execute-only      run without writing; print cycles, segments, exit code,\n"
    "                          public values\n"
    "      --segment K         write only segment K (byte-identical to a full split's)\n"
    "      --max-cycles N      stop a run longer than N cycles (a guest fault, exit 1);\n"
    "                          default 4096 segments (2^32 cycles at po2 20), 0: no limit\n"
    "      --sp1-abi V         v3 (SP1 v1-v3: fd 4 hints append to the input), v4 or v5\n"
    "                          (the default: they go in front)\n"
    "      --image-id          print the program's image id and exit\n"
    "      --json              summary on stdout as JSON (guest stdout then goes to stderr)\n"
    "      --progress          progress on stderr\n"
    "  -q, --quiet             no messages but errors\n"
    "  -v, --verbose           report cycles, speed, segments, bytes on stderr\n"
    "  -h, --help              this help\n"
    "      --version           print the version\n"
    "\n"
    "Exit: 0 the guest halted with exit code 0, 1 the guest exited non-zero or faulted,\n"
    "2 bad input or usage, 3 internal error or unsupported syscall.\n";

enum { OPT_INPUT = RK_OPT_TOOL_BASE, OPT_ITEM, OPT_PO2, OPT_EXEC, OPT_SEGMENT, OPT_IMAGE_ID, OPT_WRITE_INPUT, OPT_MAX_CYCLES, OPT_SP1_ABI, OPT_FORCE };

static void on_segment(void *ctx, const seg_claim *c, size_t n_pages, size_t bytes)
{
    const rk_cli *cli = ctx;
    if (cli->progress && !cli->quiet)
        fprintf(stderr, "%s: segment %u: %llu cycles, %zu pages, %zu payload bytes\n", cli->tool, c->index,
                (unsigned long long)c->cycles, n_pages, bytes);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > max)
        return 0;
    *out = v;
    return 1;
}

static void hex_words(const uint32_t w[8], char out[65])
{
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            snprintf(out + 8 * i + 2 * j, 3, "%02x", (w[i] >> (8 * j)) & 0xFF);
}

int main(int argc, char **argv)
{
    rk_cli c;
    rk_cli_init(&c, "raiko-split");
    const char *out_dir = NULL, *input = NULL, *write_input = NULL;
    const char **items = calloc((size_t)argc + 1, sizeof *items);
    size_t n_items = 0;
    unsigned long long po2 = SEG_PO2_DEFAULT, seg = 0, max_cycles = 0;
    int exec_only = 0, image_id = 0, have_seg = 0, sp1_abi = RV_ABI_V4, force = 0;
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},     {"input", required_argument, 0, OPT_INPUT},
        {"input-item", required_argument, 0, OPT_ITEM}, {"po2", required_argument, 0, OPT_PO2},
        {"execute-only", no_argument, 0, OPT_EXEC}, {"segment", required_argument, 0, OPT_SEGMENT},
        {"image-id", no_argument, 0, OPT_IMAGE_ID}, {"write-input", required_argument, 0, OPT_WRITE_INPUT},
        {"max-cycles", required_argument, 0, OPT_MAX_CYCLES}, {"sp1-abi", required_argument, 0, OPT_SP1_ABI},
        {"force", no_argument, 0, OPT_FORCE},
        {"json", no_argument, 0, RK_OPT_JSON},     {"progress", no_argument, 0, RK_OPT_PROGRESS},
        {"quiet", no_argument, 0, 'q'},            {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},             {"version", no_argument, 0, RK_OPT_VERSION},
        {0, 0, 0, 0}};
    if (!items) {
        fprintf(stderr, "raiko-split: out of memory\n");
        return RK_EINTERNAL;
    }
    int o, rc;
    opterr = 0; /* one line of our own instead of getopt's */
    while ((o = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out_dir = optarg; break;
        case OPT_INPUT: input = optarg; break;
        case OPT_ITEM: items[n_items++] = optarg; break;
        case OPT_WRITE_INPUT: write_input = optarg; break;
        case OPT_PO2:
            if (!parse_uint(optarg, 1000, &po2) || po2 < SEG_PO2_MIN || po2 > SEG_PO2_MAX) {
                free(items);
                return rk_cli_usage(&c, "--po2 must be an integer in %d..%d, not '%s'", SEG_PO2_MIN,
                                    SEG_PO2_MAX, optarg);
            }
            break;
        case OPT_EXEC: exec_only = 1; break;
        case OPT_SEGMENT:
            if (!parse_uint(optarg, 0xFFFFFFFFull, &seg)) {
                free(items);
                return rk_cli_usage(&c, "--segment must be a segment index, not '%s'", optarg);
            }
            have_seg = 1;
            break;
        case OPT_IMAGE_ID: image_id = 1; break;
        case OPT_MAX_CYCLES:
            if (!parse_uint(optarg, UINT64_MAX - 1, &max_cycles)) {
                free(items);
                return rk_cli_usage(&c, "--max-cycles must be a number of cycles (0: no limit), not '%s'",
                                    optarg);
            }
            if (max_cycles == 0)
                max_cycles = SEG_MAX_CYCLES_NONE;
            break;
        case OPT_SP1_ABI:
            if (!strcmp(optarg, "v3"))
                sp1_abi = RV_ABI_V3;
            else if (!strcmp(optarg, "v4") || !strcmp(optarg, "v5"))
                sp1_abi = RV_ABI_V4;
            else {
                free(items);
                return rk_cli_usage(&c, "--sp1-abi must be v3, v4 or v5, not '%s'", optarg);
            }
            break;
        case OPT_FORCE: force = 1; break;
        case 'h': fputs(usage, stdout); free(items); return 0;
        case RK_OPT_VERSION: rk_cli_print_version(&c); free(items); return 0;
        default: free(items); return rk_cli_bad_option(&c, argv, "o:qvh");
        }
    }
    rk_err e;
    rk_err_clear(&e);
    elf_image im;
    elf_image_init(&im);
    rv_stream in;
    rv_stream_init(&in);
    if (input && (rc = input_read(input, &in, &e)))
        goto fail;
    for (size_t i = 0; i < n_items; i++)
        if ((rc = input_add_file_item(items[i], &in, &e)))
            goto fail;
    if (write_input) {
        if (optind < argc)
            rc = rk_cli_usage(&c, "--write-input takes no program");
        else
            rc = input_write(write_input, &in, &e) ? rk_cli_fail(&c, &e) : 0;
        rv_stream_free(&in);
        free(items);
        return rc;
    }
    if (optind >= argc) {
        rv_stream_free(&in);
        free(items);
        return rk_cli_usage(&c, "no program given");
    }
    if (argc - optind > 1) {
        rv_stream_free(&in);
        free(items);
        return rk_cli_usage(&c, "one program at a time");
    }
    if (!image_id && !exec_only && !out_dir) {
        rv_stream_free(&in);
        free(items);
        return rk_cli_usage(&c, "give -o DIR (or --execute-only)");
    }
    if (exec_only && (out_dir || have_seg)) {
        rv_stream_free(&in);
        free(items);
        return rk_cli_usage(&c, "--execute-only writes nothing: no -o or --segment with it");
    }
    const char *prog = argv[optind];
    if ((rc = elf_image_load(&im, prog, &e)))
        goto fail;
    if (image_id) {
        p2_digest id;
        char hex[65];
        if ((rc = split_image_id(&im, &id, &e)))
            goto fail;
        ms_digest_hex(&id, hex);
        printf("%s\n", hex);
        elf_image_free(&im);
        rv_stream_free(&in);
        free(items);
        return 0;
    }
    const char *base = strrchr(prog, '/');
    split_opts so = {.po2 = (unsigned)po2, .out_dir = exec_only ? NULL : out_dir,
                     .only_segment = have_seg ? (int64_t)seg : -1, .max_cycles = max_cycles, .sp1_abi = sp1_abi,
                     .force = force,
                     .program = base ? base + 1 : prog,
                     .guest_stdout = c.json ? stderr : stdout, .guest_stderr = stderr,
                     .on_segment = on_segment, .ctx = &c};
    split_result r;
    split_result_init(&r);
    double t0 = rk_now_seconds();
    rc = split_run(&im, &in, &so, &r, &e);
    double dt = rk_now_seconds() - t0;
    fflush(stdout);
    elf_image_free(&im);
    rv_stream_free(&in);
    free(items);
    char id[65], pvd[65];
    ms_digest_hex(&r.image_id, id);
    hex_words(r.committed, pvd);
    if (rc == RK_OK) {
        if (c.json) {
            rk_json j;
            rk_json_begin(&j, stdout);
            rk_json_str(&j, "program", so.program);
            rk_json_str(&j, "image_id", id);
            rk_json_u64(&j, "po2", po2);
            rk_json_u64(&j, "cycles", r.total_cycles);
            rk_json_u64(&j, "segments", r.n_segments);
            rk_json_u64(&j, "segments_written", r.n_claims);
            rk_json_u64(&j, "bytes_written", r.bytes_written);
            rk_json_u64(&j, "exit_code", r.exit_code);
            rk_json_str(&j, "public_values_digest", pvd);
            rk_json_hex(&j, "public_values", r.public_values.data, r.public_values.len);
            rk_json_f64(&j, "wall_s", dt);
            rk_json_f64(&j, "mhz", dt > 0 ? (double)r.total_cycles / dt / 1e6 : 0);
            rk_json_u64(&j, "peak_rss_bytes", rk_peak_rss_bytes());
            rk_json_end(&j);
        } else if (exec_only) {
            printf("cycles: %llu\nsegments: %llu (po2 %llu)\nexit_code: %u\n",
                   (unsigned long long)r.total_cycles, (unsigned long long)r.n_segments, po2, r.exit_code);
            printf("public_values: ");
            for (size_t i = 0; i < r.public_values.len; i++)
                printf("%02x", r.public_values.data[i]);
            printf("\npublic_values_digest: %s\nimage_id: %s\n", pvd, id);
        }
        if (c.verbose && !c.quiet)
            rk_cli_info(&c, "%llu cycles in %.3f s (%.1f M cycles/s), %llu segments, %llu bytes written",
                        (unsigned long long)r.total_cycles, dt,
                        dt > 0 ? (double)r.total_cycles / dt / 1e6 : 0.0,
                        (unsigned long long)r.n_segments, (unsigned long long)r.bytes_written);
        if (r.exit_code != 0) {
            fprintf(stderr, "raiko-split: %s: guest exited with code %u\n", so.program, r.exit_code);
            split_result_free(&r);
            return 1;
        }
        split_result_free(&r);
        return 0;
    }
    split_result_free(&r);
    if (rc == RK_EFALSE) {
        fprintf(stderr, "raiko-split: %s: %s\n", so.program, e.msg);
        return 1;
    }
    if (rc == RK_EINTERNAL && strstr(e.msg, "not supported yet")) {
        fprintf(stderr, "raiko-split: %s: %s\n", so.program, e.msg);
        return rc;
    }
    return rk_cli_fail(&c, &e);
fail:
    elf_image_free(&im);
    rv_stream_free(&in);
    free(items);
    return rk_cli_fail(&c, &e);
}
