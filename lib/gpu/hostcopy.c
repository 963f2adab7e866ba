/* hostcopy.c - the host side of lib/gpu's staged copies (kernels/rt.cu).
 *
 * Big copies between pageable host memory and the device go through pinned staging
 * buffers; the copy between the caller's memory and a staging buffer is a plain
 * memcpy, done here with OpenMP so that several cores share it (one core moves
 * about 5-10 GB/s, and the first touch of freshly allocated destination pages
 * faults: spread over the cores, both cost less).  C, not CUDA: nvcc's host
 * compile does not get -fopenmp. */
#include <stddef.h>
#include <string.h>

void gpu_host_copy_parallel(void *dst, const void *src, size_t bytes);

void gpu_host_copy_parallel(void *dst, const void *src, size_t bytes)
{
    const size_t piece = (size_t)1 << 20; /* 1 MiB per OpenMP work item */
    size_t n = (bytes + piece - 1) / piece;
#pragma omp parallel for schedule(static) if (n >= 4)
    for (size_t i = 0; i < n; i++) {
        size_t off = i * piece, len = bytes - off < piece ? bytes - off : piece;
        memcpy((char *)dst + off, (const char *)src + off, len);
    }
}
