/* Batch normalisation (Ioffe & Szegedy 2015) per channel: x (N, C, H, W) over N, H and W, or
 * x (N, F) over N per feature (any (N, C, ...): channel = dimension 1, the rest inner):
 *   y = gamma xhat + beta,   xhat = (x - mean) inv,   inv = 1 / sqrt(var + eps)
 * Training: mean and (biased) var are the statistics of the GLOBAL batch, all rows of all ranks of
 * the graph's communicator, M values per channel. Two passes, one MPI_Allreduce of C + 1 doubles
 * each (the sums of x and the row count, then the sums of (x - mean)^2): a rank count changes the
 * summation order only, and the second pass avoids the cancellation of E[x^2] - E[x]^2. The
 * running statistics move as PyTorch's, running <- (1 - momentum) running + momentum batch, with
 * the unbiased variance var M / (M - 1).
 * Backward, with the global sums A = sum dy and B = sum dy xhat per channel (one MPI_Allreduce of
 * 2 C doubles: mean and var couple every row of the batch):
 *   dx = gamma inv (dy - A / M - xhat B / M)
 *   dgamma = sum dy xhat,  dbeta = sum dy   (over this rank's rows: the trainer sums parameter
 *                                            gradients over the ranks, as for every parameter)
 * Evaluation: mean and var are the running statistics, so y is affine in x per channel:
 *   dx = gamma inv dy, dgamma and dbeta as above; nothing is communicated.
 * The running statistics are parameters in theta (saved with the model), frozen (never trained),
 * written by the training forward. Jets are refused: statistics over the K N rows of a jet would
 * mix the derivative blocks into the mean, and the derivative of a batch statistic is not the
 * statistic of the derivatives. */
#include <math.h>

#include "graph_impl.h"

enum { BN_X, BN_MEAN, BN_VAR, BN_GAMMA, BN_BETA };

typedef struct {
  double eps, momentum;
  long   C;
  int    gamma, beta; /* positions among the inputs, -1 if absent (gamma 1, beta 0) */
  int    batch;       /* the last forward used the batch statistics (training) */
  double M;           /* values per channel in that forward's global batch */
  double w[];         /* mean[C], inv[C], then send and receive buffers of 2 C + 1 each */
} BatchNormCtx;

PetscErrorCode PhynnOpBatchNorm(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  BatchNormCtx *k = (BatchNormCtx *)n->ctx;
  PhynnNode    *x = PhynnIn(g, n, BN_X), *rm = PhynnIn(g, n, BN_MEAN), *rv = PhynnIn(g, n, BN_VAR);
  PhynnNode    *ga = k->gamma >= 0 ? PhynnIn(g, n, k->gamma) : NULL, *be = k->beta >= 0 ? PhynnIn(g, n, k->beta) : NULL;
  long          C = k->C, R = x->shape.dim[0], inner = x->shape.ndim >= 2 && x->shape.dim[1] == C ? PhynnShapeCols(&x->shape) / C : 0;
  double       *mean = k->w, *inv = mean + C, *send = inv + C, *recv = send + 2 * C + 1;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim >= 2 && x->shape.dim[1] == C, g->comm, PETSC_ERR_ARG_SIZ, "batchnorm '%s': input '%s' must be (N, %ld, ...) (images (N, C, H, W) or rows (N, F))", n->name, x->name, C);
    PetscCheck(PhynnNodeJetBlocks(g, x) == 1, g->comm, PETSC_ERR_SUP,
               "batchnorm '%s': input '%s' carries a jet of %d blocks; batch norm refuses jets (its statistics would mix the derivative blocks); normalise outside the jet or use evaluation-mode statistics as fixed scaling", n->name, x->name,
               PhynnNodeJetBlocks(g, x));
    for (int i = 1; i < n->nin; i++)
      PetscCheck(PhynnShapeElements(&PhynnIn(g, n, i)->shape) == C, g->comm, PETSC_ERR_ARG_SIZ, "batchnorm '%s': '%s' has %ld elements for %ld channels", n->name, PhynnIn(g, n, i)->name, PhynnShapeElements(&PhynnIn(g, n, i)->shape), C);
    n->shape = x->shape;
    break;
  case PHYNN_ACTION_FORWARD: {
    k->batch = g->training;
    if (k->batch) { /* pass 1: sums and count; pass 2: squared deviations from the global mean */
      PetscCall(PetscArrayzero(send, C));
      for (long r = 0; r < R; r++)
        for (long c = 0; c < C; c++) {
          const double *xc = x->value + (r * C + c) * inner;
          for (long j = 0; j < inner; j++) send[c] += xc[j];
        }
      send[C] = (double)(R * inner);
      PetscCallMPI(MPI_Allreduce(send, recv, (int)C + 1, MPI_DOUBLE, MPI_SUM, g->comm));
      k->M = recv[C];
      PetscCheck(k->M >= 2, g->comm, PHYNN_ERR_INPUT, "batchnorm '%s': the batch holds %g value(s) per channel over all ranks; training needs at least 2 (or evaluation mode, PhynnGraphSetTraining)", n->name, k->M);
      for (long c = 0; c < C; c++) mean[c] = recv[c] / k->M;
      PetscCall(PetscArrayzero(send, C));
      for (long r = 0; r < R; r++)
        for (long c = 0; c < C; c++) {
          const double *xc = x->value + (r * C + c) * inner;
          for (long j = 0; j < inner; j++) send[c] += (xc[j] - mean[c]) * (xc[j] - mean[c]);
        }
      PetscCallMPI(MPI_Allreduce(send, recv, (int)C, MPI_DOUBLE, MPI_SUM, g->comm));
      for (long c = 0; c < C; c++) {
        double var = recv[c] / k->M;
        inv[c]     = 1.0 / sqrt(var + k->eps);
        rm->value[c] = (1 - k->momentum) * rm->value[c] + k->momentum * mean[c];
        rv->value[c] = (1 - k->momentum) * rv->value[c] + k->momentum * var * k->M / (k->M - 1);
      }
    } else
      for (long c = 0; c < C; c++) {
        mean[c] = rm->value[c];
        inv[c]  = 1.0 / sqrt(rv->value[c] + k->eps);
      }
    for (long r = 0; r < R; r++)
      for (long c = 0; c < C; c++) {
        const double *xc = x->value + (r * C + c) * inner;
        double       *yc = n->value + (r * C + c) * inner, s = (ga ? ga->value[c] : 1.0) * inv[c], b = be ? be->value[c] : 0.0;
        for (long j = 0; j < inner; j++) yc[j] = s * (xc[j] - mean[c]) + b;
      }
  } break;
  case PHYNN_ACTION_BACKWARD: {
    double *A = send, *B = send + C; /* this rank's sums of dy and dy xhat per channel */
    PetscCall(PetscArrayzero(send, 2 * C));
    for (long r = 0; r < R; r++)
      for (long c = 0; c < C; c++) {
        const double *xc = x->value + (r * C + c) * inner, *dy = n->grad + (r * C + c) * inner;
        for (long j = 0; j < inner; j++) {
          A[c] += dy[j];
          B[c] += dy[j] * (xc[j] - mean[c]) * inv[c];
        }
      }
    if (x->requires_grad) { /* the same on every rank (it is the graph's structure): all reduce, or none */
      double *gx, *GA = recv, *GB = recv + C;
      int     ow;
      if (k->batch) PetscCallMPI(MPI_Allreduce(send, recv, 2 * (int)C, MPI_DOUBLE, MPI_SUM, g->comm));
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
      for (long r = 0; r < R; r++)
        for (long c = 0; c < C; c++) {
          const double *xc = x->value + (r * C + c) * inner, *dy = n->grad + (r * C + c) * inner;
          double       *gc = gx + (r * C + c) * inner, s = (ga ? ga->value[c] : 1.0) * inv[c];
          for (long j = 0; j < inner; j++) {
            double d = k->batch ? s * (dy[j] - GA[c] / k->M - (xc[j] - mean[c]) * inv[c] * GB[c] / k->M) : s * dy[j];
            gc[j]    = ow ? d : gc[j] + d;
          }
        }
    }
    if (ga && ga->requires_grad) {
      double *gg;
      int     ow;
      PetscCall(PhynnNodeGradForWrite(g, ga, &gg, &ow));
      PhynnAccumulate(gg, ow, C, 1.0, B);
    }
    if (be && be->requires_grad) {
      double *gb;
      int     ow;
      PetscCall(PhynnNodeGradForWrite(g, be, &gb, &ow));
      PhynnAccumulate(gb, ow, C, 1.0, A);
    }
  } break;
  default: break; /* the ctx holds plain numbers */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphBatchNorm2d(PhynnGraph g, int x, int gamma, int beta, int running_mean, int running_var, double eps, double momentum, int *id)
{
  PhynnNode    *n;
  BatchNormCtx *k;
  int           in[5] = {x, running_mean, running_var, -1, -1}, nin = 3, ig = -1, ib = -1;
  long          C;
  PetscFunctionBegin;
  PetscCheck(eps > 0 && momentum >= 0 && momentum <= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "batchnorm: eps = %g must be positive and momentum = %g in [0, 1]", eps, momentum);
  PetscCheck(x >= 0 && x < g->nnodes && g->nodes[x].shape.ndim >= 2, g->comm, PETSC_ERR_ARG_SIZ, "batchnorm: the input must be a node of shape (N, C, ...)");
  for (int i = 0; i < 2; i++) {
    int s = i ? running_var : running_mean;
    PetscCheck(s >= 0 && s < g->nnodes && g->nodes[s].op == PHYNN_OP_PARAM, g->comm, PETSC_ERR_ARG_WRONG, "batchnorm: the running %s must be a parameter node (it is saved in theta)", i ? "variance" : "mean");
  }
  C = g->nodes[x].shape.dim[1];
  if (gamma >= 0) in[ig = nin++] = gamma;
  if (beta >= 0) in[ib = nin++] = beta;
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_BATCHNORM, nin, in, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(BatchNormCtx) + (size_t)(6 * C + 2) * sizeof(double), (void **)&k));
  k->eps      = eps;
  k->momentum = momentum;
  k->C        = C;
  k->gamma    = ig;
  k->beta     = ib;
  PetscCall(PhynnGraphFinishNode(g, *id));
  /* Accepted: the running statistics become frozen parameters starting at PyTorch's values. */
  PetscCall(PhynnGraphSetTrainable(g, running_mean, PETSC_FALSE));
  PetscCall(PhynnGraphSetTrainable(g, running_var, PETSC_FALSE));
  g->nodes[running_mean].init = (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0};
  g->nodes[running_var].init  = (PhynnInitSpec){PHYNN_INIT_CONSTANT, 1, 0};
  PetscFunctionReturn(0);
}
