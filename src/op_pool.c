/* 2-D pooling over batches of images (N, C, H, W), row-major: kernel (kh, kw), stride (sh, sw),
 * padding (ph, pw) with 2 ph <= kh and 2 pw <= kw (so every window holds a pixel);
 * y (N, C, OH, OW), OH = (H + 2 ph - kh) / sh + 1 (likewise OW). Window w(i, j) = the pixels
 * (i sh - ph + p, j sw - pw + q), 0 <= p < kh, 0 <= q < kw, that lie inside the image.
 *   average: y[n, c, i, j] = sum_{w(i, j)} x / (kh kw)     (padding counts as zeros, as PyTorch's
 *            default count_include_pad); dx[pixel] += dy[i, j] / (kh kw) for each window holding it.
 *            Linear: with a jet, the K N images pool alike.
 *   max:     y = max_{w(i, j)} x, argmax kept in the ctx (the first index in row-major window
 *            order wins a tie; padding is never a candidate); dx[argmax] += dy.
 *            Piecewise linear only: jets are refused (docs/jets.md). */
#include "graph_impl.h"

typedef struct {
  long  kh, kw, sh, sw, ph, pw;
  int   max;
  long *argmax; /* max: for every output element, the index of its input element in x */
  long  cap;
} PoolCtx;

PetscErrorCode PhynnOpPool2d(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PoolCtx    *k = (PoolCtx *)n->ctx;
  PhynnNode  *x = PhynnIn(g, n, 0);
  const char *what = k->max ? "max_pool2d" : "avg_pool2d";
  long        R = x->shape.dim[0], C = x->shape.dim[1], H = x->shape.dim[2], W = x->shape.dim[3];
  long        OH = n->shape.dim[2], OW = n->shape.dim[3], planes = R * C;
  double      area = (double)(k->kh * k->kw);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': input '%s' must be images (N, C, H, W), not %d-dimensional", what, n->name, x->name, x->shape.ndim);
    PetscCheck(H + 2 * k->ph >= k->kh && W + 2 * k->pw >= k->kw, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': a %ld x %ld window does not fit input '%s' of %ld x %ld pixels padded by (%ld, %ld)", what, n->name, k->kh, k->kw, x->name, H, W, k->ph, k->pw);
    PetscCall(PhynnJetLinearShape(g, n, R));
    n->shape        = x->shape;
    n->shape.dim[2] = (H + 2 * k->ph - k->kh) / k->sh + 1;
    n->shape.dim[3] = (W + 2 * k->pw - k->kw) / k->sw + 1;
    break;
  case PHYNN_ACTION_ALLOC:
    if (k->max && PhynnShapeElements(&n->shape) > k->cap) {
      PetscCall(PetscFree(k->argmax));
      k->cap = PhynnShapeElements(&n->shape);
      PetscCall(PetscMalloc1(k->cap, &k->argmax));
    }
    break;
  case PHYNN_ACTION_FORWARD:
    for (long pl = 0; pl < planes; pl++) {
      const double *xp = x->value + pl * H * W;
      for (long i = 0; i < OH; i++)
        for (long j = 0; j < OW; j++) {
          long   y0 = i * k->sh - k->ph, x0 = j * k->sw - k->pw, o = (pl * OH + i) * OW + j, best = -1;
          double s  = 0, m = 0;
          for (long p = PetscMax(0, -y0); p < k->kh && y0 + p < H; p++)
            for (long q = PetscMax(0, -x0); q < k->kw && x0 + q < W; q++) {
              long   at = (y0 + p) * W + x0 + q;
              double v  = xp[at];
              if (!k->max) s += v;
              else if (best < 0 || v > m) { /* strictly greater: the first index keeps a tie */
                m    = v;
                best = at;
              }
            }
          if (k->max) {
            n->value[o]  = m;
            k->argmax[o] = pl * H * W + best;
          } else n->value[o] = s / area;
        }
    }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    if (ow) PetscCall(PetscArrayzero(gx, PhynnShapeElements(&x->shape)));
    if (k->max) {
      for (long o = 0; o < planes * OH * OW; o++) gx[k->argmax[o]] += n->grad[o];
      break;
    }
    for (long pl = 0; pl < planes; pl++) {
      double *gp = gx + pl * H * W;
      for (long i = 0; i < OH; i++)
        for (long j = 0; j < OW; j++) {
          long   y0 = i * k->sh - k->ph, x0 = j * k->sw - k->pw;
          double d  = n->grad[(pl * OH + i) * OW + j] / area;
          for (long p = PetscMax(0, -y0); p < k->kh && y0 + p < H; p++)
            for (long q = PetscMax(0, -x0); q < k->kw && x0 + q < W; q++) gp[(y0 + p) * W + x0 + q] += d;
        }
    }
  } break;
  case PHYNN_ACTION_DESTROY:
    if (n->ctx) PetscCall(PetscFree(((PoolCtx *)n->ctx)->argmax));
    break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PoolBuild(PhynnGraph g, int max, int x, long kh, long kw, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  const char *what = max ? "max_pool2d" : "avg_pool2d";
  PhynnNode  *n;
  PoolCtx    *k;
  PetscFunctionBegin;
  PetscCheck(kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: window (%ld, %ld) and stride (%ld, %ld) must be positive", what, kh, kw, sh, sw);
  PetscCheck(ph >= 0 && pw >= 0 && 2 * ph <= kh && 2 * pw <= kw, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: padding (%ld, %ld) must be at most half the window (%ld, %ld)", what, ph, pw, kh, kw);
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  PetscCheck(!max || !jet || PhynnJetBlocks(jet) == 1, g->comm, PETSC_ERR_SUP,
             "max_pool2d: jets are not supported (max pooling is only piecewise linear: its derivative blocks would have to follow the value block's argmax); use avg_pool2d or a strided conv2d in a jet");
  PetscCall(PhynnGraphNewNode(g, max ? PHYNN_OP_MAX_POOL2D : PHYNN_OP_AVG_POOL2D, 1, &x, &n, id));
  if (jet) {
    n->jet     = *jet;
    n->has_jet = 1;
  }
  PetscCall(PhynnNodeCtx(n, sizeof(PoolCtx), (void **)&k));
  k->kh  = kh;
  k->kw  = kw;
  k->sh  = sh;
  k->sw  = sw;
  k->ph  = ph;
  k->pw  = pw;
  k->max = max;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphAvgPool2d(PhynnGraph g, int x, long kh, long kw, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  PetscFunctionBegin;
  PetscCall(PoolBuild(g, 0, x, kh, kw, sh, sw, ph, pw, jet, id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphMaxPool2d(PhynnGraph g, int x, long kh, long kw, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  PetscFunctionBegin;
  PetscCall(PoolBuild(g, 1, x, kh, kw, sh, sw, ph, pw, jet, id));
  PetscFunctionReturn(0);
}
