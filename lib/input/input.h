/* input.h - the guest input-stream file (container kind RK_KIND_INPUT).
 *
 * An input is what SP1 calls stdin: an ordered list of byte items that the
 * guest reads with HINT_LEN / HINT_READ.  Layout (docs/formats.md, "Input"):
 *   meta    (12 bytes): u32 item count, u64 total item bytes
 *   payload: per item, u32 length then the bytes (no padding)
 * Item lengths are < 2^32 - 1 (0xFFFFFFFF is HINT_LEN's "no more items").
 */
#ifndef RAIKO_INPUT_H
#define RAIKO_INPUT_H

#include "common/err.h"
#include "container/container.h"
#include "rv/rv.h"

#define INPUT_KIND_VERSION 1

/* Append the items of an input file to s. */
int input_read(const char *path, rv_stream *s, rk_err *e);
/* Parse a checked container (kind RK_KIND_INPUT); name is used in messages. */
int input_decode(const rk_file *f, const char *name, rv_stream *s, rk_err *e);
/* The pending items of s as a container / written atomically to path. */
int input_encode(const rv_stream *s, rk_file *f, rk_err *e);
int input_write(const char *path, const rv_stream *s, rk_err *e);
/* Append a plain file's bytes as one item (raiko-split --input-item). */
int input_add_file_item(const char *path, rv_stream *s, rk_err *e);

#endif
