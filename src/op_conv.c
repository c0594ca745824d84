/* 2-D convolution and transposed convolution over batches of images (N, C, H, W), row-major,
 * lowered by im2col to one BLAS GEMM per image (docs/conv.md).
 *
 * conv2d: x (N, IC, H, W), W (OC, IC, KH, KW), b (OC) or none, stride (sh, sw), zero padding
 * (ph, pw); y (N, OC, OH, OW) with OH = (H + 2 ph - KH) / sh + 1 (likewise OW):
 *   y[n, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] x[n, c, i sh - ph + p, j sw - pw + q]
 * With cols_n = im2col(x_n) (IC KH KW rows, OH OW columns; taps outside the image are 0):
 *   Y_n  = W cols_n                      (W as an OC x IC KH KW matrix: one GEMM per image)
 *   dW   = sum_n dY_n cols_n^T           (one GEMM per image, im2col recomputed)
 *   dx_n = col2im(W^T dY_n)              (col2im adds every column entry back to its pixel)
 *   db   = sum of dY over the value block's images and pixels
 * conv_transpose2d (conv2d's backward-data as a forward pass): x (N, IC, H, W), W (IC, OC, KH, KW)
 * as PyTorch's ConvTranspose2d, y (N, OC, OH, OW) with OH = (H - 1) sh - 2 ph + KH:
 *   Y_n  = col2im(W^T x_n) + b           (the adjoint of conv2d with weights W from OC to IC channels)
 *   dx_n = W im2col(dY_n)                dW = sum_n x_n im2col(dY_n)^T
 * Both are linear in x: with a jet the K blocks of N images are K N images through the same W,
 * the bias on the value block only (src/op_jet.c, PhynnJetBias*). */
#include <cblas.h>
#include <limits.h>

#include "graph_impl.h"

/* The op's state (n->ctx): the geometry, and the column workspace of one image (cols and the
 * gradient's dcols), sized by ALLOC, freed by DESTROY. */
typedef struct {
  long    kh, kw, sh, sw, ph, pw;
  double *cols, *dcols;
  size_t  cap;
} ConvCtx;

/* cols[(c KH + p) KW + q, i OW + j] = img[c, i sh - ph + p, j sw - pw + q] (0 outside the image). */
static void Im2Col(const ConvCtx *k, const double *img, long C, long H, long W, long OH, long OW, double *cols)
{
  for (long c = 0; c < C; c++)
    for (long p = 0; p < k->kh; p++)
      for (long q = 0; q < k->kw; q++) {
        double *row = cols + ((c * k->kh + p) * k->kw + q) * OH * OW;
        for (long i = 0; i < OH; i++) {
          long          y  = i * k->sh - k->ph + p;
          double       *r  = row + i * OW;
          const double *xi = img + (c * H + y) * W;
          if (y < 0 || y >= H) {
            for (long j = 0; j < OW; j++) r[j] = 0;
            continue;
          }
          for (long j = 0; j < OW; j++) {
            long x = j * k->sw - k->pw + q;
            r[j]   = x >= 0 && x < W ? xi[x] : 0.0;
          }
        }
      }
}

/* The adjoint of Im2Col: img[c, y, x] += every cols entry that Im2Col read from it. */
static void Col2Im(const ConvCtx *k, const double *cols, long C, long H, long W, long OH, long OW, double *img)
{
  for (long c = 0; c < C; c++)
    for (long p = 0; p < k->kh; p++)
      for (long q = 0; q < k->kw; q++) {
        const double *row = cols + ((c * k->kh + p) * k->kw + q) * OH * OW;
        for (long i = 0; i < OH; i++) {
          long y = i * k->sh - k->ph + p;
          if (y < 0 || y >= H) continue;
          const double *r  = row + i * OW;
          double       *xi = img + (c * H + y) * W;
          for (long j = 0; j < OW; j++) {
            long x = j * k->sw - k->pw + q;
            if (x >= 0 && x < W) xi[x] += r[j];
          }
        }
      }
}

static PetscErrorCode Workspace(ConvCtx *c, size_t need)
{
  PetscFunctionBegin;
  if (need > c->cap) {
    PetscCall(PetscFree2(c->cols, c->dcols));
    PetscCall(PetscMalloc2(need, &c->cols, need, &c->dcols));
    c->cap = need;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ConvDestroy(PhynnNode *n)
{
  PetscFunctionBegin;
  if (n->ctx) PetscCall(PetscFree2(((ConvCtx *)n->ctx)->cols, ((ConvCtx *)n->ctx)->dcols));
  PetscFunctionReturn(0);
}

/* The checks both ops share: 4-D image input and weights, a bias of one value per output channel. */
static PetscErrorCode ConvCheckInputs(PhynnGraph g, PhynnNode *n, const char *what, long wch, int transposed, long oc)
{
  PhynnNode *x = PhynnIn(g, n, 0), *W = PhynnIn(g, n, 1), *b = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  PetscFunctionBegin;
  PetscCall(PhynnOpRequireReal(g, n));
  PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': input '%s' must be images (N, C, H, W), not %d-dimensional", what, n->name, x->name, x->shape.ndim);
  PetscCheck(W->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': weights '%s' must be 4-dimensional (%s, KH, KW), not %d-dimensional", what, n->name, W->name, transposed ? "IC, OC" : "OC, IC", W->shape.ndim);
  PetscCheck(x->shape.dim[1] == wch, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': input '%s' has %ld channels, weights '%s' expect %ld", what, n->name, x->name, x->shape.dim[1], W->name, wch);
  PetscCheck(!b || PhynnShapeElements(&b->shape) == oc, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': bias '%s' has %ld elements for %ld output channels", what, n->name, b->name, PhynnShapeElements(&b->shape), oc);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpConv2d(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  ConvCtx   *k = (ConvCtx *)n->ctx;
  PhynnNode *x = PhynnIn(g, n, 0), *W = PhynnIn(g, n, 1), *b = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  long       R = x->shape.dim[0], IC = x->shape.dim[1], H = x->shape.dim[2], Wd = x->shape.dim[3];
  long       OC = W->shape.dim[0], CKK = W->shape.dim[1] * W->shape.dim[2] * W->shape.dim[3];
  long       OH = n->shape.dim[2], OW = n->shape.dim[3], P = OH * OW;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    long oh, ow;
    PetscCall(ConvCheckInputs(g, n, "conv2d", W->shape.ndim == 4 ? W->shape.dim[1] : -1, 0, OC));
    PetscCheck(W->shape.dim[2] == k->kh && W->shape.dim[3] == k->kw, g->comm, PETSC_ERR_ARG_SIZ, "conv2d '%s': weights '%s' are %ld x %ld kernels", n->name, W->name, W->shape.dim[2], W->shape.dim[3]);
    PetscCheck(H + 2 * k->ph >= k->kh && Wd + 2 * k->pw >= k->kw, g->comm, PETSC_ERR_ARG_SIZ, "conv2d '%s': a %ld x %ld kernel does not fit input '%s' of %ld x %ld pixels padded by (%ld, %ld)", n->name, k->kh, k->kw, x->name, H, Wd, k->ph, k->pw);
    oh = (H + 2 * k->ph - k->kh) / k->sh + 1;
    ow = (Wd + 2 * k->pw - k->kw) / k->sw + 1;
    PetscCheck(R <= INT_MAX && OC <= INT_MAX && CKK <= INT_MAX && oh * ow <= INT_MAX, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "conv2d '%s': sizes exceed BLAS's int", n->name);
    PetscCall(PhynnJetLinearShape(g, n, R));
    n->shape        = x->shape;
    n->shape.dim[1] = OC;
    n->shape.dim[2] = oh;
    n->shape.dim[3] = ow;
  } break;
  case PHYNN_ACTION_ALLOC: PetscCall(Workspace(k, (size_t)CKK * P)); break;
  case PHYNN_ACTION_FORWARD:
    for (long i = 0; i < R; i++) {
      Im2Col(k, x->value + i * IC * H * Wd, IC, H, Wd, OH, OW, k->cols);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)OC, (int)P, (int)CKK, 1.0, W->value, (int)CKK, k->cols, (int)P, 0.0, n->value + i * OC * P, (int)P);
    }
    if (b && R) PhynnJetBiasForward(n, R, OC, P, b->value, n->value);
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx = NULL, *gW = NULL, *gb;
    int     owx = 0, owW = 0;
    if (R == 0) break;
    if (x->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &owx));
      if (owx) PetscCall(PetscArrayzero(gx, R * IC * H * Wd));
    }
    if (W->requires_grad) PetscCall(PhynnNodeGradForWrite(g, W, &gW, &owW));
    for (long i = 0; i < R; i++) {
      const double *dy = n->grad + i * OC * P;
      if (gW) {
        Im2Col(k, x->value + i * IC * H * Wd, IC, H, Wd, OH, OW, k->cols);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)OC, (int)CKK, (int)P, 1.0, dy, (int)P, k->cols, (int)P, owW && i == 0 ? 0.0 : 1.0, gW, (int)CKK);
      }
      if (gx) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)CKK, (int)P, (int)OC, 1.0, W->value, (int)CKK, dy, (int)P, 0.0, k->dcols, (int)P);
        Col2Im(k, k->dcols, IC, H, Wd, OH, OW, gx + i * IC * H * Wd);
      }
    }
    if (b && b->requires_grad) {
      int ow;
      PetscCall(PhynnNodeGradForWrite(g, b, &gb, &ow));
      PhynnJetBiasBackward(n, R, OC, P, n->grad, ow, gb);
    }
  } break;
  case PHYNN_ACTION_DESTROY: PetscCall(ConvDestroy(n)); break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpConvTranspose2d(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  ConvCtx   *k = (ConvCtx *)n->ctx;
  PhynnNode *x = PhynnIn(g, n, 0), *W = PhynnIn(g, n, 1), *b = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  long       R = x->shape.dim[0], IC = x->shape.dim[1], H = x->shape.dim[2], Wd = x->shape.dim[3], HW = H * Wd;
  long       OC = W->shape.dim[1], OKK = W->shape.dim[1] * W->shape.dim[2] * W->shape.dim[3];
  long       OH = n->shape.dim[2], OW = n->shape.dim[3], P = OH * OW;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    long oh, ow;
    PetscCall(ConvCheckInputs(g, n, "conv_transpose2d", W->shape.ndim == 4 ? W->shape.dim[0] : -1, 1, OC));
    PetscCheck(W->shape.dim[2] == k->kh && W->shape.dim[3] == k->kw, g->comm, PETSC_ERR_ARG_SIZ, "conv_transpose2d '%s': weights '%s' are %ld x %ld kernels", n->name, W->name, W->shape.dim[2], W->shape.dim[3]);
    oh = (H - 1) * k->sh - 2 * k->ph + k->kh;
    ow = (Wd - 1) * k->sw - 2 * k->pw + k->kw;
    PetscCheck(oh >= 1 && ow >= 1, g->comm, PETSC_ERR_ARG_SIZ, "conv_transpose2d '%s': input '%s' of %ld x %ld pixels, stride (%ld, %ld), padding (%ld, %ld) and a %ld x %ld kernel give %ld x %ld outputs", n->name, x->name, H, Wd, k->sh, k->sw, k->ph, k->pw, k->kh, k->kw, oh, ow);
    PetscCheck(R <= INT_MAX && IC <= INT_MAX && OKK <= INT_MAX && HW <= INT_MAX, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "conv_transpose2d '%s': sizes exceed BLAS's int", n->name);
    PetscCall(PhynnJetLinearShape(g, n, R));
    n->shape        = x->shape;
    n->shape.dim[1] = OC;
    n->shape.dim[2] = oh;
    n->shape.dim[3] = ow;
  } break;
  case PHYNN_ACTION_ALLOC: PetscCall(Workspace(k, (size_t)OKK * HW)); break;
  case PHYNN_ACTION_FORWARD:
    if (R == 0) break;
    PetscCall(PetscArrayzero(n->value, R * OC * P));
    for (long i = 0; i < R; i++) {
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)OKK, (int)HW, (int)IC, 1.0, W->value, (int)OKK, x->value + i * IC * HW, (int)HW, 0.0, k->cols, (int)HW);
      Col2Im(k, k->cols, OC, OH, OW, H, Wd, n->value + i * OC * P);
    }
    if (b) PhynnJetBiasForward(n, R, OC, P, b->value, n->value);
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx = NULL, *gW = NULL, *gb;
    int     owx = 0, owW = 0;
    if (R == 0) break;
    if (x->requires_grad) PetscCall(PhynnNodeGradForWrite(g, x, &gx, &owx));
    if (W->requires_grad) PetscCall(PhynnNodeGradForWrite(g, W, &gW, &owW));
    for (long i = 0; (gx || gW) && i < R; i++) {
      Im2Col(k, n->grad + i * OC * P, OC, OH, OW, H, Wd, k->dcols);
      if (gx) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)IC, (int)HW, (int)OKK, 1.0, W->value, (int)OKK, k->dcols, (int)HW, owx ? 0.0 : 1.0, gx + i * IC * HW, (int)HW);
      if (gW) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)IC, (int)OKK, (int)HW, 1.0, x->value + i * IC * HW, (int)HW, k->dcols, (int)HW, owW && i == 0 ? 0.0 : 1.0, gW, (int)OKK);
    }
    if (b && b->requires_grad) {
      int ow;
      PetscCall(PhynnNodeGradForWrite(g, b, &gb, &ow));
      PhynnJetBiasBackward(n, R, OC, P, n->grad, ow, gb);
    }
  } break;
  case PHYNN_ACTION_DESTROY: PetscCall(ConvDestroy(n)); break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ConvBuild(PhynnGraph g, PhynnOpType op, const char *what, int x, int W, int b, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  PhynnNode *n;
  ConvCtx   *k;
  int        in[3] = {x, W, b};
  PetscFunctionBegin;
  PetscCheck(sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: stride (%ld, %ld) must be positive and padding (%ld, %ld) non-negative", what, sh, sw, ph, pw);
  PetscCheck(W >= 0 && W < g->nnodes && g->nodes[W].shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "%s: the weights must be a 4-dimensional node", what);
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  PetscCall(PhynnGraphNewNode(g, op, b >= 0 ? 3 : 2, in, &n, id));
  if (jet) {
    n->jet     = *jet;
    n->has_jet = 1;
  }
  PetscCall(PhynnNodeCtx(n, sizeof(ConvCtx), (void **)&k));
  k->kh = g->nodes[W].shape.dim[2];
  k->kw = g->nodes[W].shape.dim[3];
  k->sh = sh;
  k->sw = sw;
  k->ph = ph;
  k->pw = pw;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphConv2d(PhynnGraph g, int x, int W, int b, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  const PhynnShape *s;
  PetscFunctionBegin;
  PetscCall(ConvBuild(g, PHYNN_OP_CONV2D, "conv2d", x, W, b, sh, sw, ph, pw, jet, id));
  /* W (OC, IC, KH, KW): each output sums IC KH KW inputs, each input feeds OC KH KW outputs. */
  s = &g->nodes[W].shape;
  PhynnNodeDeclareFans(&g->nodes[W], s->dim[1] * s->dim[2] * s->dim[3], s->dim[0] * s->dim[2] * s->dim[3]);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphConvTranspose2d(PhynnGraph g, int x, int W, int b, long sh, long sw, long ph, long pw, const PhynnJet *jet, int *id)
{
  const PhynnShape *s;
  PetscFunctionBegin;
  PetscCall(ConvBuild(g, PHYNN_OP_CONV_TRANSPOSE2D, "conv_transpose2d", x, W, b, sh, sw, ph, pw, jet, id));
  /* W (IC, OC, KH, KW), the adjoint of a conv from OC to IC channels: the fans of that conv
   * (PyTorch's convention for ConvTranspose2d). */
  s = &g->nodes[W].shape;
  PhynnNodeDeclareFans(&g->nodes[W], s->dim[1] * s->dim[2] * s->dim[3], s->dim[0] * s->dim[2] * s->dim[3]);
  PetscFunctionReturn(0);
}
