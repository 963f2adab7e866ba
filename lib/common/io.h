/* io.h - whole-file reads and atomic writes, with one-line errors.
 *
 * Every output of every tool goes through rk_write_atomic: the bytes are
 * written to a temporary file in the target directory, fsync'ed, and renamed
 * over the final name, so a killed tool never leaves a partial file under the
 * final name.  "-" means stdin for reads and stdout for writes.
 */
#ifndef RAIKO_COMMON_IO_H
#define RAIKO_COMMON_IO_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Read all of path ("-" = stdin) into a malloc'ed buffer (*data, *len; free()
 * it).  Errors (RK_EINPUT): missing file, a directory, unreadable. */
int rk_read_file(const char *path, uint8_t **data, size_t *len, rk_err *e);

/* Write data atomically to path ("-" = stdout).  Errors: RK_EINPUT when the
 * target directory does not exist or is not writable, RK_EINTERNAL on I/O
 * failure (disk full).  The new file gets mode 0666 & ~umask. */
int rk_write_atomic(const char *path, const void *data, size_t len, rk_err *e);

/* Test hook (documented in docs/cli.md): when the environment variable
 * RAIKO_TEST_KILL_WRITE is set, rk_write_atomic kills its own process with
 * SIGKILL after writing half of the temporary file, to prove that a killed
 * writer leaves no output under the final name. */

#endif
