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
/* $RAIKO_GPU_MEM_LIMIT: this library's device memory capped as on a smaller card (0 = none) */
static size_t g_limit;

static size_t parse_limit(const char *v)
{
    if (!v || !*v)
        return 0;
    char *end = NULL;
    double x = strtod(v, &end);
    size_t mul = 1;
    if (end && (*end == 'k' || *end == 'K'))
        mul = (size_t)1 << 10;
    else if (end && (*end == 'm' || *end == 'M'))
        mul = (size_t)1 << 20;
    else if (end && (*end == 'g' || *end == 'G'))
        mul = (size_t)1 << 30;
    return x > 0 ? (size_t)(x * (double)mul) : 0;
}

int rt_emulating(void) { return g_emu; }

/* Test hook (gpu_fail_after): allocations and copies left before each one fails; -1 = never. */
static long g_fail_after = -1;

static int injected_failure(rk_err *e)
{
    if (g_fail_after < 0)
        return RK_OK;
    if (g_fail_after == 0)
        return rk_fail(e, RK_EINTERNAL, "gpu: injected failure (test hook gpu_fail_after)");
    g_fail_after--;
    return RK_OK;
}

/* How a host thread waits for the device ($RAIKO_GPU_SYNC, before the context exists):
 * "spin" (lowest latency, burns a core while waiting), "yield", "block" (sleeps: leaves the
 * cores to other processes sharing the host, e.g. several provers per GPU), else CUDA's
 * default (spin while the host has more cores than active contexts, else yield). */
static cudaError_t set_sync_policy(void)
{
    const char *v = getenv("RAIKO_GPU_SYNC");
    unsigned flags = cudaDeviceScheduleAuto;
    if (v && !strcmp(v, "spin"))
        flags = cudaDeviceScheduleSpin;
    else if (v && !strcmp(v, "yield"))
        flags = cudaDeviceScheduleYield;
    else if (v && !strcmp(v, "block"))
        flags = cudaDeviceScheduleBlockingSync;
    return flags == cudaDeviceScheduleAuto ? cudaSuccess : cudaSetDeviceFlags(flags);
}

int rt_init(rk_err *e)
{
    if (g_emu)
        return RK_OK;
    if (g_init_state == 0) {
        g_limit = parse_limit(getenv("RAIKO_GPU_MEM_LIMIT"));
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
        } else if ((err = cudaSetDevice(0)) != cudaSuccess || (err = set_sync_policy()) != cudaSuccess ||
                   (err = cudaFree(0)) != cudaSuccess) {
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
    if (injected_failure(e))
        return RK_EINTERNAL;
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
    if (g_limit && !g_emu && g_cur + bytes > g_limit)
        return rk_fail(e, RK_EINTERNAL,
                       "gpu: out of device memory: %s asked %zu bytes (%.2f GiB), %zu free (%.2f GiB) "
                       "of the %.2f GiB that RAIKO_GPU_MEM_LIMIT allows",
                       what, bytes, bytes / 1073741824.0, g_limit - g_cur, (g_limit - g_cur) / 1073741824.0,
                       g_limit / 1073741824.0);
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

/* ---- staged copies of big host buffers ----
 * cudaMemcpy from/to pageable memory runs at a few GB/s (the driver copies through
 * its own small pinned buffer on one core, and the first touch of a fresh destination
 * page faults).  Copies of at least 2 stages go through two pinned buffers instead:
 * the host copy of one chunk (on all cores, lib/gpu/hostcopy.c) overlaps the DMA of
 * the other.  All on the legacy default stream, so the DMA stays ordered with the
 * kernels around it.  In the emulation the "DMA" is a memcpy and the staging buffers
 * are plain host memory, so the chunking is tested without a device. */
static size_t g_stage_bytes = (size_t)32 << 20; /* per staging buffer */
static size_t g_stage_alloc;                    /* size of the allocated ones (0: none) */
static int g_stage_emu;                         /* they were allocated in emulation mode */
static void *g_stage[2];
static cudaEvent_t g_stage_ev[2];

static void stage_release(void)
{
    for (int k = 0; k < 2; k++) {
        if (g_stage[k]) {
            if (g_stage_emu)
                free(g_stage[k]);
            else {
                cudaFreeHost(g_stage[k]);
                cudaEventDestroy(g_stage_ev[k]);
            }
        }
        g_stage[k] = NULL;
    }
    g_stage_alloc = 0;
}

/* 1 when the staging buffers are ready; 0 = use plain cudaMemcpy (no pinned memory). */
static int stage_ready(void)
{
    if (g_stage_alloc == g_stage_bytes && g_stage_emu == g_emu)
        return 1;
    stage_release();
    g_stage_emu = g_emu;
    for (int k = 0; k < 2; k++) {
        if (g_emu) {
            g_stage[k] = malloc(g_stage_bytes);
            if (!g_stage[k])
                break;
        } else if (cudaMallocHost(&g_stage[k], g_stage_bytes) != cudaSuccess ||
                   cudaEventCreateWithFlags(&g_stage_ev[k], cudaEventDisableTiming) != cudaSuccess) {
            if (g_stage[k])
                cudaFreeHost(g_stage[k]);
            g_stage[k] = NULL;
            cudaGetLastError();
            break;
        }
    }
    if (!g_stage[0] || !g_stage[1]) {
        stage_release();
        return 0;
    }
    g_stage_alloc = g_stage_bytes;
    return 1;
}

static int stage_dma(void *dst, const void *src, size_t len, cudaMemcpyKind kind, int k, rk_err *e)
{
    if (g_emu) {
        memcpy(dst, src, len);
        return RK_OK;
    }
    RK_CU(cudaMemcpyAsync(dst, src, len, kind, 0), e);
    RK_CU(cudaEventRecord(g_stage_ev[k], 0), e);
    return RK_OK;
}

static int stage_wait(int k, rk_err *e)
{
    if (!g_emu)
        RK_CU(cudaEventSynchronize(g_stage_ev[k]), e);
    return RK_OK;
}

static int staged_h2d(char *dst, const char *src, size_t bytes, rk_err *e)
{
    const size_t S = g_stage_bytes;
    size_t n = (bytes + S - 1) / S;
    for (size_t i = 0; i < n; i++) {
        int k = (int)(i & 1), rc;
        size_t off = i * S, len = bytes - off < S ? bytes - off : S;
        if (i >= 2 && (rc = stage_wait(k, e))) /* chunk i-2's DMA has left buffer k */
            return rc;
        gpu_host_copy_parallel(g_stage[k], src + off, len);
        if ((rc = stage_dma(dst + off, g_stage[k], len, cudaMemcpyHostToDevice, k, e)))
            return rc;
    }
    for (int k = 0; k < 2; k++) {
        int rc = stage_wait(k, e);
        if (rc)
            return rc;
    }
    return RK_OK;
}

static int staged_d2h(char *dst, const char *src, size_t bytes, rk_err *e)
{
    const size_t S = g_stage_bytes;
    size_t n = (bytes + S - 1) / S;
    int rc = stage_dma(g_stage[0], src, bytes < S ? bytes : S, cudaMemcpyDeviceToHost, 0, e);
    for (size_t i = 0; !rc && i < n; i++) {
        int k = (int)(i & 1);
        size_t off = i * S, len = bytes - off < S ? bytes - off : S;
        if (i + 1 < n) { /* the next chunk's DMA into the other buffer overlaps this copy */
            size_t off1 = off + S, len1 = bytes - off1 < S ? bytes - off1 : S;
            if ((rc = stage_dma(g_stage[k ^ 1], src + off1, len1, cudaMemcpyDeviceToHost, k ^ 1, e)))
                break;
        }
        if ((rc = stage_wait(k, e)))
            break;
        gpu_host_copy_parallel(dst + off, g_stage[k], len);
    }
    if (rc && !g_emu)
        cudaDeviceSynchronize(); /* no DMA may still write a staging buffer after an error */
    return rc;
}

int rt_h2d(void *dst, const void *src, size_t bytes, rk_err *e)
{
    if (injected_failure(e))
        return RK_EINTERNAL;
    if (bytes >= 2 * g_stage_bytes && stage_ready())
        return staged_h2d((char *)dst, (const char *)src, bytes, e);
    return rt_copy(dst, src, bytes, cudaMemcpyHostToDevice, e);
}

int rt_d2h(void *dst, const void *src, size_t bytes, rk_err *e)
{
    if (injected_failure(e))
        return RK_EINTERNAL;
    if (bytes >= 2 * g_stage_bytes && stage_ready())
        return staged_d2h((char *)dst, (const char *)src, bytes, e);
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
    stage_release();
}

size_t gpu_set_stage_bytes(size_t bytes)
{
    RK_API_LOCK;
    g_stage_bytes = bytes >= 4096 ? bytes : (size_t)32 << 20;
    return g_stage_bytes;
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
    if (g_limit) { /* as on a card of g_limit bytes */
        size_t left = g_limit > g_cur ? g_limit - g_cur : 0;
        *free_bytes = *free_bytes < left ? *free_bytes : left;
        *total_bytes = *total_bytes < g_limit ? *total_bytes : g_limit;
    }
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
int gpu_copy_dev(void *d_dst, const void *d_src, size_t bytes, rk_err *e)
{
    RK_API_LOCK;
    if (injected_failure(e))
        return RK_EINTERNAL;
    return rt_d2d(d_dst, d_src, bytes, e);
}
int gpu_zero_dev(void *d, size_t bytes, rk_err *e)
{
    RK_API_LOCK;
    if (injected_failure(e))
        return RK_EINTERNAL;
    return rt_zero(d, bytes, e);
}
void gpu_fail_after(long n)
{
    RK_API_LOCK;
    g_fail_after = n < 0 ? -1 : n;
}

int gpu_synchronize(rk_err *e)
{
    RK_API_LOCK;
    return rt_sync("synchronize", e);
}

} /* extern "C" */
