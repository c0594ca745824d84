/* Concatenation along the channel (feature) dimension, for U-Net skip connections:
 *   x_k (N, C_k, d2, ...) for k = 0..n-1 (n >= 2; the same N and trailing dims) -> y (N, sum C_k, d2, ...)
 *   y[r, off_k + c, ...] = x_k[r, c, ...]   with off_k = C_0 + ... + C_{k-1}
 *   dx_k[r, c, ...] = dy[r, off_k + c, ...]  (each input gets its slice of the gradient back)
 * Images (N, C, H, W) join along C, rows (N, F) along F. Row by row a copy: a jet passes through
 * when every input carries the same layout (K blocks of N rows; PhynnNodeJetBlocks), since then
 * block b of y is the concatenation of the inputs' blocks b. */
#include "graph_impl.h"

PetscErrorCode PhynnOpConcat(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x0    = PhynnIn(g, n, 0);
  long       rows = x0->shape.dim[0];
  long       out  = PhynnShapeCols(&n->shape); /* doubles per row of y */

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    long channels = 0;
    int  K        = PhynnNodeJetBlocks(g, x0), unknown = 0;
    PetscCall(PhynnOpRequireReal(g, n));
    for (int k = 0; k < n->nin; k++) {
      PhynnNode *x = PhynnIn(g, n, k);
      PetscCheck(x->shape.ndim == x0->shape.ndim && x->shape.ndim >= 2, g->comm, PETSC_ERR_ARG_SIZ, "concat '%s': input %d '%s' is %d-dimensional, input 0 '%s' %d-dimensional (both must be (N, C, ...) alike)", n->name, k, x->name, x->shape.ndim,
                 x0->name, x0->shape.ndim);
      for (int d = 2; d < x->shape.ndim; d++)
        PetscCheck(x->shape.dim[d] == x0->shape.dim[d], g->comm, PETSC_ERR_ARG_SIZ, "concat '%s': input %d '%s' has dimension %d of size %ld, input 0 '%s' %ld; only the channels (dimension 1) may differ", n->name, k, x->name, d,
                   x->shape.dim[d], x0->name, x0->shape.dim[d]);
      PetscCheck(x->shape.dim[0] == rows || PhynnBatchUnknown(g, x) || PhynnBatchUnknown(g, x0), g->comm, PETSC_ERR_ARG_SIZ, "concat '%s': input %d '%s' has %ld rows, input 0 '%s' %ld", n->name, k, x->name, x->shape.dim[0], x0->name, rows);
      PetscCheck(PhynnNodeJetBlocks(g, x) == K, g->comm, PETSC_ERR_ARG_SIZ, "concat '%s': input %d '%s' carries %d jet blocks, input 0 '%s' %d; concatenate values with the same jet layout (or blocks taken out with PhynnGraphBlock)", n->name, k,
                 x->name, PhynnNodeJetBlocks(g, x), x0->name, K);
      channels += x->shape.dim[1];
      unknown |= PhynnBatchUnknown(g, x);
    }
    n->shape        = x0->shape;
    n->shape.dim[0] = unknown ? 0 : rows;
    n->shape.dim[1] = channels;
  } break;
  case PHYNN_ACTION_FORWARD: {
    long off = 0, inner = PhynnShapeCols(&x0->shape) / x0->shape.dim[1]; /* d2 d3 ... (1 for rows) */
    for (int k = 0; k < n->nin; k++) {
      PhynnNode *x = PhynnIn(g, n, k);
      long       w = x->shape.dim[1] * inner;
      for (long r = 0; r < rows; r++) PetscCall(PetscArraycpy(n->value + r * out + off, x->value + r * w, w));
      off += w;
    }
  } break;
  case PHYNN_ACTION_BACKWARD: {
    long off = 0, inner = PhynnShapeCols(&x0->shape) / x0->shape.dim[1];
    for (int k = 0; k < n->nin; k++) {
      PhynnNode *x = PhynnIn(g, n, k);
      long       w = x->shape.dim[1] * inner;
      double    *gx;
      int        ow;
      if (x->requires_grad) {
        PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
        for (long r = 0; r < rows; r++) PhynnAccumulate(gx + r * w, ow, w, 1.0, n->grad + r * out + off);
      }
      off += w;
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphConcat(PhynnGraph g, int nin, const int *nodes, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(nin >= 2, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "concat: needs at least 2 inputs, got %d", nin);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_CONCAT, nin, nodes, &n, id));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
