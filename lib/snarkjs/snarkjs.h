/* snarkjs.h - the containers and encodings that snarkjs/circom files share:
 * the iden3 "binfile" section container (.r1cs, .wtns, .zkey, .ptau), a small
 * JSON reader/writer for proof.json / public.json / verification_key.json,
 * and BLAKE2b-512 (the circuit hash of a .zkey).  The kind-specific layouts
 * live with their owners (lib/r1cs: .r1cs/.wtns, lib/groth16: .zkey/.ptau).
 * Formats: docs/groth16.md.
 *
 * binfile layout (all little-endian):
 *   magic[4] ("r1cs", "wtns", "zkey", "ptau") | u32 version | u32 n_sections
 *   n_sections x { u32 type | u64 size | size bytes }
 * Parsers here never read past the buffer; every error is RK_EINPUT with one
 * line "<name>: <problem>".
 */
#ifndef RAIKO_SNARKJS_SNARKJS_H
#define RAIKO_SNARKJS_SNARKJS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

/* ------------------------------------------------------------ binfile */

typedef struct sj_section {
    uint32_t type;
    const uint8_t *p; /* points into the parsed buffer (not owned) */
    uint64_t size;
} sj_section;

typedef struct sj_binfile {
    uint32_t version;
    size_t n;          /* number of sections */
    sj_section *s;     /* owned array; the bytes stay in the caller's buffer */
    const char *name;  /* for messages (not owned) */
} sj_binfile;

/* Parse the section table of buf (which must outlive f).  Checks the magic,
 * 1 <= version <= max_version, and that every section lies inside buf and
 * that no bytes trail the last one. */
int sj_binfile_parse(sj_binfile *f, const uint8_t *buf, size_t len, const char magic[4],
                     uint32_t max_version, const char *name, rk_err *e);
void sj_binfile_free(sj_binfile *f);
/* A reader over the one section of this type: RK_EINPUT if it is missing
 * or appears more than once. */
int sj_binfile_section(const sj_binfile *f, uint32_t type, rk_rd *r, rk_err *e);
/* 1 iff a section of this type exists. */
int sj_binfile_has(const sj_binfile *f, uint32_t type);

/* Writing: header, then begin/end pairs around each section's bytes. */
void sj_binfile_begin(rk_buf *b, const char magic[4], uint32_t version, uint32_t n_sections);
size_t sj_section_begin(rk_buf *b, uint32_t type); /* returns a mark for _end */
void sj_section_end(rk_buf *b, size_t mark);

/* ------------------------------------------------------------ JSON */

enum sj_json_type { SJ_NULL, SJ_BOOL, SJ_NUM, SJ_STR, SJ_ARR, SJ_OBJ };

typedef struct sj_json {
    int type;
    char *str;              /* SJ_STR: the decoded string; SJ_NUM: its text; SJ_BOOL: "true"/"false" */
    size_t n;               /* SJ_ARR / SJ_OBJ: number of items */
    struct sj_json *items;  /* n values */
    char **keys;            /* SJ_OBJ: n keys */
} sj_json;

/* Parse one JSON value (RFC 8259; nesting depth <= 64) from text.  Trailing
 * non-space is an error.  *out is owned by the caller (sj_json_free). */
int sj_json_parse(sj_json **out, const char *text, size_t len, const char *name, rk_err *e);
void sj_json_free(sj_json *j);
/* Member of an object, or NULL. */
const sj_json *sj_json_get(const sj_json *obj, const char *key);

/* JSON writing in snarkjs's style (JSON.stringify(x, null, 1)): one-space
 * indentation, arrays and objects one item per line. */
typedef struct sj_jw {
    rk_buf *b;
    int depth;
    int first;     /* nothing written yet at this level */
} sj_jw;
void sj_jw_init(sj_jw *w, rk_buf *b);
void sj_jw_obj_begin(sj_jw *w, const char *key);  /* key NULL at top level / in arrays */
void sj_jw_obj_end(sj_jw *w);
void sj_jw_arr_begin(sj_jw *w, const char *key);
void sj_jw_arr_end(sj_jw *w);
void sj_jw_str(sj_jw *w, const char *key, const char *s);
void sj_jw_num(sj_jw *w, const char *key, uint64_t v);
void sj_jw_finish(sj_jw *w);                      /* final newline? snarkjs writes none */

/* ------------------------------------------------------------ BLAKE2b-512 */

typedef struct sj_blake2b {
    uint64_t h[8], t[2];
    uint8_t buf[128];
    size_t n;
} sj_blake2b;
void sj_blake2b_init(sj_blake2b *s);             /* 64-byte digest, no key */
void sj_blake2b_update(sj_blake2b *s, const void *p, size_t n);
void sj_blake2b_final(sj_blake2b *s, uint8_t out[64]);

#endif
