/* config.h - YAML documents (libyaml) and the raiko.yaml prover configuration.
 *
 * rk_ydoc loads a whole YAML file into a small tree whose nodes remember
 * their line, so every reader of a human-facing file (raiko.yaml, the
 * manifest) reports "file:line: problem".  Only plain YAML is accepted:
 * mappings with scalar keys, sequences, scalars; anchors, aliases and tags
 * are rejected (they have no use in these files and complicate checking).
 *
 * raiko.yaml (docs/config.md lists every key, its default and range):
 *
 *   segment:  { po2: 20 }
 *   fri:      { log_blowup: 1, num_queries: 100, proof_of_work_bits: 16, log_final_poly_len: 0 }
 *   prover:   { device: auto, threads: 0 }
 *   security: { min_bits: 100 }
 *
 * Unknown keys and bad values are errors.
 */
#ifndef RAIKO_CONFIG_H
#define RAIKO_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum rk_ynode_type { RK_Y_SCALAR = 1, RK_Y_MAP, RK_Y_SEQ };

typedef struct rk_ynode {
    int type;
    unsigned line;          /* 1-based */
    char *str;              /* scalar value (RK_Y_SCALAR) */
    size_t n;               /* children (map: pairs; seq: items) */
    char **keys;            /* map keys, n of them */
    unsigned *key_lines;
    struct rk_ynode **kids; /* map values or sequence items */
} rk_ynode;

typedef struct rk_ydoc {
    char name[256];         /* file name for messages */
    rk_ynode *root;         /* NULL for an empty document */
} rk_ydoc;

void rk_ydoc_init(rk_ydoc *d);
void rk_ydoc_free(rk_ydoc *d);
/* Parse bytes (name is used in messages).  RK_EINPUT: "name:line: problem". */
int rk_ydoc_parse(rk_ydoc *d, const char *name, const uint8_t *text, size_t len, rk_err *e);
int rk_ydoc_load(rk_ydoc *d, const char *path, rk_err *e);

/* Lookups and checked conversions; each conversion fails with "name:line: ..." */
rk_ynode *rk_ynode_get(const rk_ynode *map, const char *key);
int rk_ynode_u64(const rk_ydoc *d, const rk_ynode *n, const char *what, uint64_t min, uint64_t max,
                 uint64_t *out, rk_err *e);
int rk_ynode_bool(const rk_ydoc *d, const rk_ynode *n, const char *what, int *out, rk_err *e);
int rk_ynode_enum(const rk_ydoc *d, const rk_ynode *n, const char *what, const char *const *choices,
                  int *out, rk_err *e);
/* Fails if map has a key outside `known` (NULL-terminated), naming key and line. */
int rk_ynode_only_keys(const rk_ydoc *d, const rk_ynode *map, const char *section,
                       const char *const *known, rk_err *e);
int rk_ynode_expect(const rk_ydoc *d, const rk_ynode *n, int type, const char *what, rk_err *e);

/* ---- raiko.yaml ---- */

enum rk_device { RK_DEVICE_AUTO = 0, RK_DEVICE_CPU = 1, RK_DEVICE_GPU = 2 };

/* The verifiers' security floor when the user gives none (raiko-verify,
 * raiko-aggregate): conjectured FRI bits; never lowered by the environment. */
#define RK_MIN_SECURITY_BITS 100

#define RK_PO2_MIN 10
#define RK_PO2_MAX 24

typedef struct rk_config {
    unsigned po2;                 /* segment size: at most 2^po2 cycles; default 20 */
    unsigned log_blowup;          /* FRI: default 1, range 1..4 */
    unsigned num_queries;         /* FRI: default 100, range 1..1000 */
    unsigned proof_of_work_bits;  /* FRI: default 16, range 0..30 */
    unsigned log_final_poly_len;  /* FRI: default 0, range 0..10 */
    int device;                   /* enum rk_device, default auto */
    unsigned threads;             /* 0 = all cores */
    unsigned min_security_bits;   /* refuse configurations below this; default 100 */
    char source[256];             /* where it came from: a path, or "defaults" */
} rk_config;

void rk_config_defaults(rk_config *c);
/* Conjectured FRI security bits of c (log_blowup * num_queries + pow bits). */
unsigned rk_config_security_bits(const rk_config *c);
/* Load path over the defaults; validate every key and the security floor. */
int rk_config_load(rk_config *c, const char *path, rk_err *e);
/* Which file to use: explicit (may be NULL) > $RAIKO_CONFIG > ./raiko.yaml
 * if it exists > built-in defaults. */
int rk_config_find_and_load(rk_config *c, const char *explicit_path, rk_err *e);

#endif
