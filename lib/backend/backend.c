#include "backend/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/gpu.h"

static int g_is_gpu;
static int g_verbose;
static int g_said_fallback;

int rk_backend_select(const char *name, rk_err *e)
{
    const char *from = "--device";
    if (!name || !*name) {
        name = getenv(RK_DEVICE_ENV);
        from = RK_DEVICE_ENV;
        if (!name || !*name) {
            name = "auto";
            from = "default";
        }
    }
    if (strcmp(name, "cpu") == 0) {
        g_is_gpu = 0;
        return RK_OK;
    }
    if (strcmp(name, "gpu") == 0) {
        rk_err ge;
        rk_err_clear(&ge);
        if (gpu_init(&ge) != RK_OK)
            return rk_fail(e, RK_EINTERNAL, "%s gpu: %s", from, ge.msg);
        g_is_gpu = 1;
        return RK_OK;
    }
    if (strcmp(name, "auto") == 0) {
        rk_err ge;
        rk_err_clear(&ge);
        g_is_gpu = gpu_init(&ge) == RK_OK;
        if (!g_is_gpu && g_verbose && !g_said_fallback) {
            fprintf(stderr, "raiko: device auto: using the CPU (%s)\n", ge.msg);
            g_said_fallback = 1;
        }
        return RK_OK;
    }
    return rk_fail(e, RK_EINPUT, "%s: unknown device '%s' (want cpu, gpu or auto)", from, name);
}

int rk_backend_is_gpu(void) { return g_is_gpu; }

const char *rk_backend_name(void) { return g_is_gpu ? "gpu" : "cpu"; }

void rk_backend_set_verbose(int on) { g_verbose = on != 0; }
