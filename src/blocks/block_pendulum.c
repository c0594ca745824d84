/* Block `pendulum`: the small-angle pendulum theta(t) = theta0 cos(sqrt(g / l) t) of tutorial
 * Example 1, with g a block (a `param`, or an `mlp` of t giving g'(t)) and t the physical time.
 *
 *   pendulum theta(g,t) theta0=0.349 l=10
 *
 * This is the model `phynn train pendulum-g` fits to data, so its file evaluates to theta(t) and
 * validates against the reference solver like any other model. It reads t unscaled
 * (raw_inputs), and its output carries no jets (an estimate of g needs none). */
#include "phynn/block.h"

typedef struct {
  double theta0, l;
} PendulumKeys;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  PendulumKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetReal(st, "theta0", PETSC_TRUE, &k->theta0, NULL));
  PetscCall(PhynnSpecGetReal(st, "l", PETSC_TRUE, &k->l, NULL));
  PhynnSpecCheck(st, k->l > 0, "l=%g must be positive", k->l);
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockPendulum.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  PendulumKeys *k = (PendulumKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " theta0=%.17g l=%.17g", k->theta0, k->l));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  for (int a = 0; a < 2; a++)
    PetscCheck(PhynnVarShapeSize(&in[a]) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum %s: argument '%s' must have one value per sample (g or g'(t), and t)", b->name, b->args[a]);
  PetscCheck(in[1].ndim == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum %s: its second argument '%s' must be the time input", b->name, b->args[1]);
  out->ndim   = 1;
  out->dim[0] = 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  (void)b; (void)g; (void)init;
  *state = NULL;
  return 0;
}

/* theta0 cos(sqrt(g/l) t), in the order of operations the pendulum-g fit has always used. */
static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  PendulumKeys *k = (PendulumKeys *)b->data;
  int           arg, c;
  (void)state;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum %s: input derivatives are not available through this block", b->name);
  PetscCall(PhynnGraphScale(g, in[0], 1.0 / k->l, &arg));
  PetscCall(PhynnGraphSqrt(g, arg, &arg));
  PetscCall(PhynnGraphMul(g, arg, in[1], &arg));
  PetscCall(PhynnGraphCos(g, arg, &c));
  PetscCall(PhynnGraphScale(g, c, k->theta0, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockPendulum = {"pendulum", "theta0, l", 2, 2, PETSC_TRUE, Parse, Print, Shape, Create, Apply, NULL, PhynnBlockFreeData};
