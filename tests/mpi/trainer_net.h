/* A small regression for the trainer tests, built from the graph and the MLP only (no model
 * record): y = sin(2 x0) exp(-x1) at NPTS points drawn with Philox, a [2,6,6,1] tanh network, the
 * data term (MSE over this rank's points [start, start + count)) and optionally a penalty on the
 * first weight matrix, reg = sum(W1^2) / 12, that every rank computes in full (its local count
 * 12 on every rank makes the global divisor 12 x ranks, and the allreduce sums the ranks' copies
 * back to sum(W1^2) / 12). */
#ifndef PHYNN_TEST_TRAINER_NET_H
#define PHYNN_TEST_TRAINER_NET_H

#include <math.h>

#include "phynn/mlp.h"
#include "phynn/options.h"
#include "phynn/random.h"
#include "phynn/trainer.h"

#define NPTS 29

typedef struct {
  PhynnGraph   g;
  PhynnTrainer t;
  PhynnMLP     mlp;
  int          X, Y, out, data, reg;
  double       pts[2 * NPTS], y[NPTS];
  long         start, count;
  /* what the monitor saw: the loss of every iteration (index iteration - 1) */
  int          nloss;
  double       loss[256];
} TestNet;

static PetscErrorCode TestNetRecord(void *ctx, long iteration, double loss, PetscBool *stop)
{
  TestNet *net = (TestNet *)ctx;
  *stop        = PETSC_FALSE;
  if (iteration >= 1 && iteration <= 256) net->loss[iteration - 1] = loss;
  if (iteration > net->nloss) net->nloss = (int)iteration;
  return 0;
}

/* The graph and a trainer with the data term (weight 1) and, if with_reg, the penalty (weight
 * 0.1); with `batch`, the data term is over the minibatch (one value per sample) and the caller
 * sets the minibatch. The caller adds phases, then calls TestNetSetUp. */
static PetscErrorCode TestNetCreateAny(MPI_Comm comm, PetscBool with_reg, PetscBool batch, TestNet *net)
{
  const long sizes[4] = {2, 6, 6, 1};
  PhynnJet   jet      = PhynnJetNone(2);
  int        xin;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(net, sizeof(*net)));
  for (int i = 0; i < NPTS; i++) {
    net->pts[2 * i]     = -1 + 2 * PhynnUniform(5, 1, (uint64_t)i);
    net->pts[2 * i + 1] = 2 * PhynnUniform(5, 2, (uint64_t)i);
    net->y[i]           = sin(2 * net->pts[2 * i]) * exp(-net->pts[2 * i + 1]);
  }
  PhynnSplitRange(NPTS, PhynnRank(comm), PhynnSize(comm), &net->start, &net->count);
  PetscCall(PhynnGraphCreate(comm, &net->g));
  PetscCall(PhynnMLPCreate(net->g, 4, sizes, PHYNN_ACT_TANH, PHYNN_ACT_IDENTITY, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}, PETSC_TRUE, &net->mlp));
  PetscCall(PhynnGraphInput(net->g, "x", 2, &net->X));
  PetscCall(PhynnGraphInput(net->g, "y", 1, &net->Y));
  PetscCall(PhynnGraphJetInput(net->g, net->X, &jet, NULL, NULL, &xin));
  PetscCall(PhynnMLPApply(net->g, &net->mlp, xin, &jet, &net->out));
  PetscCall(PhynnGraphLoss(net->g, PHYNN_LOSS_MSE, net->out, net->Y, &net->data));
  PetscCall(PhynnTrainerCreate(comm, net->g, &net->t));
  if (batch) PetscCall(PhynnTrainerAddBatchTerm(net->t, "data", net->data, 1.0, 1));
  else PetscCall(PhynnTrainerAddTerm(net->t, "data", net->data, 1.0, net->count));
  net->reg = -1;
  if (with_reg) {
    PetscCall(PhynnGraphMeanSquare(net->g, net->mlp.W[0], &net->reg));
    PetscCall(PhynnTrainerAddTerm(net->t, "reg", net->reg, 0.1, 12));
  }
  PetscCall(PhynnTrainerSetMonitor(net->t, TestNetRecord, net));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestNetCreate(MPI_Comm comm, PetscBool with_reg, TestNet *net) { return TestNetCreateAny(comm, with_reg, PETSC_FALSE, net); }

/* Options, set-up, weights from `seed`, this rank's points. */
static PetscErrorCode TestNetSetUp(MPI_Comm comm, TestNet *net, uint64_t seed)
{
  PetscFunctionBegin;
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnTrainerSetFromOptions(net->t));
  PetscCall(PhynnTrainerSetUp(net->t));
  PetscCall(PhynnOptionsEnd());
  PetscCall(PhynnTrainerInitParameters(net->t, seed));
  PetscCall(PhynnGraphSetInput(net->g, net->X, net->count, net->pts + 2 * net->start));
  PetscCall(PhynnGraphSetInput(net->g, net->Y, net->count, net->y + net->start));
  PetscFunctionReturn(0);
}

/* A copy of the weights (the graph holds the final iterate after Train). */
static PetscErrorCode TestNetWeights(TestNet *net, double **theta, long *n)
{
  double *gtheta;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(net->g, &gtheta, NULL, n));
  PetscCall(PetscMalloc1(*n, theta));
  PetscCall(PetscArraycpy(*theta, gtheta, *n));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestNetDestroy(TestNet *net)
{
  PetscFunctionBegin;
  PetscCall(PhynnTrainerDestroy(&net->t));
  PetscCall(PhynnGraphDestroy(&net->g));
  PetscFunctionReturn(0);
}

static double MaxAbsDiff(long n, const double *a, const double *b)
{
  double m = 0;
  for (long i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
  return m;
}

#endif
