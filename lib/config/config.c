/* config.c - raiko.yaml: the prover configuration (docs/config.md). */
#include "config.h"

#include "challenger/challenger.h"

/* the limits fri_params_check enforces (lib/fri): a file beyond them is refused here, with
 * its line, not later by the prover */
#define FRI_MAX_LOG_FINAL_POLY_LEN 8

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rk_config_defaults(rk_config *c)
{
    memset(c, 0, sizeof *c);
    c->po2 = 20;
    c->log_blowup = 1;
    c->num_queries = 100;
    c->proof_of_work_bits = 16;
    c->log_final_poly_len = 0;
    c->device = RK_DEVICE_AUTO;
    c->threads = 0;
    c->min_security_bits = RK_MIN_SECURITY_BITS;
    snprintf(c->source, sizeof c->source, "defaults");
}

unsigned rk_config_security_bits(const rk_config *c)
{
    return c->log_blowup * c->num_queries + c->proof_of_work_bits;
}

static int get_uint(const rk_ydoc *d, const rk_ynode *sec, const char *secname, const char *key,
                    unsigned min, unsigned max, unsigned *out, rk_err *e)
{
    const rk_ynode *n = rk_ynode_get(sec, key);
    if (!n)
        return RK_OK; /* keep the default */
    char what[64];
    snprintf(what, sizeof what, "%s.%s", secname, key);
    uint64_t v;
    int rc = rk_ynode_u64(d, n, what, min, max, &v, e);
    if (!rc)
        *out = (unsigned)v;
    return rc;
}

static int section(const rk_ydoc *d, const char *name, const char *const *known, const rk_ynode **out,
                   rk_err *e)
{
    *out = rk_ynode_get(d->root, name);
    if (!*out)
        return RK_OK;
    int rc = rk_ynode_expect(d, *out, RK_Y_MAP, name, e);
    return rc ? rc : rk_ynode_only_keys(d, *out, name, known, e);
}

int rk_config_load(rk_config *c, const char *path, rk_err *e)
{
    rk_ydoc d;
    rk_ydoc_init(&d);
    int rc = rk_ydoc_load(&d, path, e);
    if (rc)
        return rc;
    static const char *const top[] = {"segment", "fri", "prover", "security", NULL};
    static const char *const k_seg[] = {"po2", NULL};
    static const char *const k_fri[] = {"log_blowup", "num_queries", "proof_of_work_bits",
                                        "log_final_poly_len", NULL};
    static const char *const k_prover[] = {"device", "threads", NULL};
    static const char *const k_sec[] = {"min_bits", NULL};
    static const char *const devices[] = {"auto", "cpu", "gpu", NULL};
    const rk_ynode *seg, *fri, *prover, *sec;
    if (d.root && (rc = rk_ynode_expect(&d, d.root, RK_Y_MAP, "the configuration", e)) == RK_OK)
        rc = rk_ynode_only_keys(&d, d.root, NULL, top, e);
    if (!rc) rc = section(&d, "segment", k_seg, &seg, e);
    if (!rc) rc = section(&d, "fri", k_fri, &fri, e);
    if (!rc) rc = section(&d, "prover", k_prover, &prover, e);
    if (!rc) rc = section(&d, "security", k_sec, &sec, e);
    if (!rc) rc = get_uint(&d, seg, "segment", "po2", RK_PO2_MIN, RK_PO2_MAX, &c->po2, e);
    if (!rc) rc = get_uint(&d, fri, "fri", "log_blowup", 1, 4, &c->log_blowup, e);
    if (!rc) rc = get_uint(&d, fri, "fri", "num_queries", 1, 1000, &c->num_queries, e);
    if (!rc) rc = get_uint(&d, fri, "fri", "proof_of_work_bits", 0, CHAL_MAX_BITS, &c->proof_of_work_bits, e);
    if (!rc) rc = get_uint(&d, fri, "fri", "log_final_poly_len", 0, FRI_MAX_LOG_FINAL_POLY_LEN, &c->log_final_poly_len, e);
    if (!rc) rc = get_uint(&d, prover, "prover", "threads", 0, 1024, &c->threads, e);
    if (!rc) rc = get_uint(&d, sec, "security", "min_bits", 0, 256, &c->min_security_bits, e);
    if (!rc && rk_ynode_get(prover, "device"))
        rc = rk_ynode_enum(&d, rk_ynode_get(prover, "device"), "prover.device", devices, &c->device, e);
    if (!rc && rk_config_security_bits(c) < c->min_security_bits)
        rc = rk_fail(e, RK_EINPUT,
                     "%s: FRI parameters give %u conjectured security bits, below security.min_bits = %u",
                     path, rk_config_security_bits(c), c->min_security_bits);
    if (!rc)
        snprintf(c->source, sizeof c->source, "%s", path);
    rk_ydoc_free(&d);
    return rc;
}

int rk_config_find_and_load(rk_config *c, const char *explicit_path, rk_err *e)
{
    rk_config_defaults(c);
    const char *p = explicit_path;
    if (!p || !*p)
        p = getenv("RAIKO_CONFIG");
    if ((!p || !*p) && access("raiko.yaml", F_OK) == 0)
        p = "raiko.yaml";
    if (!p || !*p)
        return RK_OK;
    return rk_config_load(c, p, e);
}
