/* test.h - a minimal TAP unit-test harness for the C tests under t/unit/.
 *
 * Each t/unit/test_*.c is one program: its main() calls RUN(fn) per case and
 * returns t_done().  Output is TAP ("ok N - name" / "not ok N - name"), which
 * scripts/run-tests counts together with the bats tests.
 */
#ifndef RAIKO_TEST_H
#define RAIKO_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_case_failed, t_case_count, t_fail_count;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);  \
            t_case_failed = 1;                                                 \
        }                                                                      \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                     \
    do {                                                                       \
        uint64_t t_a_ = (uint64_t)(a), t_b_ = (uint64_t)(b);                   \
        if (t_a_ != t_b_) {                                                    \
            printf("# %s:%d: %s == %s failed: %" PRIu64 " != %" PRIu64 "\n",   \
                   __FILE__, __LINE__, #a, #b, t_a_, t_b_);                    \
            t_case_failed = 1;                                                 \
        }                                                                      \
    } while (0)

#define CHECK_MEM(a, b, n)                                                     \
    do {                                                                       \
        if (memcmp((a), (b), (n)) != 0) {                                      \
            printf("# %s:%d: memcmp(%s, %s, %s) differs\n", __FILE__,          \
                   __LINE__, #a, #b, #n);                                      \
            t_case_failed = 1;                                                 \
        }                                                                      \
    } while (0)

/* substring check on an error message */
#define CHECK_STR_HAS(hay, needle)                                             \
    do {                                                                       \
        if (!strstr((hay), (needle))) {                                        \
            printf("# %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,      \
                   __LINE__, (hay), (needle));                                 \
            t_case_failed = 1;                                                 \
        }                                                                      \
    } while (0)

/* A CHECK that failed outside any case (in main(), between cases) is a failing case of its own. */
static void t_stray_checks(const char *where)
{
    if (!t_case_failed)
        return;
    t_case_count++;
    t_fail_count++;
    printf("not ok %d - a CHECK outside any case failed (%s)\n", t_case_count, where);
    t_case_failed = 0;
}

static void t_run(const char *name, void (*fn)(void))
{
    t_stray_checks(name);
    t_case_failed = 0;
    fn();
    t_case_count++;
    if (t_case_failed)
        t_fail_count++;
    printf("%sok %d - %s\n", t_case_failed ? "not " : "", t_case_count, name);
    fflush(stdout);
    t_case_failed = 0; /* counted: what fails from here on is outside any case */
}

#define RUN(fn) t_run(#fn, fn)

/* Mark a case skipped (TAP directive); use instead of RUN when a case cannot run here. */
#define SKIP(fn, why)                                                          \
    do {                                                                       \
        t_case_count++;                                                        \
        printf("ok %d - %s # skip %s\n", t_case_count, #fn, (why));           \
    } while (0)

/* Remove a test's scratch directory (flat: files only) and the directory itself. */
#include <dirent.h>
#include <unistd.h>
static inline void t_rm_tree(const char *d)
{
    DIR *dir = opendir(d);
    struct dirent *de;
    char path[4096];
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", d, de->d_name);
        unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(d);
}

static int t_done(void)
{
    t_stray_checks("after the last case");
    printf("1..%d\n", t_case_count);
    return t_fail_count ? 1 : 0;
}

#endif
