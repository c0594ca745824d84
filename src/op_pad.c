/* pad_circular: periodic padding of fields, x (N, C, H, W) -> (N, C, H + 2 ph, W + 2 pw), with
 * y[i, j] = x[(i - ph) mod H, (j - pw) mod W]: a convolution after it (with no padding of its
 * own) sees the domain as periodic, as a CNN operator on a periodic family must (zero padding
 * cuts the domain at its ends, where the solution depends on what lies across them). The
 * backward adds each padded value's gradient back onto the point it copies. Linear: a jet's K
 * blocks of N fields pass as K N fields. ph <= H and pw <= W. */
#include "graph_impl.h"

typedef struct {
  long ph, pw;
} PadCtx;

static inline long Wrap(long i, long n) { return ((i % n) + n) % n; }

PetscErrorCode PhynnOpPadCircular(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  const PadCtx *c = (const PadCtx *)n->ctx;
  PhynnNode    *x = PhynnIn(g, n, 0);
  const long    R = x->shape.dim[0] * (x->shape.ndim == 4 ? x->shape.dim[1] : 0), H = x->shape.dim[2], W = x->shape.dim[3], OH = H + 2 * c->ph, OW = W + 2 * c->pw;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "pad_circular '%s': input '%s' must be fields (N, C, H, W), not %d-dimensional", n->name, x->name, x->shape.ndim);
    PetscCheck(c->ph <= H && c->pw <= W, g->comm, PETSC_ERR_ARG_SIZ, "pad_circular '%s': padding (%ld, %ld) exceeds the field '%s' of %ld x %ld", n->name, c->ph, c->pw, x->name, H, W);
    n->shape        = x->shape;
    n->shape.dim[2] = OH;
    n->shape.dim[3] = OW;
    break;
  case PHYNN_ACTION_FORWARD:
    for (long p = 0; p < R; p++)
      for (long i = 0; i < OH; i++) {
        const double *xr = x->value + (p * H + Wrap(i - c->ph, H)) * W;
        double       *yr = n->value + (p * OH + i) * OW;
        for (long j = 0; j < OW; j++) yr[j] = xr[Wrap(j - c->pw, W)];
      }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    if (!x->requires_grad || R == 0) break;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    if (ow) PetscCall(PetscArrayzero(gx, R * H * W));
    for (long p = 0; p < R; p++)
      for (long i = 0; i < OH; i++) {
        double       *xr = gx + (p * H + Wrap(i - c->ph, H)) * W;
        const double *yr = n->grad + (p * OH + i) * OW;
        for (long j = 0; j < OW; j++) xr[Wrap(j - c->pw, W)] += yr[j];
      }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphPadCircular(PhynnGraph g, int x, long ph, long pw, int *id)
{
  PhynnNode *n;
  PadCtx    *c;
  PetscFunctionBegin;
  PetscCheck(ph >= 0 && pw >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "pad_circular: padding (%ld, %ld) must be non-negative", ph, pw);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_PAD_CIRCULAR, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(PadCtx), (void **)&c));
  c->ph = ph, c->pw = pw;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
