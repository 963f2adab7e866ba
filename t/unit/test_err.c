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

static void long_prefix_is_cut_not_overflowed(void)
{
    rk_err e;
    char big[2 * RK_ERR_MSG_MAX];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rk_fail(&e, RK_EINPUT, "%s", "tail");
    rk_err_prefix(&e, "%s", big);
    CHECK(strlen(e.msg) < RK_ERR_MSG_MAX);
    CHECK(e.msg[0] == 'p');
    rk_fail(&e, RK_EINPUT, "%s", big);
    rk_err_prefix(&e, "ctx");
    CHECK(strncmp(e.msg, "ctx: ppp", 8) == 0);
    CHECK(strlen(e.msg) == RK_ERR_MSG_MAX - 1);
}

static void null_err_is_allowed(void)
{
    CHECK_EQ_U64(rk_fail(NULL, RK_EINTERNAL, "x"), RK_EINTERNAL);
}

int main(void)
{
    RUN(fail_fills_code_and_message);
    RUN(null_err_is_allowed);
    RUN(long_prefix_is_cut_not_overflowed);
    return t_done();
}
