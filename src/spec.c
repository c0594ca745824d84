/* The architecture spec's syntax (phynn/spec.h): statements, arguments, key=value pairs, typed
 * reads that mark keys as used, and the text builder the canonical forms are printed with. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/options.h"
#include "phynn/spec.h"

static PetscBool IsNameChar(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' ? PETSC_TRUE : PETSC_FALSE; }

/* Copies a name token, checking its characters and length. */
static PetscErrorCode CopyName(const char *origin, int line, const char *what, const char *p, size_t n, char *out)
{
  PetscFunctionBegin;
  PetscCheck(n > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: empty %s; statements read 'kind name(args) key=value ...'", origin, line, what);
  PetscCheck(n < PHYNN_SPEC_NAME_MAX, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: %s '%.*s' is longer than %d characters", origin, line, what, (int)n, p, PHYNN_SPEC_NAME_MAX - 1);
  for (size_t i = 0; i < n; i++)
    PetscCheck(IsNameChar(p[i]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: %s '%.*s' has the character '%c'; names use letters, digits, '_', '.' and '-'", origin, line, what, (int)n, p, p[i]);
  memcpy(out, p, n);
  out[n] = '\0';
  PetscFunctionReturn(0);
}

/* One statement from the tokens of one line: "kind name(a,b) k=v ...". */
static PetscErrorCode ParseStatement(const char *origin, int line, char *text, PhynnSpecStatement *st)
{
  char *save = NULL, *tok;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(st, sizeof(*st)));
  PetscCall(PetscStrncpy(st->origin, origin, sizeof(st->origin)));
  st->line = line;
  tok      = strtok_r(text, " \t\r", &save);
  PetscCall(CopyName(origin, line, "kind", tok, strlen(tok), st->kind));
  tok = strtok_r(NULL, " \t\r", &save);
  PetscCheck(tok, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: statement '%s' has no name; write e.g. '%s net(points) ...'", origin, line, st->kind, st->kind);
  {
    char *open = strchr(tok, '(');
    if (!open) PetscCall(CopyName(origin, line, "name", tok, strlen(tok), st->name));
    else {
      char *close = strchr(open, ')'), *a = open + 1;
      PetscCall(CopyName(origin, line, "name", tok, (size_t)(open - tok), st->name));
      PetscCheck(close && close[1] == '\0', PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: '%s' needs its arguments as name(a,b) with no spaces", origin, line, tok);
      while (a < close) {
        char *e = memchr(a, ',', (size_t)(close - a));
        if (!e) e = close;
        PetscCheck(st->nargs < PHYNN_SPEC_MAX_ARGS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: more than %d arguments", origin, line, PHYNN_SPEC_MAX_ARGS);
        PetscCall(CopyName(origin, line, "argument", a, (size_t)(e - a), st->args[st->nargs++]));
        a = e + 1;
      }
    }
  }
  while ((tok = strtok_r(NULL, " \t\r", &save))) {
    char *eq = strchr(tok, '=');
    PetscCheck(eq && eq != tok && eq[1], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d (%s %s): '%s' is not key=value", origin, line, st->kind, st->name, tok);
    PetscCheck(st->nkeys < PHYNN_SPEC_MAX_KEYS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d: more than %d keys", origin, line, PHYNN_SPEC_MAX_KEYS);
    PetscCall(CopyName(origin, line, "key", tok, (size_t)(eq - tok), st->key[st->nkeys]));
    for (int k = 0; k < st->nkeys; k++)
      PetscCheck(strcmp(st->key[k], st->key[st->nkeys]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d (%s %s): key '%s' is given twice", origin, line, st->kind, st->name, st->key[k]);
    PetscCall(PetscStrallocpy(eq + 1, &st->value[st->nkeys]));
    st->nkeys++;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecParse(const char *text, const char *origin, PhynnSpec *spec)
{
  char          *copy, *p;
  int            line = 1, cap = 0;
  PetscErrorCode ierr = 0;
  PetscFunctionBegin;
  spec->n  = 0;
  spec->st = NULL;
  PetscCall(PetscStrallocpy(text ? text : "", &copy));
  p = copy;
  while (*p && !ierr) {
    char *end = p + strcspn(p, "\n;"), *hash, keep = *end;
    *end = '\0';
    if ((hash = strchr(p, '#'))) *hash = '\0';
    char *q = p;
    while (*q == ' ' || *q == '\t' || *q == '\r') q++;
    if (*q) {
      if (spec->n == cap) {
        PhynnSpecStatement *grown;
        cap = cap ? 2 * cap : 8;
        PetscCall(PetscCalloc1(cap, &grown));
        if (spec->n) PetscCall(PetscArraycpy(grown, spec->st, spec->n));
        PetscCall(PetscFree(spec->st));
        spec->st = grown;
      }
      ierr = ParseStatement(origin, line, q, &spec->st[spec->n]);
      spec->n++;
    }
    if (keep == '\n') line++;
    p = keep ? end + 1 : end;
  }
  PetscCall(PetscFree(copy));
  if (ierr) PetscCall(PhynnSpecDestroy(spec));
  PetscCall(ierr);
  PetscCheck(spec->n > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: the model spec is empty; it needs at least an input, a block and an output (docs/model-file.md)", origin);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecDestroy(PhynnSpec *spec)
{
  PetscFunctionBegin;
  for (int i = 0; i < spec->n; i++)
    for (int k = 0; k < spec->st[i].nkeys; k++) PetscCall(PetscFree(spec->st[i].value[k]));
  PetscCall(PetscFree(spec->st));
  spec->n = 0;
  PetscFunctionReturn(0);
}

/* The value of key, marked as used; NULL when absent (an error if required). */
static PetscErrorCode Find(PhynnSpecStatement *st, const char *key, PetscBool required, const char **value, PetscBool *found)
{
  PetscFunctionBegin;
  *value = NULL;
  for (int k = 0; k < st->nkeys; k++)
    if (!strcmp(st->key[k], key)) {
      st->used[k] = 1;
      *value      = st->value[k];
    }
  if (found) *found = *value ? PETSC_TRUE : PETSC_FALSE;
  PhynnSpecCheck(st, *value || !required, "the key '%s' is required", key);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetString(PhynnSpecStatement *st, const char *key, PetscBool required, char *out, size_t len, PetscBool *found)
{
  const char *v;
  PetscFunctionBegin;
  PetscCall(Find(st, key, required, &v, found));
  if (!v) PetscFunctionReturn(0);
  PhynnSpecCheck(st, strlen(v) < len, "%s=%s is longer than %zu characters", key, v, len - 1);
  PetscCall(PetscStrncpy(out, v, len));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseReal(PhynnSpecStatement *st, const char *key, const char *s, size_t n, double *out)
{
  char  buf[64], *end;
  PetscFunctionBegin;
  PhynnSpecCheck(st, n > 0 && n < sizeof(buf), "%s has an empty or overlong entry", key);
  memcpy(buf, s, n);
  buf[n] = '\0';
  errno  = 0;
  *out   = strtod(buf, &end);
  PhynnSpecCheck(st, *end == '\0' && errno == 0 && isfinite(*out), "%s: '%s' is not a finite number", key, buf);
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseInt(PhynnSpecStatement *st, const char *key, const char *s, size_t n, long *out)
{
  char buf[32], *end;
  PetscFunctionBegin;
  PhynnSpecCheck(st, n > 0 && n < sizeof(buf), "%s has an empty or overlong entry", key);
  memcpy(buf, s, n);
  buf[n] = '\0';
  errno  = 0;
  *out   = strtol(buf, &end, 10);
  PhynnSpecCheck(st, *end == '\0' && errno == 0, "%s: '%s' is not an integer", key, buf);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetInt(PhynnSpecStatement *st, const char *key, PetscBool required, long *out, PetscBool *found)
{
  const char *v;
  PetscFunctionBegin;
  PetscCall(Find(st, key, required, &v, found));
  if (v) PetscCall(ParseInt(st, key, v, strlen(v), out));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetReal(PhynnSpecStatement *st, const char *key, PetscBool required, double *out, PetscBool *found)
{
  const char *v;
  PetscFunctionBegin;
  PetscCall(Find(st, key, required, &v, found));
  if (v) PetscCall(ParseReal(st, key, v, strlen(v), out));
  PetscFunctionReturn(0);
}

/* Field boundaries of a comma list: starts[i], lens[i]. */
static PetscErrorCode Fields(PhynnSpecStatement *st, const char *key, const char *v, int max, const char **starts, size_t *lens, int *n)
{
  PetscFunctionBegin;
  *n = 0;
  for (const char *p = v;;) {
    const char *e = strchr(p, ',');
    size_t      l = e ? (size_t)(e - p) : strlen(p);
    PhynnSpecCheck(st, *n < max, "%s lists more than %d entries", key, max);
    starts[*n] = p;
    lens[*n]   = l;
    (*n)++;
    if (!e) break;
    p = e + 1;
  }
  PetscFunctionReturn(0);
}

/* The fields of list key `key` (NULL *starts when the key is absent): the one reader behind the
 * typed list getters. Free with PetscFree2(*starts, *lens). */
static PetscErrorCode ListFields(PhynnSpecStatement *st, const char *key, PetscBool required, int max, PetscBool *found, const char ***starts, size_t **lens, int *n)
{
  const char *v;
  PetscFunctionBegin;
  *starts = NULL;
  *lens   = NULL;
  PetscCall(Find(st, key, required, &v, found));
  if (!v) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(max, starts, max, lens));
  PetscErrorCode ierr = Fields(st, key, v, max, *starts, *lens, n);
  if (ierr) PetscCall(PetscFree2(*starts, *lens));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetIntList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, long *out, int *n, PetscBool *found)
{
  const char **starts;
  size_t      *lens;
  int          m = 0;
  PetscFunctionBegin;
  PetscCall(ListFields(st, key, required, max, found, &starts, &lens, &m));
  if (!starts) PetscFunctionReturn(0);
  for (int i = 0; i < m; i++) PetscCall(ParseInt(st, key, starts[i], lens[i], &out[i]));
  *n = m;
  PetscCall(PetscFree2(starts, lens));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetRealList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, double *out, int *n, PetscBool *found)
{
  const char **starts;
  size_t      *lens;
  int          m = 0;
  PetscFunctionBegin;
  PetscCall(ListFields(st, key, required, max, found, &starts, &lens, &m));
  if (!starts) PetscFunctionReturn(0);
  for (int i = 0; i < m; i++) PetscCall(ParseReal(st, key, starts[i], lens[i], &out[i]));
  *n = m;
  PetscCall(PetscFree2(starts, lens));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetNameList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, size_t width, char *out, int *n, PetscBool *found)
{
  const char **starts;
  size_t      *lens;
  int          m = 0;
  PetscFunctionBegin;
  PetscCall(ListFields(st, key, required, max, found, &starts, &lens, &m));
  if (!starts) PetscFunctionReturn(0);
  for (int i = 0; i < m; i++) {
    PhynnSpecCheck(st, lens[i] > 0 && lens[i] < width, "%s: entry %d is empty or longer than %zu characters", key, i + 1, width - 1);
    memcpy(out + (size_t)i * width, starts[i], lens[i]);
    out[(size_t)i * width + lens[i]] = '\0';
  }
  *n = m;
  PetscCall(PetscFree2(starts, lens));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecGetChoice(PhynnSpecStatement *st, const char *key, const char *const *choices, PetscBool required, int *index, PetscBool *found)
{
  const char *v;
  char        list[512] = "";
  PetscFunctionBegin;
  PetscCall(Find(st, key, required, &v, found));
  if (!v) PetscFunctionReturn(0);
  for (int i = 0; choices[i]; i++) {
    if (!strcmp(choices[i], v)) {
      *index = i;
      PetscFunctionReturn(0);
    }
    PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof(list)));
    PetscCall(PetscStrlcat(list, choices[i], sizeof(list)));
  }
  PhynnSpecCheck(st, PETSC_FALSE, "%s=%s is not one of: %s", key, v, list);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSpecCheckUsed(PhynnSpecStatement *st, const char *keys)
{
  PetscFunctionBegin;
  for (int k = 0; k < st->nkeys; k++) {
    if (st->used[k]) continue;
    /* the nearest known key, for a "did you mean" */
    char best[PHYNN_SPEC_NAME_MAX] = "", copy[512], *save = NULL, *tok;
    int  bestd                     = 1 << 30;
    PetscCall(PetscStrncpy(copy, keys, sizeof(copy)));
    for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
      int d = PhynnEditDistance(st->key[k], tok);
      if (d < bestd) {
        bestd = d;
        PetscCall(PetscStrncpy(best, tok, sizeof(best)));
      }
    }
    if (best[0] && bestd <= 2) PhynnSpecCheck(st, PETSC_FALSE, "unknown key '%s'; did you mean '%s'? (keys: %s)", st->key[k], best, keys);
    PhynnSpecCheck(st, PETSC_FALSE, "unknown key '%s' (keys: %s)", st->key[k], keys);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTextAppend(PhynnText *t, const char *fmt, ...)
{
  va_list ap;
  int     need;
  PetscFunctionBegin;
  va_start(ap, fmt);
  need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (t->len + (size_t)need + 1 > t->cap) {
    size_t cap = PetscMax(2 * t->cap, t->len + (size_t)need + 256);
    char  *s;
    PetscCall(PetscMalloc1(cap, &s));
    if (t->len) PetscCall(PetscArraycpy(s, t->s, t->len));
    PetscCall(PetscFree(t->s));
    t->s   = s;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, (size_t)need + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)need;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTextAppendReals(PhynnText *t, const char *key, int n, const double *v)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " %s=", key));
  for (int i = 0; i < n; i++) PetscCall(PhynnTextAppend(t, "%s%.17g", i ? "," : "", v[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTextAppendInts(PhynnText *t, const char *key, int n, const long *v)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " %s=", key));
  for (int i = 0; i < n; i++) PetscCall(PhynnTextAppend(t, "%s%ld", i ? "," : "", v[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTextFree(PhynnText *t)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(t->s));
  t->len = t->cap = 0;
  PetscFunctionReturn(0);
}
