/* The multilayer perceptron: dense layers with an activation between them, all parameters in
 * the graph's one buffer. */
#include "phynn/mlp.h"

PetscErrorCode PhynnMLPCreate(PhynnGraph g, int nsizes, const long *sizes, PhynnActivation hidden, PhynnActivation output, PhynnInitSpec weight_init, PetscBool bias, PhynnMLP *mlp)
{
  MPI_Comm comm = PETSC_COMM_SELF;
  PetscFunctionBegin;
  PetscCheck(nsizes >= 2 && nsizes <= PHYNN_MLP_MAX_LAYERS + 1, comm, PHYNN_ERR_INPUT, "-layers needs between 2 and %d sizes (input, hidden..., output), got %d", PHYNN_MLP_MAX_LAYERS + 1, nsizes);
  PetscCheck(hidden != PHYNN_ACT_SOFTMAX, comm, PHYNN_ERR_INPUT, "softmax is for the output layer only; choose another hidden activation");
  for (int l = 0; l < nsizes; l++) PetscCheck(sizes[l] >= 1, comm, PHYNN_ERR_INPUT, "-layers: size %ld at position %d is not positive; every layer needs at least one unit", sizes[l], l + 1);
  mlp->nsizes = nsizes;
  for (int l = 0; l < nsizes; l++) mlp->sizes[l] = sizes[l];
  mlp->hidden      = hidden;
  mlp->output      = output;
  mlp->alpha       = 0.01;
  mlp->weight_init = weight_init;
  mlp->bias_init   = (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0};
  for (int l = 0; l + 1 < nsizes; l++) {
    char name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "W%d", l + 1));
    PetscCall(PhynnGraphParam(g, name, sizes[l + 1], sizes[l], weight_init, &mlp->W[l]));
    mlp->b[l] = -1;
    if (bias) {
      PetscCall(PetscSNPrintf(name, sizeof(name), "b%d", l + 1));
      PetscCall(PhynnGraphParam(g, name, 1, sizes[l + 1], mlp->bias_init, &mlp->b[l]));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnMLPApply(PhynnGraph g, const PhynnMLP *mlp, int x, const PhynnJet *jet, int *out)
{
  int h = x;
  PetscFunctionBegin;
  for (int l = 0; l + 1 < mlp->nsizes; l++) {
    PhynnActivation act = l + 2 == mlp->nsizes ? mlp->output : mlp->hidden;
    PetscCall(PhynnGraphDense(g, h, mlp->W[l], mlp->b[l], jet, &h));
    if (act != PHYNN_ACT_IDENTITY) PetscCall(PhynnGraphActivation(g, h, act, mlp->alpha, jet, &h));
  }
  *out = h;
  PetscFunctionReturn(0);
}
