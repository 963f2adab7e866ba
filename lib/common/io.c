#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_fd_all(int fd, const char *path, uint8_t **data, size_t *len, rk_err *e)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", path);
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return rk_fail(e, RK_EINTERNAL, "%s: file too large", path);
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return rk_fail(e, RK_EINTERNAL, "%s: out of memory reading file", path);
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            free(buf);
            return rk_fail(e, RK_EINPUT, "%s: read error: %s", path, strerror(err));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *data = buf;
    *len = n;
    return RK_OK;
}

int rk_read_file(const char *path, uint8_t **data, size_t *len, rk_err *e)
{
    *data = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0)
        return read_fd_all(STDIN_FILENO, "<stdin>", data, len, e);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return rk_fail(e, RK_EINPUT, "%s: no such file", path);
        return rk_fail(e, RK_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return rk_fail(e, RK_EINPUT, "%s: is a directory, expected a file", path);
    }
    int rc = read_fd_all(fd, path, data, len, e);
    close(fd);
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int rk_write_atomic(const char *path, const void *data, size_t len, rk_err *e)
{
    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, len) != 0)
            return rk_fail(e, RK_EINTERNAL, "<stdout>: write error: %s", strerror(errno));
        return RK_OK;
    }
    if (!path[0])
        return rk_fail(e, RK_EINPUT, "empty output file name");

    /* temp name in the same directory, so rename() is atomic */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    if (!base[0])
        return rk_fail(e, RK_EINPUT, "%s: is a directory name, expected a file name", path);
    char dir[PATH_MAX], tmp[PATH_MAX];
    if (dirlen >= sizeof dir || strlen(path) + 16 >= sizeof tmp)
        return rk_fail(e, RK_EINPUT, "%s: path too long", path);
    if (slash) {
        memcpy(dir, path, dirlen ? dirlen : 1);
        dir[dirlen ? dirlen : 1] = '\0';
    } else {
        strcpy(dir, ".");
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return rk_fail(e, RK_EINPUT, "%s: is a directory, expected a file name", path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device, FIFO or socket (-o /dev/null, -o >(cmd)): write into it.
         * Renaming over it would replace /dev/null with a regular file. */
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return rk_fail(e, RK_EINPUT, "%s: cannot open for writing: %s", path, strerror(errno));
        int bad = write_all(fd, data, len) != 0 ? errno : 0;
        if (close(fd) != 0 && !bad)
            bad = errno;
        if (bad)
            return rk_fail(e, RK_EINTERNAL, "%s: write error: %s", path, strerror(bad));
        return RK_OK;
    }
    if (stat(dir, &st) != 0)
        return rk_fail(e, RK_EINPUT, "%s: output directory %s does not exist", path, dir);
    snprintf(tmp, sizeof tmp, "%.*s%s.%s.tmp.XXXXXX", (int)(slash ? dirlen + 1 : 0), path, "", base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        if (err == EACCES || err == EROFS || err == EPERM)
            return rk_fail(e, RK_EINPUT, "%s: cannot write in %s: %s", path, dir, strerror(err));
        return rk_fail(e, RK_EINTERNAL, "%s: cannot create temporary file: %s", path, strerror(err));
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);

    const uint8_t *p = data;
    int bad = 0;
    if (getenv("RAIKO_TEST_KILL_WRITE")) {
        /* test hook: die like a killed tool, half-way through the temp file */
        if (write_all(fd, p, len / 2) == 0)
            fsync(fd);
        kill(getpid(), SIGKILL);
    }
    if (write_all(fd, p, len) != 0 || fsync(fd) != 0)
        bad = errno ? errno : EIO;
    if (close(fd) != 0 && !bad)
        bad = errno;
    if (bad) {
        unlink(tmp);
        return rk_fail(e, RK_EINTERNAL, "%s: write error: %s", path, strerror(bad));
    }
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return rk_fail(e, RK_EINTERNAL, "%s: cannot rename temporary file: %s", path, strerror(err));
    }
    /* make the rename durable */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return RK_OK;
}
