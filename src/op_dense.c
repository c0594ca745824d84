/* Dense layer z = x W^T + b over batched rows, one BLAS GEMM each way.
 *
 * With a jet, x stacks K row blocks [value; first-order; second-order]; all blocks share W, so
 * the whole stack is ONE GEMM, and the bias is added to the value block only (derivatives of a
 * constant vanish). Backward:
 *   dx = dz W                      (all blocks)
 *   dW = dz^T x                    (sum over all blocks: every block used W)
 *   db = column sums of dz over the value block only. */
#include <cblas.h>

#include "graph_impl.h"

PetscErrorCode PhynnOpDense(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0), *W = PhynnIn(g, n, 1), *b = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  long       R = x->shape.dim[0], in = x->shape.dim[1], out = W->shape.dim[0];
  int        K = n->has_jet ? PhynnJetBlocks(&n->jet) : 1;
  long       Rb = R / K; /* rows that get the bias */

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCheck(in == W->shape.dim[1], g->comm, PETSC_ERR_ARG_SIZ, "dense '%s': input has %ld columns, weights expect %ld", n->name, in, W->shape.dim[1]);
    PetscCheck(R % K == 0, g->comm, PETSC_ERR_ARG_SIZ, "dense '%s': %ld rows are not %d jet blocks", n->name, R, K);
    n->shape = PhynnShape2(R, out);
    break;
  case PHYNN_ACTION_FORWARD:
    if (R == 0) break;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)out, (int)in, 1.0, x->value, (int)in, W->value, (int)in, 0.0, n->value, (int)out);
    if (b)
      for (long i = 0; i < Rb; i++) {
        double *z = n->value + i * out;
        for (long j = 0; j < out; j++) z[j] += b->value[j];
      }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx, *gW, *gb;
    int     ow;
    if (R == 0) break;
    if (x->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)in, (int)out, 1.0, n->grad, (int)out, W->value, (int)in, ow ? 0.0 : 1.0, gx, (int)in);
    }
    if (W->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, W, &gW, &ow));
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)R, 1.0, n->grad, (int)out, x->value, (int)in, ow ? 0.0 : 1.0, gW, (int)in);
    }
    if (b && b->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, b, &gb, &ow));
      if (ow) PetscCall(PetscArrayzero(gb, out));
      for (long i = 0; i < Rb; i++) {
        const double *dz = n->grad + i * out;
        for (long j = 0; j < out; j++) gb[j] += dz[j];
      }
    }
  } break;
  }
  PetscFunctionReturn(0);
}
