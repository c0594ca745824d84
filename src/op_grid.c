/* append_grid: the grid's coordinates as extra channels of every sample, x (N, C, H, W) ->
 * (N, C + 1, H, W) with channel C = the x coordinate of each column (1-D, H = 1), or
 * (N, C + 2, H, W) with channels C, C + 1 = the x and y coordinates (2-D). The FNO of Li et al.
 * reads (u0(x), x): an operator that is not translation invariant (a Dirichlet problem) needs to
 * know where it is. The coordinates are constants: the backward hands the first C channels their
 * gradient and drops the rest. Coordinates: x_j = x0 + dx j, y_i = y0 + dy i (the op's ctx).
 * Refuses jets (a constant channel would be wrong in derivative rows). */
#include "graph_impl.h"

typedef struct {
  double x0, dx, y0, dy;
} GridCtx;

PetscErrorCode PhynnOpAppendGrid(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  const GridCtx *c = (const GridCtx *)n->ctx;
  PhynnNode     *x = PhynnIn(g, n, 0);
  const long     N = x->shape.dim[0], C = x->shape.dim[1], H = x->shape.dim[2], W = x->shape.dim[3], HW = H * W, G = H == 1 ? 1 : 2;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "append_grid '%s': input '%s' must be fields (N, C, H, W), not %d-dimensional", n->name, x->name, x->shape.ndim);
    PetscCheck(PhynnNodeJetBlocks(g, x) == 1, g->comm, PETSC_ERR_ARG_WRONG, "append_grid '%s': input '%s' carries a jet; constant coordinate channels would be wrong in its derivative rows", n->name, x->name);
    n->shape        = x->shape;
    n->shape.dim[1] = C + G;
    break;
  case PHYNN_ACTION_FORWARD:
    for (long s = 0; s < N; s++) {
      double *y = n->value + s * (C + G) * HW;
      PetscCall(PetscArraycpy(y, x->value + s * C * HW, C * HW));
      for (long i = 0; i < H; i++)
        for (long j = 0; j < W; j++) {
          y[C * HW + i * W + j] = c->x0 + c->dx * (double)j;
          if (G == 2) y[(C + 1) * HW + i * W + j] = c->y0 + c->dy * (double)i;
        }
    }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    if (!x->requires_grad || N == 0) break;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    for (long s = 0; s < N; s++) PhynnAccumulate(gx + s * C * HW, ow, C * HW, 1.0, n->grad + s * (C + G) * HW);
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphAppendGrid(PhynnGraph g, int x, double x0, double dx, double y0, double dy, int *id)
{
  PhynnNode *n;
  GridCtx   *c;
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_APPEND_GRID, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(GridCtx), (void **)&c));
  c->x0 = x0, c->dx = dx, c->y0 = y0, c->dy = dy;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
