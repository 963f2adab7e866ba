#include "err.h"

#include <stdio.h>
#include <string.h>

int rk_fail(rk_err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}

int rk_err_prefix(rk_err *e, const char *fmt, ...)
{
    if (!e)
        return RK_EINTERNAL;
    char prefix[RK_ERR_MSG_MAX], old[RK_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    /* "prefix: old", cut to fit (the message is one line for a human) */
    size_t pl = strnlen(prefix, sizeof e->msg - 3), ol = strlen(old);
    memcpy(e->msg, prefix, pl);
    memcpy(e->msg + pl, ": ", 2);
    size_t room = sizeof e->msg - pl - 3;
    if (ol > room)
        ol = room;
    memcpy(e->msg + pl + 2, old, ol);
    e->msg[pl + 2 + ol] = '\0';
    return e->code;
}

void rk_err_clear(rk_err *e)
{
    if (e) {
        e->code = RK_OK;
        e->msg[0] = '\0';
    }
}
