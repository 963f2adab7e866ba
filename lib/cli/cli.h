/* cli.h - what every raiko tool shares: option conventions, messages, exit
 * codes, --json output (docs/cli.md).
 *
 * Exit codes: 0 success, 1 a proof or check was false, 2 usage or input
 * error, 3 internal or resource error (the rk_code values).  Errors are one
 * line on stderr: "raiko-<tool>: <file>: <problem>".  Nothing is printed on
 * success unless asked (-v, --json), so tools compose in pipelines.
 */
#ifndef RAIKO_CLI_H
#define RAIKO_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

typedef struct rk_cli {
    const char *tool;   /* "raiko-verify" */
    int verbose;        /* -v (repeatable) */
    int quiet;          /* -q */
    int json;           /* --json */
    int progress;       /* --progress, or stderr is a terminal */
} rk_cli;

void rk_cli_init(rk_cli *c, const char *tool);

/* Handle one of the shared options; returns 1 if opt was one of them.
 * The tools' getopt_long tables use these values for the long-only ones. */
enum { RK_OPT_VERSION = 0x1000, RK_OPT_JSON, RK_OPT_PROGRESS, RK_OPT_TOOL_BASE = 0x1100 };
int rk_cli_common_opt(rk_cli *c, int opt);

/* Print "tool: msg" for e and return e->code (the exit code). */
int rk_cli_fail(const rk_cli *c, const rk_err *e);
/* Usage error, one line: "tool: msg (try 'tool --help')"; returns RK_EINPUT. */
int rk_cli_usage(const rk_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long returned '?' (the tool set opterr = 0): one usage line naming
 * the option that is unknown or lacks its argument; returns RK_EINPUT. */
int rk_cli_bad_option(const rk_cli *c, char **argv, const char *optstring);
/* Call last, with the exit code the tool is about to return: flushes stdout
 * and turns a write error there (a full disk, a closed pipe, > /dev/full)
 * into one line and exit 3, so no tool reports success for output it lost. */
int rk_cli_finish(const rk_cli *c, int rc);
/* A capability that is not built yet: "tool: not implemented yet: what"; returns RK_EINTERNAL. */
int rk_cli_not_implemented(const rk_cli *c, const char *what);
void rk_cli_print_version(const rk_cli *c);
/* Verbose/progress line to stderr (only with -v, never with -q). */
void rk_cli_info(const rk_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Minimal streaming JSON writer for --json summaries (one object per line). */
typedef struct rk_json {
    FILE *out;
    int depth;
    int need_comma[16];
} rk_json;
void rk_json_begin(rk_json *j, FILE *out);            /* { */
void rk_json_end(rk_json *j);                         /* } and newline */
void rk_json_key(rk_json *j, const char *key);
void rk_json_str(rk_json *j, const char *key, const char *v);   /* key NULL inside arrays */
void rk_json_u64(rk_json *j, const char *key, uint64_t v);
void rk_json_i64(rk_json *j, const char *key, int64_t v);
void rk_json_f64(rk_json *j, const char *key, double v);
void rk_json_bool(rk_json *j, const char *key, int v);
void rk_json_hex(rk_json *j, const char *key, const uint8_t *p, size_t n);
void rk_json_obj_begin(rk_json *j, const char *key);
void rk_json_obj_end(rk_json *j);
void rk_json_arr_begin(rk_json *j, const char *key);
void rk_json_arr_end(rk_json *j);

/* Ask glibc's malloc for transparent huge pages for its big (mmap'd) blocks: the prover's
 * traces, LDEs and trees are hundreds of MiB of fresh memory, and faulting them in 4 KiB at a
 * time cost about 8% of a proof here (30x fewer faults with huge pages; same output bytes).
 * The tunable (glibc.malloc.hugetlb=1, glibc >= 2.35; older ones ignore it) is read only at
 * start-up, so this re-executes the program once with it added to GLIBC_TUNABLES; it returns
 * when that is already done, when RAIKO_NO_HUGEPAGES is set, or when the exec fails.  Call it
 * first thing in main, before any output or thread. */
void rk_cli_prefer_hugepages(char **argv);

/* Resource figures for -v/--json reports. */
uint64_t rk_peak_rss_bytes(void);
double rk_now_seconds(void);   /* monotonic */

#endif
