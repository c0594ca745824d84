/* Blocks `batchnorm`, `dropout` and `concat` (src/op_batchnorm.c, src/op_dropout.c,
 * src/op_concat.c):
 *
 *   batchnorm bn1(c1) eps=1e-5 momentum=0.1     per channel (images) or feature (rows); global batch statistics
 *   dropout   d1(h) p=0.2                       training only; the identity in evaluation
 *   concat    skip(u1, c1)                      along channels (U-Net skip connections) or features
 *
 * batchnorm owns <name>.gamma (1 at the start), <name>.beta (0) and the frozen running statistics
 * <name>.running_mean, <name>.running_var (in theta, so saved with the model). None of them
 * carries a model's jets. */
#include "phynn/block.h"

typedef struct {
  double eps, momentum, p;
} LayerKeys;

typedef struct {
  int gamma, beta, mean, var;
} NormState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  LayerKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data     = k;
  k->eps      = 1e-5;
  k->momentum = 0.1;
  if (b->type == &PhynnBlockBatchNorm) {
    PetscCall(PhynnSpecGetReal(st, "eps", PETSC_FALSE, &k->eps, NULL));
    PetscCall(PhynnSpecGetReal(st, "momentum", PETSC_FALSE, &k->momentum, NULL));
    PhynnSpecCheck(st, k->eps > 0, "eps=%g must be positive", k->eps);
    PhynnSpecCheck(st, k->momentum >= 0 && k->momentum <= 1, "momentum=%g must be in [0, 1]", k->momentum);
  } else if (b->type == &PhynnBlockDropout) {
    PetscCall(PhynnSpecGetReal(st, "p", PETSC_TRUE, &k->p, NULL));
    PhynnSpecCheck(st, k->p >= 0 && k->p < 1, "p=%g: the drop probability must be in [0, 1)", k->p);
  }
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  LayerKeys *k = (LayerKeys *)b->data;
  PetscFunctionBegin;
  if (b->type == &PhynnBlockBatchNorm) PetscCall(PhynnTextAppend(t, " eps=%.17g momentum=%.17g", k->eps, k->momentum));
  else if (b->type == &PhynnBlockDropout) PetscCall(PhynnTextAppend(t, " p=%.17g", k->p));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  *out = in[0];
  if (b->type != &PhynnBlockConcat) PetscFunctionReturn(0);
  for (int a = 1; a < b->nargs; a++) {
    PetscBool same = in[a].ndim == in[0].ndim;
    for (int d = 1; same && d < in[0].ndim; d++) same = in[a].dim[d] == in[0].dim[d];
    PetscCheck(same, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "concat %s: '%s' and '%s' differ in more than their channels (first dimension); concatenated inputs need the same height and width", b->name, b->args[0], b->args[a]);
    out->dim[0] += in[a].dim[0];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  NormState *s;
  long       C = b->in_shape[0].dim[0];
  char       name[PHYNN_SPEC_NAME_MAX + 16];
  PetscFunctionBegin;
  (void)init;
  *state = NULL;
  if (b->type != &PhynnBlockBatchNorm) PetscFunctionReturn(0);
  PetscCall(PetscNew(&s));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.gamma", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, C, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 1, 0}, &s->gamma));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.beta", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, C, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->beta));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.running_mean", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, C, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->mean));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.running_var", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, C, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 1, 0}, &s->var));
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  LayerKeys *k = (LayerKeys *)b->data;
  int        x[PHYNN_SPEC_MAX_ARGS];
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: does not carry input derivatives (jets) in a model", b->type->kind, b->name);
  for (int a = 0; a < b->nargs; a++) {
    x[a] = in[a];
    if (b->in_shape[a].ndim == 3) PetscCall(PhynnBlockImages(b, g, a, in[a], &x[a]));
  }
  if (b->type == &PhynnBlockBatchNorm) {
    NormState *s = (NormState *)state;
    PetscCall(PhynnGraphBatchNorm2d(g, x[0], s->gamma, s->beta, s->mean, s->var, k->eps, k->momentum, out));
  } else if (b->type == &PhynnBlockDropout) PetscCall(PhynnGraphDropout(g, x[0], k->p, NULL, out));
  else PetscCall(PhynnGraphConcat(g, b->nargs, x, out));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeState(void **state)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*state));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockBatchNorm = {"batchnorm", "eps, momentum", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, FreeState, PhynnBlockFreeData};
const PhynnBlockType PhynnBlockDropout   = {"dropout", "p", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, FreeState, PhynnBlockFreeData};
const PhynnBlockType PhynnBlockConcat    = {"concat", "", 2, PHYNN_SPEC_MAX_ARGS, PETSC_TRUE, Parse, Print, Shape, Create, Apply, FreeState, PhynnBlockFreeData};
