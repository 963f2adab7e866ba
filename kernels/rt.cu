/* rt.cu - device selection, checked memory, emulation switch (see rt.cuh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mutex>

#include "api.cuh"
#include "rt.cuh"

namespace rk {

static std::recursive_mutex g_api_mutex;
rt_api_guard::rt_api_guard() { g_api_mutex.lock(); }
rt_api_guard::~rt_api_guard() { g_api_mutex.unlock(); }

static int g_emu;             /* host emulation instead of a device */
static int g_init_state;      /* 0 = not tried, 1 = ready, -1 = failed */
static char g_init_msg[256];  /* why the device is unusable */
static char g_name[256];

/* Live allocations with their sizes, for the current/peak accounting. */
#define RT_MAX_LIVE 256
static struct {
    void *p;
    size_t bytes;
} g_live[RT_MAX_LIVE];
static size_t g_cur, g_peak;

int rt_emulating(void) { return g_emu; }

int rt_init(rk_err *e)
{
    if (g_emu)
        return RK_OK;
    if (g_init_state == 0) {
        int n = 0;
        cudaError_t err = cudaGetDeviceCount(&n);
        if (err != cudaSuccess) {
            snprintf(g_init_msg, sizeof g_init_msg, "no usable CUDA device: %s",
                     cudaGetErrorString(err));
            g_init_state = -1;
        } else if (n == 0) {
            snprintf(g_init_msg, sizeof g_init_msg, "no CUDA device (CUDA_VISIBLE_DEVICES=%s)",
                     getenv("CUDA_VISIBLE_DEVICES") ? getenv("CUDA_VISIBLE_DEVICES") : "unset");
            g_init_state = -1;
        } else if ((err = cudaSetDevice(0)) != cudaSuccess || (err = cudaFree(0)) != cudaSuccess) {
            snprintf(g_init_msg, sizeof g_init_msg, "CUDA device 0 unusable: %s",
                     cudaGetErrorString(err));
            g_init_state = -1;
        } else {
            cudaDeviceProp prop;
            if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
                snprintf(g_name, sizeof g_name, "%.200s (sm_%d%d, %.1f GiB)", prop.name, prop.major,
                         prop.minor, (double)prop.totalGlobalMem / (1024.0 * 1024 * 1024));
            }
            g_init_state = 1;
        }
    }
    if (g_init_state < 0)
        return rk_fail(e, RK_EINTERNAL, "gpu: %s", g_init_msg);
    return RK_OK;
}

int rt_alloc(void **p, size_t bytes, const char *what, rk_err *e)
{
    *p = NULL;
    if (bytes == 0)
        bytes = 4;
    int slot = -1;
    for (int i = 0; i < RT_MAX_LIVE; i++)
        if (!g_live[i].p) {
            slot = i;
            break;
        }
    if (slot < 0)
        return rk_fail(e, RK_EINTERNAL, "gpu: more than %d live device buffers", RT_MAX_LIVE);
    if (g_emu) {
        *p = malloc(bytes);
        if (!*p)
            return rk_fail(e, RK_EINTERNAL, "gpu (emulated): out of memory allocating %zu bytes for %s",
                           bytes, what);
    } else {
        cudaError_t err = cudaMalloc(p, bytes);
        if (err != cudaSuccess) {
            *p = NULL;
            cudaGetLastError(); /* clear the sticky-free error so later calls work */
            size_t fr = 0, tot = 0;
            cudaMemGetInfo(&fr, &tot);
            if (err == cudaErrorMemoryAllocation)
                return rk_fail(e, RK_EINTERNAL,
                               "gpu: out of device memory: %s asked %zu bytes (%.2f GiB), %zu free "
                               "(%.2f GiB) of %.2f GiB",
                               what, bytes, bytes / 1073741824.0, fr, fr / 1073741824.0,
                               tot / 1073741824.0);
            return rk_fail(e, RK_EINTERNAL, "gpu: cudaMalloc(%zu) for %s: %s", bytes, what,
                           cudaGetErrorString(err));
        }
    }
    g_live[slot].p = *p;
    g_live[slot].bytes = bytes;
    g_cur += bytes;
    if (g_cur > g_peak)
        g_peak = g_cur;
    return RK_OK;
}

void rt_free(void *p)
{
    if (!p)
        return;
    for (int i = 0; i < RT_MAX_LIVE; i++)
        if (g_live[i].p == p) {
            g_cur -= g_live[i].bytes;
            g_live[i].p = NULL;
            break;
        }
    if (g_emu)
        free(p);
    else
        cudaFree(p);
}

static int rt_copy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, rk_err *e)
{
    if (bytes == 0)
        return RK_OK;
    if (g_emu) {
        memmove(dst, src, bytes);
        return RK_OK;
    }
    RK_CU(cudaMemcpy(dst, src, bytes, kind), e);
    return RK_OK;
}

int rt_h2d(void *dst, const void *src, size_t bytes, rk_err *e)
{
    return rt_copy(dst, src, bytes, cudaMemcpyHostToDevice, e);
}

int rt_d2h(void *dst, const void *src, size_t bytes, rk_err *e)
{
    return rt_copy(dst, src, bytes, cudaMemcpyDeviceToHost, e);
}

int rt_d2d(void *dst, const void *src, size_t bytes, rk_err *e)
{
    return rt_copy(dst, src, bytes, cudaMemcpyDeviceToDevice, e);
}

int rt_zero(void *dst, size_t bytes, rk_err *e)
{
    if (bytes == 0)
        return RK_OK;
    if (g_emu) {
        memset(dst, 0, bytes);
        return RK_OK;
    }
    RK_CU(cudaMemset(dst, 0, bytes), e);
    return RK_OK;
}

int rt_launched(const char *kernel, rk_err *e)
{
    if (g_emu)
        return RK_OK;
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess)
        return rk_fail(e, RK_EINTERNAL, "gpu: launch of %s: %s", kernel, cudaGetErrorString(err));
    return RK_OK;
}

int rt_sync(const char *what, rk_err *e)
{
    if (g_emu)
        return RK_OK;
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess)
        return rk_fail(e, RK_EINTERNAL, "gpu: %s: %s", what, cudaGetErrorString(err));
    return RK_OK;
}

int rt_size(size_t *out, size_t a, size_t b, size_t c, const char *what, rk_err *e)
{
    if ((b && a > SIZE_MAX / b) || (c && a * b > SIZE_MAX / c))
        return rk_fail(e, RK_EINPUT, "gpu: %s: size overflows", what);
    *out = a * b * c;
    return RK_OK;
}

} /* namespace rk */

using namespace rk;

/* ---- the C API parts of lib/gpu/gpu.h that concern the device itself ---- */
extern "C" {

int gpu_init(rk_err *e)
{
    RK_API_LOCK;
    return rt_init(e);
}

int gpu_available(void)
{
    RK_API_LOCK;
    return rt_init(NULL) == RK_OK;
}

const char *gpu_device_name(void)
{
    RK_API_LOCK;
    if (g_emu)
        return "host emulation";
    return g_init_state == 1 ? g_name : "none";
}

void gpu_set_emulation(int on)
{
    RK_API_LOCK;
    gpu_ntt_release(); /* cached tables belong to the mode that made them */
    g_emu = on ? 1 : 0;
}

void gpu_shutdown(void)
{
    RK_API_LOCK;
    gpu_ntt_release();
}

int gpu_emulation_compiled(void)
{
    RK_API_LOCK;
    return 1;
}

size_t gpu_mem_peak(void)
{
    RK_API_LOCK;
    return g_peak;
}

size_t gpu_mem_current(void)
{
    RK_API_LOCK;
    return g_cur;
}

void gpu_mem_reset_peak(void)
{
    RK_API_LOCK;
    g_peak = g_cur;
}

int gpu_mem_info(size_t *free_bytes, size_t *total_bytes, rk_err *e)
{
    RK_API_LOCK;
    *free_bytes = *total_bytes = 0;
    int rc = rt_init(e);
    if (rc)
        return rc;
    if (g_emu)
        return RK_OK;
    RK_CU(cudaMemGetInfo(free_bytes, total_bytes), e);
    return RK_OK;
}

void *gpu_malloc(size_t bytes, rk_err *e)
{
    RK_API_LOCK;
    void *p = NULL;
    if (rt_init(e) || rt_alloc(&p, bytes, "gpu_malloc", e))
        return NULL;
    return p;
}

void gpu_free(void *d)
{
    RK_API_LOCK;
    rt_free(d);
}

int gpu_upload(void *d, const void *h, size_t bytes, rk_err *e)
{
    RK_API_LOCK;
    return rt_h2d(d, h, bytes, e);
}
int gpu_download(void *h, const void *d, size_t bytes, rk_err *e)
{
    RK_API_LOCK;
    return rt_d2h(h, d, bytes, e);
}
int gpu_synchronize(rk_err *e)
{
    RK_API_LOCK;
    return rt_sync("synchronize", e);
}

} /* extern "C" */
