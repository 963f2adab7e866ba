/* backend.c - device selection and the CPU/GPU dispatch policy (see backend.h). */
#include "backend/backend.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpu/gpu.h"

/* Read by every dispatching call, possibly from several threads; written by
 * rk_backend_select (before proving) and by a failure under "auto". */
static atomic_int g_is_gpu;
static int g_auto;               /* selected by "auto": failures fall back to the CPU */
static int g_verbose;
static int g_quiet;                 /* -q: not even the mid-proof fallback is said */
static const char *g_tool = "raiko"; /* prefix of the messages: the tool's name */
static int g_said_fallback;
static size_t g_min_words = SIZE_MAX; /* SIZE_MAX: not read yet */
static int g_resident = -1;           /* -1: $RAIKO_GPU_RESIDENT, else on */

static pthread_mutex_t g_fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_failed;
static char g_fail_msg[RK_ERR_MSG_MAX];

/* NULL or "" name: $RAIKO_DEVICE, else "auto"; *from says which. */
static void resolve_name(const char **name, const char **from)
{
    if (*name && **name)
        return;
    *name = getenv(RK_DEVICE_ENV);
    *from = RK_DEVICE_ENV;
    if (!*name || !**name) {
        *name = "auto";
        *from = "default";
    }
}

/* ---- rk_backend_select_later: the device opened on a thread of its own ---- */
static pthread_t g_init_thread;
static atomic_int g_pending;          /* 1 while g_init_thread may still run gpu_init */
static pthread_mutex_t g_pending_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_later_gpu;               /* "gpu" was asked for (a failure is an error) */
static int g_later_ok, g_later_failed;
static rk_err g_later_err;
static char g_later_from[64];

static void *open_device(void *arg)
{
    (void)arg;
    rk_err_clear(&g_later_err);
    g_later_ok = gpu_init(&g_later_err) == RK_OK;
    return NULL;
}

/* Wait for the device thread (once) and apply its result. */
static void finish_pending(void)
{
    pthread_mutex_lock(&g_pending_lock);
    if (atomic_load(&g_pending)) {
        pthread_join(g_init_thread, NULL);
        if (g_later_ok) {
            atomic_store(&g_is_gpu, 1);
        } else {
            atomic_store(&g_is_gpu, 0);
            if (g_later_gpu)
                g_later_failed = 1;
            else if (g_verbose && !g_said_fallback) {
                fprintf(stderr, "%s: device auto: using the CPU (%s)\n", g_tool, g_later_err.msg);
                g_said_fallback = 1;
            }
        }
        atomic_store(&g_pending, 0);
    }
    pthread_mutex_unlock(&g_pending_lock);
}

int rk_backend_select(const char *name, rk_err *e) { return rk_backend_select_from(name, "--device", e); }

int rk_backend_select_from(const char *name, const char *source, rk_err *e)
{
    finish_pending(); /* a device thread of rk_backend_select_later: its result is replaced */
    g_later_failed = 0;
    const char *from = source && *source ? source : "--device";
    pthread_mutex_lock(&g_fail_lock);
    g_failed = 0;
    g_fail_msg[0] = 0;
    pthread_mutex_unlock(&g_fail_lock);
    resolve_name(&name, &from);
    g_auto = 0;
    const char *emu = getenv(RK_GPU_EMULATE_ENV);
    if (emu && strcmp(emu, "1") == 0 && gpu_emulation_compiled())
        gpu_set_emulation(1);
    if (strcmp(name, "cpu") == 0) {
        atomic_store(&g_is_gpu, 0);
        return RK_OK;
    }
    if (strcmp(name, "gpu") == 0) {
        rk_err ge;
        rk_err_clear(&ge);
        if (gpu_init(&ge) != RK_OK) {
            atomic_store(&g_is_gpu, 0);
            /* "--device gpu: no usable CUDA device: ..." (lib/gpu's messages start with "gpu: ") */
            const char *why = strncmp(ge.msg, "gpu: ", 5) == 0 ? ge.msg + 5 : ge.msg;
            return rk_fail(e, RK_EINTERNAL, "%s gpu: %s", from, why);
        }
        atomic_store(&g_is_gpu, 1);
        return RK_OK;
    }
    if (strcmp(name, "auto") == 0) {
        rk_err ge;
        rk_err_clear(&ge);
        g_auto = 1;
        int ok = gpu_init(&ge) == RK_OK;
        atomic_store(&g_is_gpu, ok);
        if (!ok && g_verbose && !g_said_fallback) {
            fprintf(stderr, "%s: device auto: using the CPU (%s)\n", g_tool, ge.msg);
            g_said_fallback = 1;
        }
        return RK_OK;
    }
    return rk_fail(e, RK_EINPUT, "%s: unknown device '%s' (want cpu, gpu or auto)", from, name);
}

int rk_backend_select_later(const char *name, const char *source, rk_err *e)
{
    const char *from = source && *source ? source : "--device";
    resolve_name(&name, &from);
    const char *emu = getenv(RK_GPU_EMULATE_ENV);
    if (strcmp(name, "gpu") != 0 && strcmp(name, "auto") != 0)
        return rk_backend_select_from(name, from, e); /* "cpu", or the error */
    if (emu && strcmp(emu, "1") == 0)
        return rk_backend_select_from(name, from, e); /* no device to wait for */
    finish_pending();
    pthread_mutex_lock(&g_fail_lock);
    g_failed = 0;
    g_fail_msg[0] = 0;
    pthread_mutex_unlock(&g_fail_lock);
    g_auto = strcmp(name, "auto") == 0;
    g_later_gpu = !g_auto;
    g_later_ok = g_later_failed = 0;
    snprintf(g_later_from, sizeof g_later_from, "%s", from);
    atomic_store(&g_is_gpu, 0);
    atomic_store(&g_pending, 1);
    if (pthread_create(&g_init_thread, NULL, open_device, NULL) != 0) {
        atomic_store(&g_pending, 0);
        return rk_backend_select_from(name, from, e);
    }
    return RK_OK;
}

int rk_backend_ready(rk_err *e)
{
    if (atomic_load(&g_pending))
        finish_pending();
    if (g_later_failed) {
        const char *why = strncmp(g_later_err.msg, "gpu: ", 5) == 0 ? g_later_err.msg + 5 : g_later_err.msg;
        return rk_fail(e, RK_EINTERNAL, "%s gpu: %s", g_later_from, why);
    }
    return RK_OK;
}

int rk_backend_is_gpu(void)
{
    if (atomic_load(&g_pending))
        finish_pending();
    return atomic_load(&g_is_gpu);
}

void rk_backend_set_resident(int on) { g_resident = on < 0 ? -1 : on != 0; }

int rk_backend_resident(void)
{
    if (!rk_backend_is_gpu())
        return 0;
    if (g_resident >= 0)
        return g_resident;
    const char *v = getenv(RK_GPU_RESIDENT_ENV);
    return !(v && strcmp(v, "0") == 0);
}

const char *rk_backend_name(void) { return rk_backend_is_gpu() ? "gpu" : "cpu"; }

void rk_backend_set_verbose(int on) { g_verbose = on != 0; }

void rk_backend_set_messages(const char *tool, int quiet)
{
    if (tool)
        g_tool = tool;
    g_quiet = quiet != 0;
}

void rk_backend_set_gpu_min_words(size_t words) { g_min_words = words; }

size_t rk_backend_gpu_min_words(void)
{
    if (g_min_words != SIZE_MAX)
        return g_min_words;
    /* An unparsable value keeps the default: a tuning knob must not fail a proof. */
    const char *s = getenv(RK_GPU_MIN_WORDS_ENV);
    if (s && *s) {
        char *end;
        unsigned long long v = strtoull(s, &end, 0);
        if (*end == 0 && v < SIZE_MAX)
            return (size_t)v;
    }
    return RK_GPU_MIN_WORDS_DEFAULT;
}

int rk_backend_offload(size_t words)
{
    return words > 0 && rk_backend_is_gpu() && words >= rk_backend_gpu_min_words();
}

int rk_backend_gpu_failed(const rk_err *ge)
{
    pthread_mutex_lock(&g_fail_lock);
    int first = !g_failed;
    if (first) {
        g_failed = 1;
        snprintf(g_fail_msg, sizeof g_fail_msg, "%s", ge && ge->msg[0] ? ge->msg : "gpu: failed");
    }
    int fall_back = g_auto;
    if (fall_back) {
        atomic_store(&g_is_gpu, 0);
        if (first && !g_quiet)
            fprintf(stderr, "%s: device auto: %s; continuing on the CPU\n", g_tool, g_fail_msg);
    }
    pthread_mutex_unlock(&g_fail_lock);
    return fall_back ? RK_OK : RK_EINTERNAL;
}

const char *rk_backend_gpu_error(void)
{
    pthread_mutex_lock(&g_fail_lock);
    const char *m = g_failed ? g_fail_msg : NULL;
    pthread_mutex_unlock(&g_fail_lock);
    return m;
}

static pthread_mutex_t g_stats_lock = PTHREAD_MUTEX_INITIALIZER;
static rk_backend_stats g_stats;

double rk_backend_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void rk_backend_gpu_call_done(double t0, size_t pcie_bytes)
{
    double dt = rk_backend_clock() - t0;
    pthread_mutex_lock(&g_stats_lock);
    g_stats.calls++;
    g_stats.seconds += dt;
    g_stats.pcie_bytes += pcie_bytes;
    pthread_mutex_unlock(&g_stats_lock);
}

void rk_backend_get_stats(rk_backend_stats *s)
{
    pthread_mutex_lock(&g_stats_lock);
    *s = g_stats;
    pthread_mutex_unlock(&g_stats_lock);
}

void rk_backend_reset_stats(void)
{
    pthread_mutex_lock(&g_stats_lock);
    memset(&g_stats, 0, sizeof g_stats);
    pthread_mutex_unlock(&g_stats_lock);
}
