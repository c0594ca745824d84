/* Layout ops between image layers: nearest-neighbour upsampling and reshape.
 *   upsample_nearest (fh, fw): x (N, C, H, W) -> y (N, C, fh H, fw W),
 *       y[n, c, i, j] = x[n, c, i / fh, j / fw];   dx[n, c, r, s] = sum of dy over its fh x fw block
 *   reshape: x (N, ...) -> y (N, d1, ..., dk) with the same values per row, in the same order
 *       (flatten (N, C, H, W) -> (N, C H W) and back); dx = dy. Dense already reads an N-D node
 *       as rows of C H W values, so it needs no flatten; reshape is for the way back (a decoder's
 *       dense output to images). It copies the row (one memcpy each way): the graph gives every
 *       node its own value buffer.
 * Both act on each row (image) alone and are linear, so a jet's K N rows pass through as K N
 * images (no constant to keep off the derivative blocks). */
#include "graph_impl.h"

typedef struct {
  long fh, fw;
} UpsampleCtx;

PetscErrorCode PhynnOpUpsampleNearest(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const UpsampleCtx *k      = (const UpsampleCtx *)n->ctx;
  PhynnNode         *x      = PhynnIn(g, n, 0);
  long               planes = x->shape.dim[0] * x->shape.dim[1], H = x->shape.dim[2], W = x->shape.dim[3], OW = W * k->fw;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "upsample_nearest '%s': input '%s' must be images (N, C, H, W), not %d-dimensional", n->name, x->name, x->shape.ndim);
    n->shape = x->shape;
    n->shape.dim[2] *= k->fh;
    n->shape.dim[3] *= k->fw;
    break;
  case PHYNN_ACTION_FORWARD:
    for (long pl = 0; pl < planes; pl++)
      for (long i = 0; i < H * k->fh; i++) {
        const double *xr = x->value + (pl * H + i / k->fh) * W;
        double       *yr = n->value + (pl * H * k->fh + i) * OW;
        for (long j = 0; j < OW; j++) yr[j] = xr[j / k->fw];
      }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    if (ow) PetscCall(PetscArrayzero(gx, planes * H * W));
    for (long pl = 0; pl < planes; pl++)
      for (long i = 0; i < H * k->fh; i++) {
        const double *dr = n->grad + (pl * H * k->fh + i) * OW;
        double       *gr = gx + (pl * H + i / k->fh) * W;
        for (long j = 0; j < OW; j++) gr[j / k->fw] += dr[j];
      }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphUpsampleNearest(PhynnGraph g, int x, long fh, long fw, int *id)
{
  PhynnNode   *n;
  UpsampleCtx *k;
  PetscFunctionBegin;
  PetscCheck(fh >= 1 && fw >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "upsample_nearest: factors (%ld, %ld) must be positive", fh, fw);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_UPSAMPLE_NEAREST, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(UpsampleCtx), (void **)&k));
  k->fh = fh;
  k->fw = fw;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

/* The ctx holds the row shape: ndim and dims[1..ndim-1]. */
typedef struct {
  int  ndim;
  long dim[PHYNN_MAX_DIMS];
} ReshapeCtx;

PetscErrorCode PhynnOpReshape(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const ReshapeCtx *k     = (const ReshapeCtx *)n->ctx;
  PhynnNode        *x     = PhynnIn(g, n, 0);
  long              total = PhynnShapeElements(&x->shape);
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    long cols = 1;
    PetscCall(PhynnOpRequireReal(g, n));
    for (int d = 1; d < k->ndim; d++) cols *= k->dim[d];
    PetscCheck(cols == PhynnShapeCols(&x->shape), g->comm, PETSC_ERR_ARG_SIZ, "reshape '%s': input '%s' has %ld values per row, the new shape %ld", n->name, x->name, PhynnShapeCols(&x->shape), cols);
    n->shape.ndim   = k->ndim;
    n->shape.dtype  = PHYNN_DTYPE_REAL;
    n->shape.dim[0] = x->shape.dim[0];
    for (int d = 1; d < k->ndim; d++) n->shape.dim[d] = k->dim[d];
  } break;
  case PHYNN_ACTION_FORWARD: PetscCall(PetscArraycpy(n->value, x->value, total)); break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    PhynnAccumulate(gx, ow, total, 1.0, n->grad);
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphReshape(PhynnGraph g, int x, int ndim, const long *dims, int *id)
{
  PhynnNode  *n;
  ReshapeCtx *k;
  PetscFunctionBegin;
  PetscCheck(ndim >= 2 && ndim <= PHYNN_MAX_DIMS, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "reshape: %d dimensions (2 to %d, the first the batch)", ndim, PHYNN_MAX_DIMS);
  for (int d = 1; d < ndim; d++) PetscCheck(dims[d] >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "reshape: dimension %d is %ld", d, dims[d]);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_RESHAPE, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(ReshapeCtx), (void **)&k));
  k->ndim = ndim;
  for (int d = 1; d < ndim; d++) k->dim[d] = dims[d];
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
