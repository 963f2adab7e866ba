#include "common/err.h"
#include "test.h"

static void fail_fills_code_and_message(void)
{
    rk_err e;
    rk_err_clear(&e);
    int rc = rk_fail(&e, RK_EINPUT, "%s: truncated (%d bytes)", "x.rseg", 7);
    CHECK_EQ_U64(rc, RK_EINPUT);
    CHECK_EQ_U64(e.code, RK_EINPUT);
    CHECK(strcmp(e.msg, "x.rseg: truncated (7 bytes)") == 0);
    rk_err_prefix(&e, "reading %s", "dir");
    CHECK(strcmp(e.msg, "reading dir: x.rseg: truncated (7 bytes)") == 0);
}

static void null_err_is_allowed(void)
{
    CHECK_EQ_U64(rk_fail(NULL, RK_EINTERNAL, "x"), RK_EINTERNAL);
}

int main(void)
{
    RUN(fail_fills_code_and_message);
    RUN(null_err_is_allowed);
    return t_done();
}
