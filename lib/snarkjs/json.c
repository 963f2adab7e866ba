/* json.c - just enough JSON for snarkjs's proof/public/verification-key files:
 * a strict recursive-descent reader into a small tree, and a writer that lays
 * values out as JSON.stringify(v, null, 1) does. */
#include "snarkjs/snarkjs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SJ_JSON_MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t len, pos;
    const char *name;
    rk_err *e;
    int failed;
} jp;

static int jp_fail(jp *p, const char *what)
{
    if (!p->failed)
        rk_fail(p->e, RK_EINPUT, "%s: bad JSON at byte %zu: %s", p->name, p->pos, what);
    p->failed = 1;
    return RK_EINPUT;
}

static void jp_ws(jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
                               p->s[p->pos] == '\r'))
        p->pos++;
}

static int jp_oom(jp *p)
{
    if (!p->failed)
        rk_fail(p->e, RK_EINTERNAL, "%s: out of memory", p->name);
    p->failed = 1;
    return RK_EINTERNAL;
}

/* A string starting at the opening quote; escapes decoded (\uXXXX kept to
 * ASCII/UTF-8 BMP, no surrogate pairs: field files never contain them). */
static int jp_string(jp *p, char **out)
{
    p->pos++; /* opening quote */
    size_t start = p->pos;
    while (p->pos < p->len && p->s[p->pos] != '"') {
        if ((unsigned char)p->s[p->pos] < 0x20)
            return jp_fail(p, "control character in string");
        if (p->s[p->pos] == '\\')
            p->pos++;
        p->pos++;
    }
    if (p->pos >= p->len)
        return jp_fail(p, "unterminated string");
    size_t end = p->pos++;
    char *o = malloc(end - start + 1);
    if (!o)
        return jp_oom(p);
    size_t k = 0;
    for (size_t i = start; i < end; i++) {
        char c = p->s[i];
        if (c != '\\') {
            o[k++] = c;
            continue;
        }
        c = p->s[++i];
        switch (c) {
        case '"': case '\\': case '/': o[k++] = c; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            unsigned v = 0;
            if (i + 4 >= end) {
                free(o);
                return jp_fail(p, "short \\u escape");
            }
            for (int d = 0; d < 4; d++) {
                char h = p->s[++i];
                v <<= 4;
                if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
                else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
                else { free(o); return jp_fail(p, "bad \\u escape"); }
            }
            if (v < 0x80) o[k++] = (char)v;
            else if (v < 0x800) { o[k++] = (char)(0xc0 | v >> 6); o[k++] = (char)(0x80 | (v & 63)); }
            else { o[k++] = (char)(0xe0 | v >> 12); o[k++] = (char)(0x80 | ((v >> 6) & 63)); o[k++] = (char)(0x80 | (v & 63)); }
            break;
        }
        default: free(o); return jp_fail(p, "bad escape");
        }
    }
    o[k] = '\0';
    *out = o;
    return RK_OK;
}

static int jp_value(jp *p, sj_json *v, int depth);

/* Grow an items (and keys) array by one. */
static int jp_push(jp *p, sj_json *v, size_t *cap)
{
    if (v->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        sj_json *ni = realloc(v->items, nc * sizeof *ni);
        if (!ni)
            return jp_oom(p);
        v->items = ni;
        if (v->type == SJ_OBJ) {
            char **nk = realloc(v->keys, nc * sizeof *nk);
            if (!nk)
                return jp_oom(p);
            v->keys = nk;
        }
        *cap = nc;
    }
    memset(&v->items[v->n], 0, sizeof v->items[0]);
    if (v->type == SJ_OBJ)
        v->keys[v->n] = NULL;
    v->n++;
    return RK_OK;
}

static int jp_value(jp *p, sj_json *v, int depth)
{
    memset(v, 0, sizeof *v);
    if (depth > SJ_JSON_MAX_DEPTH)
        return jp_fail(p, "nested too deeply");
    jp_ws(p);
    if (p->pos >= p->len)
        return jp_fail(p, "unexpected end");
    char c = p->s[p->pos];
    if (c == '{' || c == '[') {
        int obj = c == '{';
        char close = obj ? '}' : ']';
        v->type = obj ? SJ_OBJ : SJ_ARR;
        size_t cap = 0;
        p->pos++;
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return RK_OK;
        }
        for (;;) {
            if (jp_push(p, v, &cap))
                return RK_EINTERNAL;
            if (obj) {
                jp_ws(p);
                if (p->pos >= p->len || p->s[p->pos] != '"')
                    return jp_fail(p, "expected a key");
                if (jp_string(p, &v->keys[v->n - 1]))
                    return RK_EINPUT;
                jp_ws(p);
                if (p->pos >= p->len || p->s[p->pos] != ':')
                    return jp_fail(p, "expected ':'");
                p->pos++;
            }
            if (jp_value(p, &v->items[v->n - 1], depth + 1))
                return RK_EINPUT;
            jp_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == close) {
                p->pos++;
                return RK_OK;
            }
            return jp_fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    if (c == '"') {
        v->type = SJ_STR;
        return jp_string(p, &v->str);
    }
    static const char *const words[] = {"true", "false", "null"};
    for (int w = 0; w < 3; w++) {
        size_t n = strlen(words[w]);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[w], n) == 0) {
            p->pos += n;
            v->type = w == 2 ? SJ_NULL : SJ_BOOL;
            if (w < 2 && !(v->str = strdup(words[w])))
                return jp_oom(p);
            return RK_OK;
        }
    }
    /* number: -?digits(.digits)?([eE][+-]?digits)? */
    size_t start = p->pos;
    if (p->s[p->pos] == '-')
        p->pos++;
    size_t d0 = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++;
    if (p->pos == d0)
        return jp_fail(p, "unexpected character");
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        size_t f0 = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
        if (p->pos == f0)
            return jp_fail(p, "bad number");
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        size_t e0 = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
        if (p->pos == e0)
            return jp_fail(p, "bad number");
    }
    v->type = SJ_NUM;
    v->str = strndup(p->s + start, p->pos - start);
    return v->str ? RK_OK : jp_oom(p);
}

static void json_clear(sj_json *j)
{
    free(j->str);
    for (size_t i = 0; i < j->n; i++) {
        json_clear(&j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
}

void sj_json_free(sj_json *j)
{
    if (!j)
        return;
    json_clear(j);
    free(j);
}

int sj_json_parse(sj_json **out, const char *text, size_t len, const char *name, rk_err *e)
{
    *out = NULL;
    jp p = {text, len, 0, name, e, 0};
    sj_json *v = calloc(1, sizeof *v);
    if (!v)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    int rc = jp_value(&p, v, 0);
    if (!rc) {
        jp_ws(&p);
        if (p.pos != p.len)
            rc = jp_fail(&p, "trailing characters");
    }
    if (rc) {
        sj_json_free(v);
        return e ? e->code : rc;
    }
    *out = v;
    return RK_OK;
}

const sj_json *sj_json_get(const sj_json *obj, const char *key)
{
    if (!obj || obj->type != SJ_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

/* ------------------------------------------------------------ writer */

void sj_jw_init(sj_jw *w, rk_buf *b)
{
    w->b = b;
    w->depth = 0;
    w->first = 1;
}

static void jw_str_raw(rk_buf *b, const char *s)
{
    rk_buf_u8(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            rk_buf_u8(b, '\\');
            rk_buf_u8(b, c);
        } else if (c < 0x20) {
            char t[8];
            snprintf(t, sizeof t, "\\u%04x", c);
            rk_buf_put(b, t, 6);
        } else {
            rk_buf_u8(b, c);
        }
    }
    rk_buf_u8(b, '"');
}

/* Separator, newline + indentation, and the key of the next item. */
static void jw_item(sj_jw *w, const char *key)
{
    if (w->depth > 0) {
        if (!w->first)
            rk_buf_u8(w->b, ',');
        rk_buf_u8(w->b, '\n');
        for (int i = 0; i < w->depth; i++)
            rk_buf_u8(w->b, ' ');
    }
    w->first = 0;
    if (key) {
        jw_str_raw(w->b, key);
        rk_buf_put(w->b, ": ", 2);
    }
}

static void jw_open(sj_jw *w, const char *key, char c)
{
    jw_item(w, key);
    rk_buf_u8(w->b, (uint8_t)c);
    w->depth++;
    w->first = 1;
}

static void jw_close(sj_jw *w, char c)
{
    w->depth--;
    if (!w->first) { /* non-empty: closing bracket on its own line */
        rk_buf_u8(w->b, '\n');
        for (int i = 0; i < w->depth; i++)
            rk_buf_u8(w->b, ' ');
    }
    rk_buf_u8(w->b, (uint8_t)c);
    w->first = 0;
}

void sj_jw_obj_begin(sj_jw *w, const char *key) { jw_open(w, key, '{'); }
void sj_jw_obj_end(sj_jw *w) { jw_close(w, '}'); }
void sj_jw_arr_begin(sj_jw *w, const char *key) { jw_open(w, key, '['); }
void sj_jw_arr_end(sj_jw *w) { jw_close(w, ']'); }

void sj_jw_str(sj_jw *w, const char *key, const char *s)
{
    jw_item(w, key);
    jw_str_raw(w->b, s);
}

void sj_jw_num(sj_jw *w, const char *key, uint64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);
    jw_item(w, key);
    rk_buf_put(w->b, t, (size_t)n);
}

void sj_jw_finish(sj_jw *w)
{
    (void)w; /* snarkjs (bfj) ends the file right after the closing bracket */
}
