/* hello_picolibc.c - the SDK with picolibc (RK_PICOLIBC): printf to the
 * host's stdout, malloc, qsort, and the usual public-values commit. */
#include <stdio.h>
#include <stdlib.h>

#include "raiko_guest.h"

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    int *v = malloc(10 * sizeof *v);
    for (int i = 0; i < 10; i++)
        v[i] = (i * 7) % 10;
    qsort(v, 10, sizeof *v, cmp);
    printf("picolibc: sorted %d..%d, %s\n", v[0], v[9], "ok");
    rk_commit(v, 10 * sizeof *v);
    return 0;
}
