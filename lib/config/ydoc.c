/* ydoc.c - load YAML into a tree with line numbers (libyaml's parser API). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/io.h"

#define YDOC_MAX_DEPTH 32

void rk_ydoc_init(rk_ydoc *d)
{
    memset(d, 0, sizeof *d);
}

static void node_free(rk_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            free(n->keys[i]);
        node_free(n->kids[i]);
    }
    free(n->keys);
    free(n->key_lines);
    free(n->kids);
    free(n->str);
    free(n);
}

void rk_ydoc_free(rk_ydoc *d)
{
    node_free(d->root);
    d->root = NULL;
}

typedef struct {
    yaml_parser_t p;
    const char *name;
    rk_err *e;
} ystate;

static int ev_line(const yaml_event_t *ev) { return (int)ev->start_mark.line + 1; }

static int next(ystate *s, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&s->p, ev)) {
        return rk_fail(s->e, RK_EINPUT, "%s:%u: YAML syntax error: %s", s->name,
                       (unsigned)s->p.problem_mark.line + 1, s->p.problem ? s->p.problem : "unknown");
    }
    return RK_OK;
}

static int add_kid(rk_ynode *n, char *key, unsigned key_line, rk_ynode *kid)
{
    size_t m = n->n + 1;
    rk_ynode **kids = realloc(n->kids, m * sizeof *kids);
    if (!kids)
        return -1;
    n->kids = kids;
    if (n->type == RK_Y_MAP) {
        char **keys = realloc(n->keys, m * sizeof *keys);
        if (!keys)
            return -1;
        n->keys = keys;
        unsigned *kl = realloc(n->key_lines, m * sizeof *kl);
        if (!kl)
            return -1;
        n->key_lines = kl;
        keys[n->n] = key;
        kl[n->n] = key_line;
    }
    kids[n->n] = kid;
    n->n = m;
    return 0;
}

/* Parse one node whose first event is *ev (consumed). */
static int parse_node(ystate *s, yaml_event_t *ev, int depth, rk_ynode **out)
{
    *out = NULL;
    int early = RK_OK;
    if (depth > YDOC_MAX_DEPTH)
        early = rk_fail(s->e, RK_EINPUT, "%s:%d: nesting deeper than %d levels", s->name, ev_line(ev),
                        YDOC_MAX_DEPTH);
    else if (ev->type == YAML_ALIAS_EVENT)
        early = rk_fail(s->e, RK_EINPUT, "%s:%d: YAML aliases are not accepted here", s->name, ev_line(ev));
    rk_ynode *n = early ? NULL : calloc(1, sizeof *n);
    if (!n) {
        yaml_event_delete(ev);
        return early ? early : rk_fail(s->e, RK_EINTERNAL, "%s: out of memory", s->name);
    }
    n->line = (unsigned)ev_line(ev);
    int rc = RK_OK;
    const yaml_char_t *anchor = NULL, *tag = NULL;
    if (ev->type == YAML_SCALAR_EVENT) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        n->type = RK_Y_SCALAR;
        n->str = malloc(ev->data.scalar.length + 1);
        if (!n->str) {
            free(n);
            yaml_event_delete(ev);
            return rk_fail(s->e, RK_EINTERNAL, "%s: out of memory", s->name);
        }
        memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
        n->str[ev->data.scalar.length] = '\0';
        if (strlen(n->str) != ev->data.scalar.length)
            rc = rk_fail(s->e, RK_EINPUT, "%s:%u: NUL byte in a value", s->name, n->line);
    } else if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT) {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
        n->type = is_map ? RK_Y_MAP : RK_Y_SEQ;
        yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        if (!anchor && !tag)
            for (;;) {
                yaml_event_t k;
                if ((rc = next(s, &k)))
                    break;
                if (k.type == end) {
                    yaml_event_delete(&k);
                    break;
                }
                char *key = NULL;
                unsigned key_line = (unsigned)ev_line(&k);
                if (is_map) {
                    if (k.type != YAML_SCALAR_EVENT) {
                        rc = rk_fail(s->e, RK_EINPUT, "%s:%u: a mapping key must be a plain scalar", s->name,
                                     key_line);
                        yaml_event_delete(&k);
                        break;
                    }
                    key = strdup((const char *)k.data.scalar.value);
                    yaml_event_delete(&k);
                    for (size_t i = 0; key && i < n->n; i++)
                        if (strcmp(n->keys[i], key) == 0) {
                            rc = rk_fail(s->e, RK_EINPUT, "%s:%u: duplicate key '%s' (first on line %u)",
                                         s->name, key_line, key, n->key_lines[i]);
                            break;
                        }
                    if (rc) {
                        free(key);
                        break;
                    }
                    if ((rc = next(s, &k))) {
                        free(key);
                        break;
                    }
                }
                rk_ynode *kid;
                rc = parse_node(s, &k, depth + 1, &kid);
                if (rc) {
                    free(key);
                    break;
                }
                if (add_kid(n, key, key_line, kid)) {
                    free(key);
                    node_free(kid);
                    rc = rk_fail(s->e, RK_EINTERNAL, "%s: out of memory", s->name);
                    break;
                }
            }
    } else {
        rc = rk_fail(s->e, RK_EINPUT, "%s:%u: unexpected YAML structure", s->name, n->line);
    }
    if (!rc && (anchor || tag))
        rc = rk_fail(s->e, RK_EINPUT, "%s:%u: YAML %s are not accepted here", s->name, n->line,
                     anchor ? "anchors" : "tags");
    yaml_event_delete(ev);
    if (rc) {
        node_free(n);
        return rc;
    }
    *out = n;
    return RK_OK;
}

int rk_ydoc_parse(rk_ydoc *d, const char *name, const uint8_t *text, size_t len, rk_err *e)
{
    rk_ydoc_free(d);
    snprintf(d->name, sizeof d->name, "%s", name);
    if (memchr(text, '\0', len))
        return rk_fail(e, RK_EINPUT, "%s: not a text file (NUL byte)", name);
    ystate s = {.name = d->name, .e = e};
    if (!yaml_parser_initialize(&s.p))
        return rk_fail(e, RK_EINTERNAL, "%s: cannot initialize the YAML parser", name);
    yaml_parser_set_input_string(&s.p, text, len);
    int rc = RK_OK, docs = 0;
    for (;;) {
        yaml_event_t ev;
        if ((rc = next(&s, &ev)))
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            rc = rk_fail(e, RK_EINPUT, "%s:%d: more than one YAML document", name, ev_line(&ev));
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_SCALAR_EVENT || t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT ||
            t == YAML_ALIAS_EVENT) {
            if ((rc = parse_node(&s, &ev, 0, &d->root)))
                break;
            continue;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&s.p);
    if (rc)
        rk_ydoc_free(d);
    return rc;
}

int rk_ydoc_load(rk_ydoc *d, const char *path, rk_err *e)
{
    uint8_t *text;
    size_t len;
    int rc = rk_read_file(path, &text, &len, e);
    if (rc)
        return rc;
    rc = rk_ydoc_parse(d, path, text, len, e);
    free(text);
    return rc;
}

rk_ynode *rk_ynode_get(const rk_ynode *map, const char *key)
{
    if (!map || map->type != RK_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->kids[i];
    return NULL;
}

static const char *type_name(int t)
{
    return t == RK_Y_SCALAR ? "a value" : t == RK_Y_MAP ? "a mapping" : "a list";
}

int rk_ynode_expect(const rk_ydoc *d, const rk_ynode *n, int type, const char *what, rk_err *e)
{
    if (!n)
        return rk_fail(e, RK_EINPUT, "%s: %s is missing", d->name, what);
    if (n->type != type)
        return rk_fail(e, RK_EINPUT, "%s:%u: %s must be %s, not %s", d->name, n->line, what,
                       type_name(type), type_name(n->type));
    return RK_OK;
}

int rk_ynode_u64(const rk_ydoc *d, const rk_ynode *n, const char *what, uint64_t min, uint64_t max,
                 uint64_t *out, rk_err *e)
{
    int rc = rk_ynode_expect(d, n, RK_Y_SCALAR, what, e);
    if (rc)
        return rc;
    const char *s = n->str;
    uint64_t v = 0;
    int ok = *s != '\0';
    for (const char *p = s; *p && ok; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            ok = 0;
        else
            v = v * 10 + (uint64_t)(*p - '0');
    }
    if (!ok)
        return rk_fail(e, RK_EINPUT, "%s:%u: %s must be a whole number, not '%s'", d->name, n->line, what, s);
    if (v < min || v > max)
        return rk_fail(e, RK_EINPUT, "%s:%u: %s must be between %llu and %llu, not %llu", d->name, n->line,
                       what, (unsigned long long)min, (unsigned long long)max, (unsigned long long)v);
    *out = v;
    return RK_OK;
}

int rk_ynode_bool(const rk_ydoc *d, const rk_ynode *n, const char *what, int *out, rk_err *e)
{
    int rc = rk_ynode_expect(d, n, RK_Y_SCALAR, what, e);
    if (rc)
        return rc;
    if (!strcmp(n->str, "true") || !strcmp(n->str, "yes"))
        *out = 1;
    else if (!strcmp(n->str, "false") || !strcmp(n->str, "no"))
        *out = 0;
    else
        return rk_fail(e, RK_EINPUT, "%s:%u: %s must be true or false, not '%s'", d->name, n->line, what,
                       n->str);
    return RK_OK;
}

int rk_ynode_enum(const rk_ydoc *d, const rk_ynode *n, const char *what, const char *const *choices,
                  int *out, rk_err *e)
{
    int rc = rk_ynode_expect(d, n, RK_Y_SCALAR, what, e);
    if (rc)
        return rc;
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        if (strcmp(n->str, choices[i]) == 0) {
            *out = i;
            return RK_OK;
        }
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", choices[i]);
    }
    return rk_fail(e, RK_EINPUT, "%s:%u: %s must be one of %s, not '%s'", d->name, n->line, what, list,
                   n->str);
}

int rk_ynode_only_keys(const rk_ydoc *d, const rk_ynode *map, const char *section,
                       const char *const *known, rk_err *e)
{
    if (!map || map->type != RK_Y_MAP)
        return RK_OK;
    for (size_t i = 0; i < map->n; i++) {
        int ok = 0;
        for (int k = 0; known[k] && !ok; k++)
            ok = strcmp(map->keys[i], known[k]) == 0;
        if (!ok) {
            char list[256] = "";
            for (int k = 0; known[k]; k++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", k ? ", " : "", known[k]);
            }
            return rk_fail(e, RK_EINPUT, "%s:%u: unknown key '%s'%s%s (known: %s)", d->name, map->key_lines[i],
                           map->keys[i], section ? " in " : "", section ? section : "", list);
        }
    }
    return RK_OK;
}
