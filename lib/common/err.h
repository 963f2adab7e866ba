/* err.h - the one error convention of every raiko library function.
 *
 * A function that can fail returns an int: RK_OK (0) on success, otherwise
 * one of the codes below, and fills an rk_err with one line that names the
 * file or object and the problem.  The codes are also the exit codes every
 * tool uses (docs/cli.md), so a tool can `return e.code`.
 */
#ifndef RAIKO_COMMON_ERR_H
#define RAIKO_COMMON_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum rk_code {
    RK_OK = 0,
    RK_EFALSE = 1,    /* a proof or check was false (a verdict, not a failure) */
    RK_EINPUT = 2,    /* usage error or bad/unreadable input */
    RK_EINTERNAL = 3  /* internal or resource error (memory, I/O, not implemented) */
};

#define RK_ERR_MSG_MAX 512

typedef struct rk_err {
    int code;
    char msg[RK_ERR_MSG_MAX];
} rk_err;

/* Fill e (when non-NULL) with code and a printf-style message; returns code,
 * so callers write `return rk_fail(e, RK_EINPUT, "%s: truncated", path);`. */
int rk_fail(rk_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the message already in e with "prefix: " (adds context on the way up). */
int rk_err_prefix(rk_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void rk_err_clear(rk_err *e);

#endif
