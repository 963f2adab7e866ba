/* mem.c - allocation of big arrays (see mem.h). */
#include "common/mem.h"

#include <stdlib.h>
#include <sys/mman.h>

void *rk_big_alloc(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    if (n < huge)
        return malloc(n ? n : 1);
    void *p = NULL;
    if (posix_memalign(&p, huge, n) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* whole 2 MiB pages inside the block only */
    (void)madvise(p, n / huge * huge, MADV_HUGEPAGE);
#endif
    return p;
}
