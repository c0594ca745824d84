/* Loss operations: scalars sum(...)/norm. norm defaults to the element count of the prediction;
 * under MPI the trainer sets it to the GLOBAL count, so every rank's partial loss adds up (one
 * allreduce) to the global sum over all points divided by the global count.
 *   MSE  sum (p - y)^2                    dp = 2 (p - y)
 *   MAE  sum |p - y|                      dp = sign(p - y)   (0 at p = y)
 *   BCE  -sum y log p + (1 - y) log(1 - p) dp = (p - y) / (p (1 - p))
 *   CCE  -sum y log p                     dp = -y / p
 * with p clamped to [eps, 1 - eps] inside the logarithms (eps = 1e-12; the gradient is zero where
 * the clamp is active). The target gets the mirrored gradient when it depends on parameters. */
#include <math.h>

#include "graph_impl.h"

#define LOSS_EPS 1e-12

static double Norm(const PhynnNode *n, long size) { return n->norm > 0 ? n->norm : (double)(size > 0 ? size : 1); }

PetscErrorCode PhynnOpLoss(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *p = PhynnIn(g, n, 0), *y = PhynnIn(g, n, 1);
  long       size = PhynnShapeElements(&p->shape);
  double     inv  = 1.0 / Norm(n, size);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(PhynnShapeElements(&y->shape) == size || PhynnBatchUnknown(g, p) || PhynnBatchUnknown(g, y), g->comm, PETSC_ERR_ARG_SIZ, "loss '%s': prediction has %ld elements, target %ld", n->name, size, PhynnShapeElements(&y->shape));
    n->shape = PhynnShape2(1, 1);
    break;
  case PHYNN_ACTION_FORWARD: {
    double s = 0;
    for (long i = 0; i < size; i++) {
      double pi = p->value[i], yi = y->value[i], pc = fmin(fmax(pi, LOSS_EPS), 1 - LOSS_EPS);
      switch (n->loss) {
      case PHYNN_LOSS_MSE: s += (pi - yi) * (pi - yi); break;
      case PHYNN_LOSS_MAE: s += fabs(pi - yi); break;
      case PHYNN_LOSS_BCE: s -= yi * log(pc) + (1 - yi) * log(1 - pc); break;
      case PHYNN_LOSS_CCE: s -= yi * log(pc); break;
      default: break;
      }
    }
    n->value[0] = s * inv;
  } break;
  case PHYNN_ACTION_BACKWARD: {
    double G = n->grad[0] * inv, *gp = NULL, *gy = NULL;
    int    owp = 0, owy = 0;
    if (p->requires_grad) PetscCall(PhynnNodeGradForWrite(g, p, &gp, &owp));
    if (y->requires_grad) PetscCall(PhynnNodeGradForWrite(g, y, &gy, &owy));
    for (long i = 0; i < size; i++) {
      double pi = p->value[i], yi = y->value[i], dp = 0, dy = 0;
      int    clamped = pi < LOSS_EPS || pi > 1 - LOSS_EPS;
      double pc = fmin(fmax(pi, LOSS_EPS), 1 - LOSS_EPS);
      switch (n->loss) {
      case PHYNN_LOSS_MSE: dp = 2 * (pi - yi); dy = -dp; break;
      case PHYNN_LOSS_MAE: dp = pi > yi ? 1.0 : pi < yi ? -1.0 : 0.0; dy = -dp; break;
      case PHYNN_LOSS_BCE: dp = clamped ? 0.0 : (pi - yi) / (pi * (1 - pi)); dy = -(log(pc) - log(1 - pc)); break;
      case PHYNN_LOSS_CCE: dp = clamped ? 0.0 : -yi / pi; dy = -log(pc); break;
      default: break;
      }
      if (gp) gp[i] = (owp ? 0 : gp[i]) + G * dp;
      if (gy) gy[i] = (owy ? 0 : gy[i]) + G * dy;
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

/* sum r^2 / norm for a residual r: d = 2 r / norm. A complex residual gives sum |r|^2 / norm
 * (the sum runs over the doubles, re^2 + im^2; norm defaults to the element count). */
PetscErrorCode PhynnOpMeanSquare(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *r    = PhynnIn(g, n, 0);
  long       size = PhynnShapeDoubles(&r->shape);
  double     inv  = 1.0 / Norm(n, PhynnShapeElements(&r->shape));

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: n->shape = PhynnShape2(1, 1); break;
  case PHYNN_ACTION_FORWARD: {
    double s = 0;
    for (long i = 0; i < size; i++) s += r->value[i] * r->value[i];
    n->value[0] = s * inv;
  } break;
  case PHYNN_ACTION_BACKWARD: {
    double *gr, G = 2 * n->grad[0] * inv;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, r, &gr, &ow));
    PhynnAccumulate(gr, ow, size, G, r->value);
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphLoss(PhynnGraph g, PhynnLoss loss, int pred, int target, int *id)
{
  PhynnNode *n;
  int        in[2] = {pred, target};
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_LOSS, 2, in, &n, id));
  n->loss = loss;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphMeanSquare(PhynnGraph g, int r, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_MEAN_SQUARE, 1, &r, &n, id));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetLossNorm(PhynnGraph g, int node, double norm)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  PetscCheck(g->nodes[node].op == PHYNN_OP_LOSS || g->nodes[node].op == PHYNN_OP_MEAN_SQUARE, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not a loss", g->nodes[node].name);
  g->nodes[node].norm = norm;
  PetscFunctionReturn(0);
}
