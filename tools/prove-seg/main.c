/* raiko-prove-seg - prove one segment file, writing a receipt.
 * See docs/cli.md and raiko-prove-seg(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "config/config.h"
#include "container/container.h"
#include "gpu/gpu.h"
#include "receipt/receipt.h"
#include "segment/segment.h"

static const char usage[] =
    "Usage: raiko-prove-seg [OPTIONS] SEGMENT.rseg\n"
    "Re-execute one segment from its file alone, prove it (STARK), write a receipt.\n"
    "\n"
    "  -o, --output FILE    receipt to write ('-' = stdout); default: the segment's\n"
    "                       name with .rseg replaced by .rrcpt\n"
    "  -c, --config FILE    prover configuration (raiko.yaml; see docs/config.md)\n"
    "      --device DEV     cpu, gpu or auto (else $RAIKO_DEVICE, else the config's\n"
    "                       prover.device, else auto: the GPU when one is usable)\n"
    "      --json           summary on stdout: cycles, wall time, kHz, proof size, peak RSS,\n"
    "                       device and peak device memory\n"
    "      --progress       progress on stderr even when it is not a terminal\n"
    "  -q, --quiet          no messages but errors\n"
    "  -v, --verbose        report cycles, time, proof size, memory, device on stderr\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Exit: 0 receipt written, 1 the segment file's claims do not hold on replay,\n"
    "2 bad input (unreadable or wrong kind of file),\n"
    "3 internal or resource error (also: --device gpu without a usable GPU).\n";

/* --progress (or a terminal): each phase of the proof as it ends, with the
 * time since the start, on stderr.  The phases are those of -v's report. */
typedef struct progress_ctx {
    const char *tool, *segment;
    double t0;
    int step;
} progress_ctx;

static void show_progress(void *ctx, const char *phase)
{
    progress_ctx *p = ctx;
    static const struct { const char *key, *words; } names[] = {
        {"machine", "machine built"}, {"replay", "replay"},       {"trace", "trace rows and tables"},
        {"key", "proving key"},       {"check", "self-check"},    {"main", "main trace commit"},
        {"perm", "permutation traces"}, {"quotient", "quotient"}, {"open", "openings"},
        {"fri", "FRI"}};
    const char *words = phase;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].key, phase) == 0)
            words = names[i].words;
    p->step++;
    fprintf(stderr, "%s: %s: [%d] %s done, %.2f s\n", p->tool, p->segment, p->step, words, rk_now_seconds() - p->t0);
}

int main(int argc, char **argv)
{
    rk_cli_prefer_hugepages(argv);
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
    static const char optstring[] = "o:c:qvh";
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (rk_cli_common_opt(&c, o))
            continue;
        switch (o) {
        case 'o': out = optarg; break;
        case 'c': config = optarg; break;
        case RK_OPT_TOOL_BASE: device = optarg; break;
        case 'h': fputs(usage, stdout); return rk_cli_finish(&c, 0);
        case RK_OPT_VERSION: rk_cli_print_version(&c); return rk_cli_finish(&c, 0);
        default: return rk_cli_bad_option(&c, argv, optstring);
        }
    }
    if (optind >= argc)
        return rk_cli_usage(&c, "no segment file given");
    if (!argv[optind][0] || (out && !out[0]) || (config && !config[0]))
        return rk_cli_usage(&c, "an empty file name");
    if (c.json && out && strcmp(out, "-") == 0)
        return rk_cli_usage(&c, "--json and -o - would both write to stdout");
    if (argc - optind > 1)
        return rk_cli_usage(&c, "one segment file at a time (use GNU parallel for many)");
    if (device && strcmp(device, "cpu") && strcmp(device, "gpu") && strcmp(device, "auto"))
        return rk_cli_usage(&c, "--device must be cpu, gpu or auto, not '%s'", device);

    rk_err e;
    rk_config cfg;
    if (rk_config_find_and_load(&cfg, config, &e))
        return rk_cli_fail(&c, &e);
    fri_params fri = {cfg.log_blowup, cfg.num_queries, cfg.proof_of_work_bits, cfg.log_final_poly_len, 1};
    /* the device: --device, else $RAIKO_DEVICE, else the config's prover.device (default auto) */
    rk_backend_set_verbose(c.verbose && !c.quiet);
    rk_backend_set_messages("raiko-prove-seg", c.quiet);
    const char *dev_from = "--device";
    if (!device) {
        const char *env = getenv(RK_DEVICE_ENV);
        if (env && *env) {
            device = env;
            dev_from = RK_DEVICE_ENV;
        } else {
            device = cfg.device == RK_DEVICE_GPU ? "gpu" : cfg.device == RK_DEVICE_CPU ? "cpu" : "auto";
            dev_from = "prover.device";
        }
    }
    /* the device opens on a thread of its own while the segment is read and its traces built
     * (CUDA's start overlaps them); rcpt_prove_segment waits for it before the first GPU work */
    if (rk_backend_select_later(device, dev_from, &e))
        return rk_cli_fail(&c, &e);
    rk_backend_reset_stats();
    const char *in = argv[optind];
    char *def_out = NULL;
    if (!out) {
        size_t n = strlen(in);
        def_out = malloc(n + 8);
        if (!def_out)
            return rk_cli_fail(&c, &(rk_err){RK_EINTERNAL, "out of memory"});
        memcpy(def_out, in, n + 1);
        if (n > 5 && strcmp(in + n - 5, ".rseg") == 0)
            def_out[n - 5] = 0;
        strcat(def_out, ".rrcpt");
        out = def_out;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    segment s;
    seg_init(&s);
    rk_file rcpt;
    rk_file_init(&rcpt);
    rcpt_stats st;
    memset(&st, 0, sizeof st);
    int rc = seg_load(&s, in, &e);
    /* claims that cannot hold whatever the replay: segment 0 is where the run starts, the image */
    if (!rc && s.claim.index == 0 && memcmp(&s.claim.pre_state, &s.claim.image_id, sizeof s.claim.image_id))
        rc = rk_fail(&e, RK_EFALSE, "%s: the segment's claims cannot hold: segment 0 does not start from the image id",
                     in);
    if (!rc) {
        progress_ctx pc = {c.tool, in, rk_now_seconds(), 0};
        rcpt_prove_opts po;
        memset(&po, 0, sizeof po);
        if (c.progress && !c.quiet) {
            po.progress = show_progress;
            po.progress_ctx = &pc;
            fprintf(stderr, "%s: %s: segment %u, %llu cycles: proving\n", c.tool, in, s.claim.index,
                    (unsigned long long)s.claim.cycles);
        }
        rc = rcpt_prove_segment(&s, &fri, &po, &rcpt, &st, &e);
        if (!rc && c.progress && !c.quiet)
            fprintf(stderr, "%s: %s: proven, %.2f s\n", c.tool, in, rk_now_seconds() - pc.t0);
        rk_err be;
        rk_err_clear(&be);
        if (rc && rk_backend_ready(&be)) { /* the device asked for could not be opened: its message */
            e = be;
            rc = be.code;
        } else {
            /* a GPU failure reaches the prover as a bare RK_EINTERNAL: say the GPU's reason */
            if (rc == RK_EINTERNAL && rk_backend_gpu_error())
                rk_fail(&e, RK_EINTERNAL, "%s", rk_backend_gpu_error());
            if (rc)
                rk_err_prefix(&e, "%s", in);
        }
    }
    {
        rk_err be; /* no device thread left running at exit (a segment that did not load) */
        rk_err_clear(&be);
        int brc = rk_backend_ready(&be);
        if (!rc && brc) {
            e = be;
            rc = brc;
        }
    }
    if (!rc)
        rc = rk_file_write(out, &rcpt, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (!rc) {
        uint64_t rss = rk_peak_rss_bytes();
        rk_backend_stats gs;
        rk_backend_get_stats(&gs);
        double khz = wall > 0 ? (double)st.cycles / wall / 1e3 : 0;
        if (c.json) {
            rk_json j;
            rk_json_begin(&j, stdout);
            rk_json_str(&j, "segment", in);
            rk_json_str(&j, "receipt", out);
            rk_json_u64(&j, "index", s.claim.index);
            rk_json_u64(&j, "cycles", st.cycles);
            rk_json_f64(&j, "wall_s", wall);
            rk_json_f64(&j, "trace_s", st.trace_s);
            rk_json_f64(&j, "prove_s", st.prove_s);
            rk_json_obj_begin(&j, "trace_phases");
            rk_json_f64(&j, "key_s", st.key_s);
            rk_json_f64(&j, "replay_s", st.replay_s);
            rk_json_f64(&j, "fill_s", st.fill_s);
            rk_json_f64(&j, "tables_s", st.tables_s);
            rk_json_f64(&j, "count_s", st.count_s);
            rk_json_obj_end(&j);
            rk_json_obj_begin(&j, "phases");
            rk_json_f64(&j, "check_s", st.phases.check);
            rk_json_f64(&j, "main_s", st.phases.main);
            rk_json_f64(&j, "perm_s", st.phases.perm);
            rk_json_f64(&j, "quotient_s", st.phases.quotient);
            rk_json_f64(&j, "open_s", st.phases.open);
            rk_json_f64(&j, "fri_s", st.phases.fri);
            rk_json_obj_end(&j);
            rk_json_f64(&j, "khz", khz);
            rk_json_u64(&j, "proof_bytes", st.proof_bytes);
            rk_json_u64(&j, "security_bits", fri_security_bits(&fri));
            rk_json_u64(&j, "peak_rss_bytes", rss);
            rk_json_str(&j, "device", rk_backend_name());
            if (rk_backend_is_gpu()) {
                rk_json_str(&j, "gpu", gpu_device_name());
                rk_json_u64(&j, "gpu_mem_peak_bytes", gpu_mem_peak());
                rk_json_u64(&j, "gpu_calls", gs.calls);
                rk_json_f64(&j, "gpu_s", gs.seconds);
                rk_json_u64(&j, "gpu_pcie_bytes", gs.pcie_bytes);
            }
            if (rk_backend_gpu_error()) /* "auto" fell back to the CPU during the proof */
                rk_json_str(&j, "gpu_error", rk_backend_gpu_error());
            rk_json_end(&j);
        }
        rk_cli_info(&c, "%s: segment %u, %llu cycles, %.2f s (%.1f kHz), proof %zu bytes, peak RSS %.1f MiB",
                    out, s.claim.index, (unsigned long long)st.cycles, wall, khz, st.proof_bytes,
                    (double)rss / 1048576.0);
        rk_cli_info(&c, "time: trace %.2f s (key %.2f, replay %.2f, fill %.2f, tables %.2f, count %.2f), prove %.2f s "
                        "(check %.2f, main %.2f, perm %.2f, quotient %.2f, open %.2f, fri %.2f)",
                    st.trace_s, st.key_s, st.replay_s, st.fill_s, st.tables_s, st.count_s, st.prove_s, st.phases.check,
                    st.phases.main, st.phases.perm, st.phases.quotient, st.phases.open, st.phases.fri);
        if (rk_backend_is_gpu())
            rk_cli_info(&c, "device gpu: %s, %llu calls, %.2f s in them (%.2f GB over PCIe), peak device memory %.1f MiB",
                        gpu_device_name(), gs.calls, gs.seconds, (double)gs.pcie_bytes / 1e9,
                        (double)gpu_mem_peak() / 1048576.0);
        else
            rk_cli_info(&c, "device cpu");
    }
    rk_file_free(&rcpt);
    seg_free(&s);
    free(def_out);
    if (rc)
        return rk_cli_fail(&c, &e);
    return rk_cli_finish(&c, 0);
}
