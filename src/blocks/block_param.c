/* Block `param`: a trainable array that is the same for every sample (a physical constant such
 * as g, or SINDy's coefficients later).
 *
 *   param g dims=1 init=constant:5
 *
 * dims=n is a (1, n) array, dims=r,c an (r, c) one; complex=1 makes it complex (two doubles,
 * re and im, per element: spectral weights); init is zeros (default), constant:V,
 * normal:MEAN:SD or uniform:LO:HI. The one parameter is named after the block ("g"). Its value
 * broadcasts where a (1, 1) operand may (phynn/graph.h: add, sub, mul), so it is not a per-sample
 * output and cannot be a model output. */
#include <stdlib.h>
#include <string.h>

#include "phynn/block.h"

typedef struct {
  long          rows, cols;
  long          is_complex; /* two doubles (re, im) per element */
  PhynnInitSpec init;
  char          init_text[64];
} ParamKeys;

static PetscErrorCode ParseInit(PhynnSpecStatement *st, const char *text, PhynnInitSpec *init)
{
  char  copy[64], *save = NULL, *kind, *a, *b, *end;
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(copy, text, sizeof(copy)));
  kind = strtok_r(copy, ":", &save);
  a    = strtok_r(NULL, ":", &save);
  b    = strtok_r(NULL, ":", &save);
  *init = (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0};
  if (a) {
    init->a = strtod(a, &end);
    PhynnSpecCheck(st, *end == '\0', "init=%s: '%s' is not a number", text, a);
  }
  if (b) {
    init->b = strtod(b, &end);
    PhynnSpecCheck(st, *end == '\0', "init=%s: '%s' is not a number", text, b);
  }
  if (!strcmp(kind, "zeros")) PhynnSpecCheck(st, !a, "init=zeros takes no values");
  else if (!strcmp(kind, "constant")) {
    PhynnSpecCheck(st, a && !b, "init=constant:V needs one value, e.g. constant:5");
    init->kind = PHYNN_INIT_CONSTANT;
  } else if (!strcmp(kind, "normal") || !strcmp(kind, "uniform")) {
    PhynnSpecCheck(st, a && b, "init=%s needs two values, e.g. %s:0:1", kind, kind);
    init->kind = !strcmp(kind, "normal") ? PHYNN_INIT_NORMAL : PHYNN_INIT_UNIFORM;
  } else PhynnSpecCheck(st, PETSC_FALSE, "init=%s is not one of zeros, constant:V, normal:MEAN:SD, uniform:LO:HI", text);
  PetscFunctionReturn(0);
}

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  ParamKeys *k;
  long       dims[2];
  int        nd;
  PetscBool  found;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, 2, dims, &nd, NULL));
  for (int d = 0; d < nd; d++) PhynnSpecCheck(st, dims[d] >= 1, "dims: %ld is not positive", dims[d]);
  k->rows = nd == 2 ? dims[0] : 1;
  k->cols = nd == 2 ? dims[1] : dims[0];
  PetscCall(PetscStrncpy(k->init_text, "zeros", sizeof(k->init_text)));
  PetscCall(PhynnSpecGetString(st, "init", PETSC_FALSE, k->init_text, sizeof(k->init_text), &found));
  PetscCall(PhynnSpecGetInt(st, "complex", PETSC_FALSE, &k->is_complex, NULL));
  PhynnSpecCheck(st, k->is_complex == 0 || k->is_complex == 1, "complex=%ld must be 0 or 1", k->is_complex);
  PetscCall(ParseInit(st, k->init_text, &k->init));
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockParam.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  ParamKeys *k = (ParamKeys *)b->data;
  PetscFunctionBegin;
  if (k->rows == 1) PetscCall(PhynnTextAppend(t, " dims=%ld", k->cols));
  else PetscCall(PhynnTextAppend(t, " dims=%ld,%ld", k->rows, k->cols));
  switch (k->init.kind) {
  case PHYNN_INIT_CONSTANT: PetscCall(PhynnTextAppend(t, " init=constant:%.17g", k->init.a)); break;
  case PHYNN_INIT_NORMAL: PetscCall(PhynnTextAppend(t, " init=normal:%.17g:%.17g", k->init.a, k->init.b)); break;
  case PHYNN_INIT_UNIFORM: PetscCall(PhynnTextAppend(t, " init=uniform:%.17g:%.17g", k->init.a, k->init.b)); break;
  default: PetscCall(PhynnTextAppend(t, " init=zeros")); break;
  }
  if (k->is_complex) PetscCall(PhynnTextAppend(t, " complex=1"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  ParamKeys *k = (ParamKeys *)b->data;
  (void)in;
  out->ndim   = 0; /* not per sample */
  out->dim[0] = k->rows * k->cols;
  return 0;
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  ParamKeys *k = (ParamKeys *)b->data;
  int       *node;
  (void)init; /* a param has its own initialiser */
  PetscFunctionBegin;
  PetscCall(PetscNew(&node));
  long dims[2] = {k->rows, k->cols};
  PetscCall(PhynnGraphParamND(g, b->name, 2, dims, k->is_complex ? PHYNN_DTYPE_COMPLEX : PHYNN_DTYPE_REAL, k->init, node));
  *state = node;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  (void)b; (void)g; (void)in; (void)jet;
  *out = *(int *)state;
  return 0;
}

const PhynnBlockType PhynnBlockParam = {"param", "dims, init, complex", 0, 0, PETSC_FALSE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
