/* The architecture spec: a model described as text, one statement per line (or separated by ';'),
 *
 *   kind name(arg, arg, ...) key=value key=value ...     # comment
 *
 * for example
 *
 *   input  points dims=2 names=x,t lb=-5,0 ub=5,1.5707963267948966
 *   mlp    net(points) sizes=2,100,100,100,100,2 act=tanh out=identity bias=1
 *   output net names=u,v ref=h_re,h_im
 *
 * This file only splits text into statements and reads typed values out of them; what a kind
 * means is the business of the model (input, output) and of the registered blocks (phynn/block.h).
 * Every key a statement carries must be read by its owner (PhynnSpecCheckUsed), so a misspelt key
 * is an error with a "did you mean", never ignored. Values hold no spaces; lists are
 * comma-separated. Errors name the origin ("-model_spec", "model file m.nc"), the line and the
 * statement. */
#ifndef PHYNN_SPEC_H
#define PHYNN_SPEC_H

#include "phynn/sys.h"

#define PHYNN_SPEC_NAME_MAX 64 /* a statement's kind, name, argument or key */
#define PHYNN_SPEC_MAX_ARGS 8  /* arguments of one statement */
#define PHYNN_SPEC_MAX_KEYS 32 /* key=value pairs of one statement */

typedef struct {
  char  origin[128];
  int   line;
  char  kind[PHYNN_SPEC_NAME_MAX], name[PHYNN_SPEC_NAME_MAX];
  int   nargs;
  char  args[PHYNN_SPEC_MAX_ARGS][PHYNN_SPEC_NAME_MAX];
  int   nkeys;
  char  key[PHYNN_SPEC_MAX_KEYS][PHYNN_SPEC_NAME_MAX];
  char *value[PHYNN_SPEC_MAX_KEYS];
  int   used[PHYNN_SPEC_MAX_KEYS];
} PhynnSpecStatement;

typedef struct {
  int                 n;
  PhynnSpecStatement *st;
} PhynnSpec;

PetscErrorCode PhynnSpecParse(const char *text, const char *origin, PhynnSpec *spec);
PetscErrorCode PhynnSpecDestroy(PhynnSpec *spec);

/* Typed reads of key `key` (marked as used). `required`: a missing key is an error; otherwise
 * *found (may be NULL) tells and the output keeps its default. */
PetscErrorCode PhynnSpecGetString(PhynnSpecStatement *st, const char *key, PetscBool required, char *out, size_t len, PetscBool *found);
PetscErrorCode PhynnSpecGetInt(PhynnSpecStatement *st, const char *key, PetscBool required, long *out, PetscBool *found);
PetscErrorCode PhynnSpecGetReal(PhynnSpecStatement *st, const char *key, PetscBool required, double *out, PetscBool *found);
/* Comma lists: at most max entries, *n receives the count. */
PetscErrorCode PhynnSpecGetIntList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, long *out, int *n, PetscBool *found);
PetscErrorCode PhynnSpecGetRealList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, double *out, int *n, PetscBool *found);
/* Names (each shorter than `width` characters): out is max x width chars. */
PetscErrorCode PhynnSpecGetNameList(PhynnSpecStatement *st, const char *key, PetscBool required, int max, size_t width, char *out, int *n, PetscBool *found);
/* One of choices[] (NULL-terminated); *index receives its position. */
PetscErrorCode PhynnSpecGetChoice(PhynnSpecStatement *st, const char *key, const char *const *choices, PetscBool required, int *index, PetscBool *found);
/* Every key was read; an unknown one is an error listing `keys` (the kind's keys, "a, b, c"). */
PetscErrorCode PhynnSpecCheckUsed(PhynnSpecStatement *st, const char *keys);
/* A one-line error about statement st ("-model_spec, line 2 (mlp net): ..."). */
#define PhynnSpecCheck(st, cond, ...) PetscCheck(cond, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s, line %d (%s %s): " PHYNN_SPEC_FIRST_(__VA_ARGS__, ""), (st)->origin, (st)->line, (st)->kind, (st)->name, PHYNN_SPEC_REST_(__VA_ARGS__, ""))
#define PHYNN_SPEC_FIRST_(fmt, ...) fmt "%s"
#define PHYNN_SPEC_REST_(fmt, ...) __VA_ARGS__

/* A growing string for canonical forms. */
typedef struct {
  char  *s;
  size_t len, cap;
} PhynnText;
PetscErrorCode PhynnTextAppend(PhynnText *t, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
/* Appends " key=v1,v2,..." with doubles in %.17g (the text reads back to the same bits). */
PetscErrorCode PhynnTextAppendReals(PhynnText *t, const char *key, int n, const double *v);
PetscErrorCode PhynnTextAppendInts(PhynnText *t, const char *key, int n, const long *v);
PetscErrorCode PhynnTextFree(PhynnText *t);

#endif
