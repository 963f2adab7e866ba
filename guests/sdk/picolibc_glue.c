/* picolibc_glue.c - optional picolibc support (build with RK_PICOLIBC=1,
 * see guests/Makefile): stdout/stderr go to the guest's fd 1 / fd 2 through a
 * line buffer, exit() halts, malloc takes the heap from _end (linker script
 * symbols __heap_start / __heap_end). */
#include <stdio.h>
#include <stdlib.h>

#include "raiko_guest.h"

typedef struct line_buf { uint32_t fd, n; char b[256]; } line_buf;
static line_buf out_buf = {RK_FD_STDOUT, 0, {0}}, err_buf = {RK_FD_STDERR, 0, {0}};

static void lb_flush(line_buf *l)
{
    if (l->n)
        rk_write(l->fd, l->b, l->n);
    l->n = 0;
}

static int lb_put(line_buf *l, char c)
{
    l->b[l->n++] = c;
    if (c == '\n' || l->n == sizeof l->b)
        lb_flush(l);
    return (unsigned char)c;
}

static int put_out(char c, FILE *f) { (void)f; return lb_put(&out_buf, c); }
static int put_err(char c, FILE *f) { (void)f; return lb_put(&err_buf, c); }
static int flush_out(FILE *f) { (void)f; lb_flush(&out_buf); return 0; }
static int flush_err(FILE *f) { (void)f; lb_flush(&err_buf); return 0; }

static FILE rk_stdout = FDEV_SETUP_STREAM(put_out, NULL, flush_out, _FDEV_SETUP_WRITE);
static FILE rk_stderr = FDEV_SETUP_STREAM(put_err, NULL, flush_err, _FDEV_SETUP_WRITE);
FILE *const stdout = &rk_stdout;
FILE *const stderr = &rk_stderr;
FILE *const stdin = NULL;

/* rk_halt calls this before the final COMMITs */
void rk_flush_hook(void)
{
    lb_flush(&out_buf);
    lb_flush(&err_buf);
}

void _exit(int code)
{
    rk_halt((uint32_t)code);
}
