/* Block `deeponet`: a deep operator network (Lu et al. 2021) in its aligned form,
 *
 *   deeponet op(u0) branch=128,128 trunk=128,128 p=128 act=tanh xmin=0 xmax=1 periodic=1
 *
 *   out(u)(y_j) = sum_k b_k(u) t_k(y_j) + b0
 *
 * The branch net (an MLP, linear last layer) reads the input function at its grid points (the
 * sensors: every value of u0, all channels); the trunk net (an MLP, activated last layer, as
 * Lu's) reads the output coordinates y_j. Every sample is wanted on the same grid (the input's
 * W points), so the trunk runs once per step on that grid and the output is one GEMM,
 * B (N, p) T^T (p, W), the Cartesian-product form. The grid is a frozen parameter <name>.grid
 * (W values, in the model file): with periodic=1 the points are xmin + (xmax - xmin) j / W and the
 * trunk sees (cos, sin) of 2 pi (y - xmin)/(xmax - xmin), so its functions are periodic by
 * construction; with periodic=0 the points run from xmin to xmax inclusive (a Dirichlet grid) and
 * the trunk sees y mapped to [-1, 1]. Output (1, 1, W): one channel. Parameters
 * <name>.branch_W1, .branch_b1, ..., .trunk_W1, ..., <name>.b0 and <name>.grid. */
#include <math.h>

#include "phynn/block.h"
#include "phynn/mlp.h"

#define DEEPONET_MAX_HIDDEN 8

typedef struct {
  long   branch[DEEPONET_MAX_HIDDEN], trunk[DEEPONET_MAX_HIDDEN], p;
  int    nbranch, ntrunk, act, periodic;
  double xmin, xmax;
} DeepONetKeys;

typedef struct {
  PhynnMLP branch, trunk;
  int      grid, b0;
} DeepONetState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  DeepONetKeys *k;
  long          periodic = 1;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  k->act  = PHYNN_ACT_TANH;
  PetscCall(PhynnSpecGetIntList(st, "branch", PETSC_TRUE, DEEPONET_MAX_HIDDEN, k->branch, &k->nbranch, NULL));
  PetscCall(PhynnSpecGetIntList(st, "trunk", PETSC_TRUE, DEEPONET_MAX_HIDDEN, k->trunk, &k->ntrunk, NULL));
  PetscCall(PhynnSpecGetInt(st, "p", PETSC_TRUE, &k->p, NULL));
  PetscCall(PhynnSpecGetChoice(st, "act", PhynnActivationNames, PETSC_FALSE, &k->act, NULL));
  PetscCall(PhynnSpecGetReal(st, "xmin", PETSC_TRUE, &k->xmin, NULL));
  PetscCall(PhynnSpecGetReal(st, "xmax", PETSC_TRUE, &k->xmax, NULL));
  PetscCall(PhynnSpecGetInt(st, "periodic", PETSC_FALSE, &periodic, NULL));
  for (int l = 0; l < k->nbranch; l++) PhynnSpecCheck(st, k->branch[l] >= 1, "branch: width %ld is not positive", k->branch[l]);
  for (int l = 0; l < k->ntrunk; l++) PhynnSpecCheck(st, k->trunk[l] >= 1, "trunk: width %ld is not positive", k->trunk[l]);
  PhynnSpecCheck(st, k->p >= 1, "p=%ld: the networks need at least one basis function", k->p);
  PhynnSpecCheck(st, k->xmax > k->xmin, "xmin=%g, xmax=%g: the output grid's domain is empty", k->xmin, k->xmax);
  PhynnSpecCheck(st, periodic == 0 || periodic == 1, "periodic=%ld must be 0 or 1", periodic);
  PhynnSpecCheck(st, k->act != PHYNN_ACT_SOFTMAX, "act=softmax is not a hidden-layer activation");
  k->periodic = (int)periodic;
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  DeepONetKeys *k = (DeepONetKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "branch", k->nbranch, k->branch));
  PetscCall(PhynnTextAppendInts(t, "trunk", k->ntrunk, k->trunk));
  PetscCall(PhynnTextAppend(t, " p=%ld act=%s", k->p, PhynnActivationNames[k->act]));
  PetscCall(PhynnTextAppendReals(t, "xmin", 1, &k->xmin));
  PetscCall(PhynnTextAppendReals(t, "xmax", 1, &k->xmax));
  PetscCall(PhynnTextAppend(t, " periodic=%d", k->periodic));
  PetscFunctionReturn(0);
}

/* The output grid's size: the input's last dimension (its x). */
static long GridSize(const PhynnVarShape *in) { return in->dim[in->ndim - 1]; }

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3 && in[0].dim[1] == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "deeponet %s: its input '%s' must be 1-D fields (C, 1, NX); give the input dims=C,1,NX", b->name, b->args[0]);
  out->ndim   = 3;
  out->dim[0] = 1;
  out->dim[1] = 1;
  out->dim[2] = GridSize(&in[0]);
  PetscFunctionReturn(0);
}

static PetscErrorCode NameLayers(PhynnBlock b, PhynnGraph g, const PhynnMLP *mlp, const char *net)
{
  char name[PHYNN_SPEC_NAME_MAX + 16];
  PetscFunctionBegin;
  for (int l = 0; l + 1 < mlp->nsizes; l++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s_W%d", b->name, net, l + 1));
    PetscCall(PhynnGraphSetName(g, mlp->W[l], name));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s_b%d", b->name, net, l + 1));
    PetscCall(PhynnGraphSetName(g, mlp->b[l], name));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  DeepONetKeys  *k = (DeepONetKeys *)b->data;
  DeepONetState *s;
  const long     W = GridSize(&b->in_shape[0]);
  long           sizes[DEEPONET_MAX_HIDDEN + 2];
  char           name[PHYNN_SPEC_NAME_MAX + 8];
  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  sizes[0] = PhynnVarShapeSize(&b->in_shape[0]);
  for (int l = 0; l < k->nbranch; l++) sizes[1 + l] = k->branch[l];
  sizes[1 + k->nbranch] = k->p;
  PetscCall(PhynnMLPCreate(g, k->nbranch + 2, sizes, (PhynnActivation)k->act, PHYNN_ACT_IDENTITY, *init, PETSC_TRUE, &s->branch));
  PetscCall(NameLayers(b, g, &s->branch, "branch"));
  sizes[0] = k->periodic ? 2 : 1;
  for (int l = 0; l < k->ntrunk; l++) sizes[1 + l] = k->trunk[l];
  sizes[1 + k->ntrunk] = k->p;
  PetscCall(PhynnMLPCreate(g, k->ntrunk + 2, sizes, (PhynnActivation)k->act, (PhynnActivation)k->act, *init, PETSC_TRUE, &s->trunk));
  PetscCall(NameLayers(b, g, &s->trunk, "trunk"));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.b0", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, 1, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->b0));
  /* the trunk's coordinates: the phase 2 pi j / W of a periodic grid, else y in [-1, 1] */
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.grid", b->name));
  PetscCall(PhynnGraphParam(g, name, W, 1, k->periodic ? (PhynnInitSpec){PHYNN_INIT_GRID, 0, 2 * M_PI * (double)(W - 1) / (double)W} : (PhynnInitSpec){PHYNN_INIT_GRID, -1, 1}, &s->grid));
  PetscCall(PhynnGraphSetTrainable(g, s->grid, PETSC_FALSE));
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  DeepONetKeys  *k = (DeepONetKeys *)b->data;
  DeepONetState *s = (DeepONetState *)state;
  const long     dims[4] = {0, 1, 1, GridSize(&b->in_shape[0])};
  int            B, T, y, feat[2];
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "deeponet %s: operator blocks do not carry input derivatives (jets) in a model", b->name);
  PetscCall(PhynnMLPApply(g, &s->branch, in[0], NULL, &B));
  if (k->periodic) {
    PetscCall(PhynnGraphCos(g, s->grid, &feat[0]));
    PetscCall(PhynnGraphSin(g, s->grid, &feat[1]));
    PetscCall(PhynnGraphConcat(g, 2, feat, &T));
  } else T = s->grid;
  PetscCall(PhynnMLPApply(g, &s->trunk, T, NULL, &T));
  PetscCall(PhynnGraphDense(g, B, T, -1, NULL, &y)); /* (N, p) T^T: every sample on every grid point */
  PetscCall(PhynnGraphAdd(g, y, s->b0, &y));
  PetscCall(PhynnGraphReshape(g, y, 4, dims, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockDeepONet = {"deeponet", "branch, trunk, p, act, xmin, xmax, periodic", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
