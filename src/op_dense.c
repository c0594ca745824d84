/* Dense layer z = x W^T + b over batched rows, one BLAS GEMM each way (an N-D input (N, C, H, W)
 * is N rows of C H W values, and an N-D weight (out, C, H, W) is out rows of C H W values: PCA's
 * components are images). Its transposed form z = x W + b (PhynnGraphDenseTransposed, W read as
 * (in, out)) is the same op with the GEMM's other transpose: a decoder that reuses its encoder's
 * weights, such as PCA's reconstruction mean + z C from the code z = (x - mean) C^T.
 *
 * With a jet, x stacks K row blocks [value; first-order; second-order]; all blocks share W, so
 * the whole stack is ONE GEMM, and the bias is added to the value block only (derivatives of a
 * constant vanish): the linear-op jet convention of src/op_jet.c (PhynnJetBias*). Backward:
 *   dx = dz W                      (all blocks)
 *   dW = dz^T x                    (sum over all blocks: every block used W)
 *   db = column sums of dz over the value block only.
 * Transposed (z = x W, W (in, out)): dx = dz W^T, dW = x^T dz, db as above. */
#include <cblas.h>
#include <limits.h>
#include <omp.h>

#include "graph_impl.h"

/* Thin layers (the input layer of a PINN has 1-3 inputs, the output layer 1-2 outputs) are
 * memory-bound shapes where BLAS's GEMM blocking does not pay (OpenBLAS reaches 3-8 GFLOP/s on
 * K = 2): plain loops over rows, threaded, do them at memory speed. */
#define THIN 4

/* z[r, j] = sum_i x[r, i] W[j, i] */
static void ThinForward(long R, long in, long out, const double *x, const double *W, double *z)
{
#pragma omp parallel for schedule(static)
  for (long r = 0; r < R; r++) {
    const double *xr = x + r * in;
    double       *zr = z + r * out;
    for (long j = 0; j < out; j++) {
      const double *wj = W + j * in;
      double        s  = 0;
      for (long i = 0; i < in; i++) s += xr[i] * wj[i];
      zr[j] = s;
    }
  }
}

/* dx[r, i] (=|+=) sum_j dz[r, j] W[j, i] */
static void ThinBackwardInput(long R, long in, long out, const double *dz, const double *W, double *dx, int overwrite)
{
#pragma omp parallel for schedule(static)
  for (long r = 0; r < R; r++) {
    const double *dzr = dz + r * out;
    double       *dxr = dx + r * in;
    if (overwrite)
      for (long i = 0; i < in; i++) dxr[i] = 0;
    for (long j = 0; j < out; j++) {
      const double *wj = W + j * in;
      for (long i = 0; i < in; i++) dxr[i] += dzr[j] * wj[i];
    }
  }
}

/* The op's state (n->ctx): the thin weight gradient's workspace of threads x out x in partial
 * sums, sized by ALLOC once W's shape is known, so a training step allocates nothing here. */
typedef struct {
  double *partial;
  size_t  cap;
  int     transposed; /* z = x W + b, W (in, out): PhynnGraphDenseTransposed */
} DenseCtx;

static PetscErrorCode Workspace(DenseCtx *c, size_t need)
{
  PetscFunctionBegin;
  if (need > c->cap) {
    PetscCall(PetscFree(c->partial));
    PetscCall(PetscMalloc1(need, &c->partial));
    c->cap = need;
  }
  PetscFunctionReturn(0);
}

/* dW[j, i] (=|+=) sum_r dz[r, j] x[r, i]: each thread sums a fixed block of rows, then the
 * partial sums are added in thread order, so the result is the same every run. */
static PetscErrorCode ThinBackwardWeights(long R, long in, long out, const double *dz, const double *x, double *dW, int overwrite, DenseCtx *c)
{
  int     nt = omp_get_max_threads();
  double *partial;
  PetscFunctionBegin;
  PetscCall(Workspace(c, (size_t)nt * out * in)); /* grows only if the thread count did */
  partial = c->partial;
  PetscCall(PetscArrayzero(partial, (size_t)nt * out * in));
#pragma omp parallel num_threads(nt)
  {
    int     t = omp_get_thread_num(), T = omp_get_num_threads();
    long    r0 = R * t / T, r1 = R * (t + 1) / T;
    double *p = partial + (size_t)t * out * in;
    for (long r = r0; r < r1; r++)
      for (long j = 0; j < out; j++) {
        double d = dz[r * out + j];
        for (long i = 0; i < in; i++) p[j * in + i] += d * x[r * in + i];
      }
  }
  for (long k = 0; k < out * in; k++) {
    double s = overwrite ? 0.0 : dW[k];
    for (int t = 0; t < nt; t++) s += partial[(size_t)t * out * in + k];
    dW[k] = s;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpDense(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0), *W = PhynnIn(g, n, 1), *b = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  DenseCtx  *c  = (DenseCtx *)n->ctx;
  const int  tw = c->transposed;
  /* W viewed as a matrix (rows, cols): (out, in) for z = x W^T, (in, out) for z = x W */
  long       R = x->shape.dim[0], in = PhynnShapeCols(&x->shape), Wr = W->shape.dim[0], Wc = PhynnShapeCols(&W->shape);
  long       out = tw ? Wc : Wr, win = tw ? Wr : Wc;
  int        thin = !tw && (in <= THIN || out <= THIN); /* the transposed form always takes GEMM */

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(W->shape.ndim >= 2, g->comm, PETSC_ERR_ARG_SIZ, "dense '%s': weights '%s' must have at least 2 dimensions (%s), not %d", n->name, W->name, tw ? "inputs, outputs..." : "outputs, inputs...", W->shape.ndim);
    PetscCheck(in == win, g->comm, PETSC_ERR_ARG_SIZ, "dense '%s': input '%s' has %ld columns, weights '%s' expect %ld", n->name, x->name, in, W->name, win);
    PetscCheck(!b || PhynnShapeElements(&b->shape) == out, g->comm, PETSC_ERR_ARG_SIZ, "dense '%s': bias '%s' has %ld elements for %ld outputs", n->name, b->name, PhynnShapeElements(&b->shape), out);
    PetscCheck(R <= INT_MAX && in <= INT_MAX && out <= INT_MAX, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "dense '%s': %ld x %ld by %ld exceeds BLAS's int sizes", n->name, R, in, out);
    PetscCall(PhynnJetLinearShape(g, n, R));
    n->shape = PhynnShape2(R, out);
    break;
  case PHYNN_ACTION_FORWARD:
    if (R == 0) break;
    if (thin) ThinForward(R, in, out, x->value, W->value, n->value);
    else if (tw) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)out, (int)in, 1.0, x->value, (int)in, W->value, (int)out, 0.0, n->value, (int)out);
    else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)out, (int)in, 1.0, x->value, (int)in, W->value, (int)in, 0.0, n->value, (int)out);
    if (b) PhynnJetBiasForward(n, R, out, 1, b->value, n->value);
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx, *gW, *gb;
    int     ow;
    if (R == 0) break;
    if (x->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
      if (thin) ThinBackwardInput(R, in, out, n->grad, W->value, gx, ow);
      else if (tw) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)in, (int)out, 1.0, n->grad, (int)out, W->value, (int)out, ow ? 0.0 : 1.0, gx, (int)in);
      else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)in, (int)out, 1.0, n->grad, (int)out, W->value, (int)in, ow ? 0.0 : 1.0, gx, (int)in);
    }
    if (W->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, W, &gW, &ow));
      if (thin) PetscCall(ThinBackwardWeights(R, in, out, n->grad, x->value, gW, ow, c));
      else if (tw) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out, (int)R, 1.0, x->value, (int)in, n->grad, (int)out, ow ? 0.0 : 1.0, gW, (int)out);
      else cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)R, 1.0, n->grad, (int)out, x->value, (int)in, ow ? 0.0 : 1.0, gW, (int)in);
    }
    if (b && b->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, b, &gb, &ow));
      PhynnJetBiasBackward(n, R, out, 1, n->grad, ow, gb);
    }
  } break;
  case PHYNN_ACTION_ALLOC:
    if (thin && W->requires_grad) PetscCall(Workspace(c, (size_t)omp_get_max_threads() * out * in));
    break;
  case PHYNN_ACTION_DESTROY:
    if (n->ctx) PetscCall(PetscFree(c->partial));
    break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode DenseBuild(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int transposed, int *id)
{
  PhynnNode *n;
  int        in[3] = {x, W, b};
  DenseCtx  *c;
  PetscFunctionBegin;
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_DENSE, b >= 0 ? 3 : 2, in, &n, id));
  if (jet) {
    n->jet     = *jet;
    n->has_jet = 1;
  }
  PetscCall(PhynnNodeCtx(n, sizeof(DenseCtx), (void **)&c));
  c->transposed = transposed;
  PetscCall(PhynnGraphFinishNode(g, *id));
  /* W (out, in): each output sums `in` inputs, each input feeds `out` outputs; transposed (in, out). */
  {
    PhynnNode *w = &g->nodes[W];
    long       rows = w->shape.dim[0], cols = PhynnShapeCols(&w->shape);
    PhynnNodeDeclareFans(w, transposed ? rows : cols, transposed ? cols : rows);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphDense(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int *id) { return DenseBuild(g, x, W, b, jet, 0, id); }
PetscErrorCode PhynnGraphDenseTransposed(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int *id) { return DenseBuild(g, x, W, b, jet, 1, id); }
