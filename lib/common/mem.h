/* mem.h - allocation of big arrays. */
#ifndef RAIKO_COMMON_MEM_H
#define RAIKO_COMMON_MEM_H

#include <stddef.h>

/* malloc for big arrays (key arrays, MSM scratch, ...), asking the kernel for
 * transparent huge pages (madvise) for blocks of 2 MiB and more: on this
 * project's VM the 4 KiB page faults of fresh memory were ~10% of a Groth16
 * proof.  Freed with free(); NULL when out of memory.  A refusal of the
 * advice just leaves 4 KiB pages. */
void *rk_big_alloc(size_t n);

#endif
