#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifndef RAIKO_VERSION
#define RAIKO_VERSION "0.0.0"
#endif

void rk_cli_init(rk_cli *c, const char *tool)
{
    memset(c, 0, sizeof *c);
    c->tool = tool;
    c->progress = isatty(STDERR_FILENO);
}

int rk_cli_common_opt(rk_cli *c, int opt)
{
    switch (opt) {
    case 'v': c->verbose++; c->quiet = 0; return 1;
    case 'q': c->quiet = 1; c->verbose = 0; c->progress = 0; return 1;
    case RK_OPT_JSON: c->json = 1; return 1;
    case RK_OPT_PROGRESS: c->progress = 1; return 1;
    default: return 0;
    }
}

int rk_cli_fail(const rk_cli *c, const rk_err *e)
{
    fprintf(stderr, "%s: %s\n", c->tool, e->msg[0] ? e->msg : "unknown error");
    return e->code ? e->code : RK_EINTERNAL;
}

int rk_cli_usage(const rk_cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->tool);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try '%s --help')\n", c->tool);
    return RK_EINPUT;
}

int rk_cli_bad_option(const rk_cli *c, char **argv, const char *optstring)
{
    /* getopt leaves optind past the offending word; optopt is the short option
     * (or a long option's value when its argument is wrong, 0 when unknown) */
    const char *word = optind > 0 ? argv[optind - 1] : "";
    int is_long = word[0] == '-' && word[1] == '-';
    if (!is_long && optopt > 0 && optopt < 0x100)
        return strchr(optstring, optopt) ? rk_cli_usage(c, "option -%c needs an argument", optopt)
                                         : rk_cli_usage(c, "unknown option -%c", optopt);
    if (optopt)
        return rk_cli_usage(c, strchr(word, '=') ? "option '%s' takes no argument" : "option '%s' needs an argument",
                            word);
    return rk_cli_usage(c, "unknown option '%s'", word);
}

int rk_cli_finish(const rk_cli *c, int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: <stdout>: write error: %s\n", c->tool, strerror(errno ? errno : EIO));
        return rc > RK_EINTERNAL ? rc : RK_EINTERNAL;
    }
    return rc;
}

int rk_cli_not_implemented(const rk_cli *c, const char *what)
{
    fprintf(stderr, "%s: not implemented yet: %s\n", c->tool, what);
    return RK_EINTERNAL;
}

void rk_cli_print_version(const rk_cli *c)
{
    printf("%s %s\n", c->tool, RAIKO_VERSION);
}

void rk_cli_info(const rk_cli *c, const char *fmt, ...)
{
    if (!c->verbose || c->quiet)
        return;
    va_list ap;
    fprintf(stderr, "%s: ", c->tool);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- JSON ---- */

void rk_json_begin(rk_json *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    fputc('{', out);
}

void rk_json_end(rk_json *j)
{
    fputs("}\n", j->out);
    fflush(j->out);
}

static void sep(rk_json *j)
{
    if (j->need_comma[j->depth])
        fputc(',', j->out);
    j->need_comma[j->depth] = 1;
}

static void put_string(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(o, "\\u%04x", *p);
        else
            fputc(*p, o);
    }
    fputc('"', o);
}

void rk_json_key(rk_json *j, const char *key)
{
    sep(j);
    if (key) {
        put_string(j->out, key);
        fputc(':', j->out);
    }
}

void rk_json_str(rk_json *j, const char *key, const char *v)
{
    rk_json_key(j, key);
    put_string(j->out, v ? v : "");
}

void rk_json_u64(rk_json *j, const char *key, uint64_t v)
{
    rk_json_key(j, key);
    fprintf(j->out, "%" PRIu64, v);
}

void rk_json_i64(rk_json *j, const char *key, int64_t v)
{
    rk_json_key(j, key);
    fprintf(j->out, "%" PRId64, v);
}

void rk_json_f64(rk_json *j, const char *key, double v)
{
    rk_json_key(j, key);
    fprintf(j->out, "%.6g", v);
}

void rk_json_bool(rk_json *j, const char *key, int v)
{
    rk_json_key(j, key);
    fputs(v ? "true" : "false", j->out);
}

void rk_json_hex(rk_json *j, const char *key, const uint8_t *p, size_t n)
{
    rk_json_key(j, key);
    fputc('"', j->out);
    for (size_t i = 0; i < n; i++)
        fprintf(j->out, "%02x", p[i]);
    fputc('"', j->out);
}

void rk_json_obj_begin(rk_json *j, const char *key)
{
    rk_json_key(j, key);
    fputc('{', j->out);
    if (j->depth < 15)
        j->need_comma[++j->depth] = 0;
}

void rk_json_obj_end(rk_json *j)
{
    fputc('}', j->out);
    if (j->depth > 0)
        j->depth--;
}

void rk_json_arr_begin(rk_json *j, const char *key)
{
    rk_json_key(j, key);
    fputc('[', j->out);
    if (j->depth < 15)
        j->need_comma[++j->depth] = 0;
}

void rk_json_arr_end(rk_json *j)
{
    fputc(']', j->out);
    if (j->depth > 0)
        j->depth--;
}

void rk_cli_prefer_hugepages(char **argv)
{
    const char *no = getenv("RAIKO_NO_HUGEPAGES");
    if (no && *no && strcmp(no, "0"))
        return;
    const char *t = getenv("GLIBC_TUNABLES");
    if (t && strstr(t, "glibc.malloc.hugetlb"))
        return; /* set by us (the re-executed process) or by the user: theirs wins */
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s%sglibc.malloc.hugetlb=1", t ? t : "", t && *t ? ":" : "");
    if (n < 0 || (size_t)n >= sizeof buf || setenv("GLIBC_TUNABLES", buf, 1))
        return;
    execv("/proc/self/exe", argv);
    /* no /proc, or not allowed: run on with small pages, and do not try again in children */
    if (t)
        setenv("GLIBC_TUNABLES", t, 1);
    else
        unsetenv("GLIBC_TUNABLES");
}

uint64_t rk_peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u;
}

double rk_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
