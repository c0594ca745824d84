/* Block `mlp`: a multilayer perceptron over the flattened input (phynn/mlp.h).
 *
 *   mlp net(points) sizes=2,100,100,1 act=tanh out=identity bias=1
 *
 * sizes run from the input width to the output width; act is the hidden activation, out the
 * output layer's; bias=0 drops the biases. skip=1 makes it a residual block, y = E x + MLP(x), E
 * the rectangular identity (the first min(in, out) values of x go to the same places of y, the
 * rest of y starts at 0), whose last layer starts at zero, so that the block starts as that
 * embedding and learns a correction to it: how an autoencoder carries a measured angle to its code
 * and from there to its decoder's rotation (docs/autoencoder.md). Jets pass a skip only when the
 * widths agree (y = x + MLP(x)). Parameters net.W1 (sizes[1] x sizes[0]), net.b1, ...
 * in that order. Jets pass through (dense layers map every block; the fused activation applies the
 * chain rule), so input derivatives of an mlp are exact. */
#include "phynn/block.h"
#include "phynn/mlp.h"

#define PHYNN_SPEC_SKIP_MAX 16 /* a skip between different widths is for codes and poses */

typedef struct {
  int             nsizes;
  long            sizes[PHYNN_MLP_MAX_LAYERS + 1];
  int             hidden, output, bias, skip;
} MLPKeys;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  MLPKeys *k;
  long     bias = 1, skip = 0;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data   = k;
  k->hidden = PHYNN_ACT_TANH;
  k->output = PHYNN_ACT_IDENTITY;
  PetscCall(PhynnSpecGetIntList(st, "sizes", PETSC_TRUE, PHYNN_MLP_MAX_LAYERS + 1, k->sizes, &k->nsizes, NULL));
  PetscCall(PhynnSpecGetChoice(st, "act", PhynnActivationNames, PETSC_FALSE, &k->hidden, NULL));
  PetscCall(PhynnSpecGetChoice(st, "out", PhynnActivationNames, PETSC_FALSE, &k->output, NULL));
  PetscCall(PhynnSpecGetInt(st, "bias", PETSC_FALSE, &bias, NULL));
  PetscCall(PhynnSpecGetInt(st, "skip", PETSC_FALSE, &skip, NULL));
  PhynnSpecCheck(st, k->nsizes >= 2, "sizes needs at least the input and output widths, e.g. sizes=2,32,1");
  for (int l = 0; l < k->nsizes; l++) PhynnSpecCheck(st, k->sizes[l] >= 1, "sizes: width %ld at position %d is not positive", k->sizes[l], l + 1);
  PhynnSpecCheck(st, bias == 0 || bias == 1, "bias=%ld must be 0 or 1", bias);
  PhynnSpecCheck(st, k->hidden != PHYNN_ACT_SOFTMAX, "softmax is for the output layer only (out=softmax)");
  PhynnSpecCheck(st, skip == 0 || skip == 1, "skip=%ld must be 0 or 1", skip);
  k->bias = (int)bias;
  k->skip = (int)skip;
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockMLP.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  MLPKeys *k = (MLPKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "sizes", k->nsizes, k->sizes));
  PetscCall(PhynnTextAppend(t, " act=%s out=%s bias=%d", PhynnActivationNames[k->hidden], PhynnActivationNames[k->output], k->bias));
  if (k->skip) PetscCall(PhynnTextAppend(t, " skip=1"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  MLPKeys *k = (MLPKeys *)b->data;
  PetscFunctionBegin;
  PetscCheck(PhynnVarShapeSize(&in[0]) == k->sizes[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "mlp %s: sizes starts with %ld but its input '%s' has %ld values per sample; start sizes with %ld", b->name,
             k->sizes[0], b->args[0], PhynnVarShapeSize(&in[0]), PhynnVarShapeSize(&in[0]));
  out->ndim   = 1;
  out->dim[0] = k->sizes[k->nsizes - 1];
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  MLPKeys  *k = (MLPKeys *)b->data;
  PhynnMLP *mlp;
  PetscFunctionBegin;
  PetscCall(PetscNew(&mlp));
  PetscCall(PhynnMLPCreate(g, k->nsizes, k->sizes, (PhynnActivation)k->hidden, (PhynnActivation)k->output, *init, k->bias ? PETSC_TRUE : PETSC_FALSE, mlp));
  for (int l = 0; l + 1 < k->nsizes; l++) { /* "<block>.W1": the slice table names say which block owns a parameter */
    char name[PHYNN_SPEC_NAME_MAX + 8];
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.W%d", b->name, l + 1));
    PetscCall(PhynnGraphSetName(g, mlp->W[l], name));
    if (mlp->b[l] >= 0) {
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s.b%d", b->name, l + 1));
      PetscCall(PhynnGraphSetName(g, mlp->b[l], name));
    }
  }
  if (k->skip) PetscCall(PhynnGraphSetParamInit(g, mlp->W[k->nsizes - 2], (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0})); /* start as the identity */
  *state = mlp;
  PetscFunctionReturn(0);
}

/* y = E x + m: equal widths add directly; otherwise column by column (slices and one concat),
 * x's first min(in, out) columns onto m's. */
static PetscErrorCode AddSkip(PhynnBlock b, PhynnGraph g, int x, const PhynnJet *jet, int *m)
{
  MLPKeys   *k = (MLPKeys *)b->data;
  long       nin = k->sizes[0], nout = k->sizes[k->nsizes - 1];
  PhynnShape sx;
  int        cols[PHYNN_SPEC_SKIP_MAX];
  PetscFunctionBegin;
  PetscCall(PhynnGraphNodeShape(g, x, &sx));
  PetscCheck(sx.ndim == 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "mlp %s: skip=1 needs an input of rows (N, F), not images", b->name);
  if (nin == nout) {
    PetscCall(PhynnGraphAdd(g, x, *m, m));
    PetscFunctionReturn(0);
  }
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "mlp %s: skip=1 between widths %ld and %ld does not carry input derivatives (jets); make the widths equal", b->name, nin, nout);
  PetscCheck(nout <= PHYNN_SPEC_SKIP_MAX, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "mlp %s: skip=1 between different widths is for at most %d outputs, not %ld", b->name, PHYNN_SPEC_SKIP_MAX, nout);
  for (long j = 0; j < nout; j++) {
    PetscCall(PhynnGraphSlice(g, *m, 1, 0, j, &cols[j]));
    if (j < nin) {
      int xj;
      PetscCall(PhynnGraphSlice(g, x, 1, 0, j, &xj));
      PetscCall(PhynnGraphAdd(g, xj, cols[j], &cols[j]));
    }
  }
  if (nout == 1) *m = cols[0];
  else PetscCall(PhynnGraphConcat(g, (int)nout, cols, m));
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  PetscFunctionBegin;
  PetscCall(PhynnMLPApply(g, (PhynnMLP *)state, in[0], jet, out));
  if (((MLPKeys *)b->data)->skip) PetscCall(AddSkip(b, g, in[0], jet, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockMLP = {"mlp", "sizes, act, out, bias, skip", 1, 1, PETSC_FALSE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
