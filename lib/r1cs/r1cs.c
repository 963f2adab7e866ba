/* r1cs.c - the constraint builder, witness and satisfaction check. */
#include "r1cs/r1cs.h"

#include <stdlib.h>
#include <string.h>

static void cs_error(r1cs *cs, int code, const char *what)
{
    if (cs->err.code == RK_OK)
        rk_fail(&cs->err, code, "r1cs builder: %s", what);
}

void r1cs_init(r1cs *cs)
{
    memset(cs, 0, sizeof *cs);
    rk_err_clear(&cs->err);
    cs->n_vars = 1;
    cs->w_cap = 64;
    cs->w = malloc(cs->w_cap * sizeof *cs->w);
    cs->row_cap = 3 * 64 + 1;
    cs->row = malloc(cs->row_cap * sizeof *cs->row);
    if (!cs->w || !cs->row) {
        cs_error(cs, RK_EINTERNAL, "out of memory");
        return;
    }
    fr_one(&cs->w[0]);
    cs->row[0] = 0;
}

void r1cs_free(r1cs *cs)
{
    free(cs->w);
    free(cs->row);
    free(cs->terms);
    memset(cs, 0, sizeof *cs);
}

int r1cs_status(const r1cs *cs, rk_err *e)
{
    if (cs->err.code == RK_OK)
        return RK_OK;
    if (e)
        *e = cs->err;
    return cs->err.code;
}

static uint32_t new_var(r1cs *cs, const fr_t *value)
{
    if (cs->err.code)
        return 0;
    if (cs->n_vars == UINT32_MAX) {
        cs_error(cs, RK_EINPUT, "too many variables");
        return 0;
    }
    if (cs->w && cs->n_vars == cs->w_cap) {
        fr_t *nw = realloc(cs->w, 2 * cs->w_cap * sizeof *nw);
        if (!nw) {
            cs_error(cs, RK_EINTERNAL, "out of memory");
            return 0;
        }
        cs->w = nw;
        cs->w_cap *= 2;
    }
    if (cs->w) {
        if (value)
            cs->w[cs->n_vars] = *value;
        else
            fr_zero(&cs->w[cs->n_vars]);
    }
    return cs->n_vars++;
}

uint32_t r1cs_public(r1cs *cs, const fr_t *value)
{
    if (cs->n_vars != cs->n_public + 1) {
        cs_error(cs, RK_EINPUT, "a public variable after a private one");
        return 0;
    }
    uint32_t v = new_var(cs, value);
    if (v)
        cs->n_public++;
    return v;
}

uint32_t r1cs_private(r1cs *cs, const fr_t *value) { return new_var(cs, value); }

const fr_t *r1cs_value(const r1cs *cs, uint32_t var)
{
    static fr_t zero; /* all-zero limbs = 0 in Montgomery form */
    if (!cs->w || var >= cs->n_vars)
        return &zero;
    return &cs->w[var];
}

/* ------------------------------------------------------------ linear combinations */

void r1cs_lc_zero(r1cs_lc *l)
{
    l->n = 0;
    l->overflow = 0;
}

void r1cs_lc_add_term(r1cs_lc *l, uint32_t var, const fr_t *coef)
{
    if (fr_is_zero(coef))
        return;
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->t[i].var != var)
            continue;
        fr_add(&l->t[i].coef, &l->t[i].coef, coef);
        if (fr_is_zero(&l->t[i].coef)) { /* cancelled: drop the term */
            l->t[i] = l->t[l->n - 1];
            l->n--;
        }
        return;
    }
    if (l->n == R1CS_LC_MAX) {
        l->overflow = 1;
        return;
    }
    l->t[l->n].var = var;
    l->t[l->n].coef = *coef;
    l->n++;
}

void r1cs_lc_add_var(r1cs_lc *l, uint32_t var)
{
    fr_t one;
    fr_one(&one);
    r1cs_lc_add_term(l, var, &one);
}

void r1cs_lc_add_const(r1cs_lc *l, const fr_t *c) { r1cs_lc_add_term(l, 0, c); }

void r1cs_lc_var(r1cs_lc *l, uint32_t var)
{
    r1cs_lc_zero(l);
    r1cs_lc_add_var(l, var);
}

void r1cs_lc_const(r1cs_lc *l, const fr_t *c)
{
    r1cs_lc_zero(l);
    r1cs_lc_add_const(l, c);
}

void r1cs_lc_add_lc(r1cs_lc *l, const r1cs_lc *o, const fr_t *scale)
{
    if (o->overflow)
        l->overflow = 1;
    for (uint32_t i = 0; i < o->n; i++) {
        fr_t c = o->t[i].coef;
        if (scale)
            fr_mul(&c, &c, scale);
        r1cs_lc_add_term(l, o->t[i].var, &c);
    }
}

void r1cs_lc_scale(r1cs_lc *l, const fr_t *s)
{
    if (fr_is_zero(s)) {
        int of = l->overflow;
        r1cs_lc_zero(l);
        l->overflow = of;
        return;
    }
    for (uint32_t i = 0; i < l->n; i++)
        fr_mul(&l->t[i].coef, &l->t[i].coef, s);
}

static void lc_eval_w(const fr_t *w, const r1cs_term *t, size_t n, fr_t *out)
{
    fr_t acc, x;
    fr_zero(&acc);
    for (size_t i = 0; i < n; i++) {
        fr_mul(&x, &t[i].coef, &w[t[i].var]);
        fr_add(&acc, &acc, &x);
    }
    *out = acc;
}

void r1cs_lc_eval(const r1cs *cs, const r1cs_lc *l, fr_t *out)
{
    fr_t acc, x;
    fr_zero(&acc);
    for (uint32_t i = 0; i < l->n; i++) {
        fr_mul(&x, &l->t[i].coef, r1cs_value(cs, l->t[i].var));
        fr_add(&acc, &acc, &x);
    }
    *out = acc;
}

/* ------------------------------------------------------------ constraints */

static int reserve_terms(r1cs *cs, size_t more)
{
    if (cs->n_terms + more <= cs->terms_cap)
        return 1;
    size_t cap = cs->terms_cap ? cs->terms_cap : 1024;
    while (cap < cs->n_terms + more)
        cap *= 2;
    r1cs_term *nt = realloc(cs->terms, cap * sizeof *nt);
    if (!nt) {
        cs_error(cs, RK_EINTERNAL, "out of memory");
        return 0;
    }
    cs->terms = nt;
    cs->terms_cap = cap;
    return 1;
}

void r1cs_enforce(r1cs *cs, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *c)
{
    if (cs->err.code)
        return;
    r1cs_lc one;
    if (!b) {
        fr_t o;
        fr_one(&o);
        r1cs_lc_const(&one, &o);
        b = &one;
    }
    if (a->overflow || b->overflow || c->overflow) {
        cs_error(cs, RK_EINPUT, "a linear combination has more than R1CS_LC_MAX terms");
        return;
    }
    const r1cs_lc *m[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        for (uint32_t i = 0; i < m[k]->n; i++)
            if (m[k]->t[i].var >= cs->n_vars) {
                cs_error(cs, RK_EINPUT, "a constraint uses an unallocated variable");
                return;
            }
    if (cs->n_constraints == UINT32_MAX) {
        cs_error(cs, RK_EINPUT, "too many constraints");
        return;
    }
    if (3 * ((size_t)cs->n_constraints + 1) + 1 > cs->row_cap) {
        size_t cap = cs->row_cap * 2;
        uint64_t *nr = realloc(cs->row, cap * sizeof *nr);
        if (!nr) {
            cs_error(cs, RK_EINTERNAL, "out of memory");
            return;
        }
        cs->row = nr;
        cs->row_cap = cap;
    }
    if (!reserve_terms(cs, (size_t)a->n + b->n + c->n))
        return;
    for (int k = 0; k < 3; k++) {
        memcpy(cs->terms + cs->n_terms, m[k]->t, m[k]->n * sizeof(r1cs_term));
        cs->n_terms += m[k]->n;
        cs->row[3 * (size_t)cs->n_constraints + (size_t)k + 1] = cs->n_terms;
    }
    cs->n_constraints++;
}

uint32_t r1cs_mul(r1cs *cs, const r1cs_lc *x, const r1cs_lc *y)
{
    fr_t vx, vy, v;
    r1cs_lc_eval(cs, x, &vx);
    r1cs_lc_eval(cs, y, &vy);
    fr_mul(&v, &vx, &vy);
    uint32_t o = r1cs_private(cs, &v);
    r1cs_lc lo;
    r1cs_lc_var(&lo, o);
    r1cs_enforce(cs, x, y, &lo);
    return o;
}

void r1cs_enforce_equal(r1cs *cs, const r1cs_lc *x, const r1cs_lc *y)
{
    r1cs_enforce(cs, x, NULL, y);
}

int r1cs_check_witness(const r1cs *cs, const fr_t *w, size_t n, rk_err *e)
{
    if (cs->err.code)
        return r1cs_status(cs, e);
    if (!w || n != cs->n_vars)
        return rk_fail(e, RK_EINPUT, "witness has %zu values, the circuit has %u variables", w ? n : 0,
                       cs->n_vars);
    if (!fr_is_one(&w[0]))
        return rk_fail(e, RK_EINPUT, "witness value 0 must be 1");
    for (uint32_t c = 0; c < cs->n_constraints; c++) {
        fr_t va, vb, vc, ab;
        const uint64_t *r = cs->row + 3 * (size_t)c;
        lc_eval_w(w, cs->terms + r[0], (size_t)(r[1] - r[0]), &va);
        lc_eval_w(w, cs->terms + r[1], (size_t)(r[2] - r[1]), &vb);
        lc_eval_w(w, cs->terms + r[2], (size_t)(r[3] - r[2]), &vc);
        fr_mul(&ab, &va, &vb);
        if (!fr_eq(&ab, &vc))
            return rk_fail(e, RK_EFALSE, "constraint %u of %u is not satisfied", c, cs->n_constraints);
    }
    return RK_OK;
}

int r1cs_check(const r1cs *cs, rk_err *e)
{
    if (cs->err.code)
        return r1cs_status(cs, e);
    if (!cs->w)
        return rk_fail(e, RK_EINPUT, "r1cs: no witness to check");
    return r1cs_check_witness(cs, cs->w, cs->n_vars, e);
}
