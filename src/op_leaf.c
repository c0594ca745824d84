/* Leaf and plumbing operations: inputs, parameters, the jet input layer, and slices of jets. */
#include <string.h>

#include "graph_impl.h"

/* Inputs and parameters hold data set from outside: nothing to compute, nothing to propagate
 * (a parameter's gradient is read from the gradient buffer). */
PetscErrorCode PhynnOpInput(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  (void)g; (void)n; (void)action;
  return 0;
}

PetscErrorCode PhynnOpParam(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  (void)g; (void)n; (void)action;
  return 0;
}

/* Jet input layer. Input x (N, nin) in physical units; output (K N, nin):
 *   block 0:            x'_c = (x_c - shift_c) scale_c
 *   block of d/dx_c:    the constant row e_c scale_c   (dx'/dx_c, the chain rule of the scaling)
 *   second-order block: 0                              (the scaling is affine)
 * The input carries no gradient (coordinates are data), so there is no backward. */
PetscErrorCode PhynnOpJetInput(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0);
  long       N = x->shape.dim[0], nin = x->shape.dim[1];
  int        K = PhynnJetBlocks(&n->jet);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: n->shape = PhynnShape2(K * N, nin); break;
  case PHYNN_ACTION_FORWARD: {
    double *v = n->value;
    for (long i = 0; i < N; i++)
      for (long c = 0; c < nin; c++) v[i * nin + c] = (x->value[i * nin + c] - n->shift[c]) * n->scale[c];
    PetscCall(PetscArrayzero(v + N * nin, (K - 1) * N * nin));
    for (int d = 0; d < n->jet.nfirst; d++) {
      int     c   = n->jet.first[d];
      double *blk = v + (1 + d) * N * nin;
      for (long i = 0; i < N; i++) blk[i * nin + c] = n->scale[c];
    }
  } break;
  case PHYNN_ACTION_BACKWARD: break; /* coordinates are data */
  }
  PetscFunctionReturn(0);
}

/* Slice: column `col` of row block `block` (of nblocks) -> (N, 1). Backward scatters the
 * gradient into that column and zeros elsewhere on first write. */
PetscErrorCode PhynnOpSlice(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x    = PhynnIn(g, n, 0);
  long       rows = x->shape.dim[0], cols = x->shape.dim[1];
  long       N    = rows / n->nblocks;
  const long off  = (long)n->block * N * cols + n->col;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCheck(rows % n->nblocks == 0, g->comm, PETSC_ERR_ARG_SIZ, "slice of '%s': %ld rows are not %d blocks", x->name, rows, n->nblocks);
    n->shape = PhynnShape2(N, 1);
    break;
  case PHYNN_ACTION_FORWARD:
    for (long i = 0; i < N; i++) n->value[i] = x->value[off + i * cols];
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     overwrite;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &overwrite));
    if (overwrite) PetscCall(PetscArrayzero(gx, rows * cols));
    for (long i = 0; i < N; i++) gx[off + i * cols] += n->grad[i];
  } break;
  }
  PetscFunctionReturn(0);
}
