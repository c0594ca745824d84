/* Minibatches in the trainer, on 1, 2 and 3 ranks (PhynnTrainerSetMinibatch).
 *
 *   sgd_exact   One weight w, loss mean over the batch of (w x_i - y_i)^2, 10 samples in batches
 *               of 4 (so 4, 4, 2 per epoch; on 3 ranks the last batch leaves one rank without
 *               samples), 12 sgd steps: every step's loss and w equal the closed-form recursion
 *               w <- w - lr 2 sum_b (w x_i - y_i) x_i / |b| over batches that this file draws
 *               itself from the documented order (Fisher-Yates with Philox (seed,
 *               PHYNN_STREAM_SHUFFLE, e S + i)), to 1e-13 relative. This pins the batches, the
 *               smaller last batch and the GLOBAL batch divisor.
 *   mlp         The [2,6,6,1] tanh net of trainer_net.h, 29 samples in batches of 8 (8, 8, 8, 5),
 *               30 Adam steps, data-parallel over the world and alone on PETSC_COMM_SELF in the
 *               same process: every step's batch is the same set of samples (checked by the sum
 *               and the sum of squares of the indices over the ranks), each epoch visits every
 *               sample once, the losses of all 30 steps and the final weights agree to 1e-10, the
 *               weights are bitwise equal on every rank, and EvaluateDataset equals a full-batch
 *               evaluation of all 29 samples to 1e-12. */
#include <string.h>

#include "phynn_test.h"
#include "trainer_net.h"

#define MAXSTEPS 64

/* What the batch function saw, step by step (one call per step for sgd and Adam). */
typedef struct {
  PhynnGraph    g;
  int           X, Y, dim;
  const double *x, *y;
  double        xb[2 * NPTS], yb[NPTS];
  PetscBool     record;
  int           calls;
  long          count[MAXSTEPS];
  double        sum[MAXSTEPS], sq[MAXSTEPS];
  long          idx[MAXSTEPS][NPTS];
  /* the post-step hook's view of theta[0] */
  double        w[MAXSTEPS];
} Batches;

static PetscErrorCode SetBatch(void *ctx, long count, const long *indices)
{
  Batches *b = (Batches *)ctx;
  PetscFunctionBegin;
  for (long r = 0; r < count; r++) {
    for (int d = 0; d < b->dim; d++) b->xb[r * b->dim + d] = b->x[indices[r] * b->dim + d];
    b->yb[r] = b->y[indices[r]];
  }
  PetscCall(PhynnGraphSetInput(b->g, b->X, count, b->xb));
  PetscCall(PhynnGraphSetInput(b->g, b->Y, count, b->yb));
  if (b->record && b->calls < MAXSTEPS) {
    int k = b->calls;
    b->count[k] = count;
    b->sum[k] = b->sq[k] = 0;
    for (long r = 0; r < count; r++) {
      b->sum[k] += (double)indices[r];
      b->sq[k] += (double)indices[r] * (double)indices[r];
      b->idx[k][r] = indices[r];
    }
  }
  if (b->record) b->calls++;
  PetscFunctionReturn(0);
}

static PetscErrorCode RecordW(void *ctx, long iteration, double *theta, long n)
{
  Batches *b = (Batches *)ctx;
  (void)n;
  if (iteration >= 1 && iteration <= MAXSTEPS) b->w[iteration - 1] = theta[0];
  return 0;
}

/* The documented order of epoch e: Fisher-Yates from Philox (seed, SHUFFLE, e S + i). */
static void EpochOrder(uint64_t seed, long e, long S, long *perm)
{
  for (long i = 0; i < S; i++) perm[i] = i;
  for (long i = S - 1; i > 0; i--) {
    long j  = (long)(PhynnUniform(seed, PHYNN_STREAM_SHUFFLE, (uint64_t)e * (uint64_t)S + (uint64_t)i) * (double)(i + 1));
    long tp = perm[i];
    perm[i] = perm[j];
    perm[j] = tp;
  }
}

static PetscErrorCode TestSgdExact(MPI_Comm comm)
{
  enum { S = 10, B = 4, STEPS = 12 };
  const double lr = 0.1, w0 = 0.5;
  const uint64_t seed = 42;
  double       x[S], y[S], loss[STEPS], w = w0, werr = 0, lerr = 0;
  long         perm[S], steps;
  int          w_node, pred, L, sizes_ok = 1;
  PhynnGraph   g;
  PhynnTrainer t;
  TestNet      rec; /* only its loss recorder */
  Batches     *b;
  PetscFunctionBegin;
  PetscCall(PetscNew(&b));
  PetscCall(PetscMemzero(&rec, sizeof(rec)));
  for (int i = 0; i < S; i++) {
    x[i] = 0.2 + 0.15 * i;
    y[i] = 2 * x[i] + 0.3 * sin(3.0 * i);
  }
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnGraphParam(g, "w", 1, 1, (PhynnInitSpec){PHYNN_INIT_CONSTANT, w0, 0}, &w_node));
  PetscCall(PhynnGraphInput(g, "x", 1, &b->X));
  PetscCall(PhynnGraphInput(g, "y", 1, &b->Y));
  PetscCall(PhynnGraphMul(g, b->X, w_node, &pred));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, pred, b->Y, &L));
  b->g = g, b->dim = 1, b->x = x, b->y = y, b->record = PETSC_TRUE;
  PetscCall(PhynnTrainerCreate(comm, g, &t));
  PetscCall(PhynnTrainerAddBatchTerm(t, "data", L, 1.0, 1));
  PetscCall(PhynnTrainerSetMinibatch(t, S, B, seed, SetBatch, b));
  PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_SGD, STEPS, lr, 0));
  PetscCall(PhynnTrainerSetMonitor(t, TestNetRecord, &rec));
  PetscCall(PhynnTrainerSetPostStep(t, RecordW, b));
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnTrainerSetFromOptions(t));
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnOptionsEnd());
  PetscCall(PhynnTrainerInitParameters(t, 1));
  PetscCall(PhynnTrainerGetMinibatch(t, NULL, NULL, &steps));
  CHECK(steps == 3, "steps per epoch %ld, want ceil(10/4) = 3", steps);
  PetscCall(PhynnTrainerTrain(t));
  CHECK(b->calls == STEPS, "the batch function ran %d times, want once per step (%d)", b->calls, STEPS);
  for (int k = 0; k < STEPS && k < b->calls; k++) {
    long pos = k % 3, first = pos * B, n = PetscMin(B, S - first), total = 0;
    double f = 0, gsum = 0;
    PetscCallMPI(MPI_Allreduce(&b->count[k], &total, 1, MPI_LONG, MPI_SUM, comm));
    if (total != n) sizes_ok = 0;
    EpochOrder(seed, k / 3, S, perm);
    for (long r = first; r < first + n; r++) {
      double e = w * x[perm[r]] - y[perm[r]];
      f += e * e;
      gsum += 2 * e * x[perm[r]];
    }
    loss[k] = f / (double)n;
    w -= lr * gsum / (double)n;
    lerr = fmax(lerr, fabs(rec.loss[k] - loss[k]) / fabs(loss[k]));
    werr = fmax(werr, fabs(b->w[k] - w) / fabs(w));
  }
  CHECK(sizes_ok, "the global batch sizes are not 4, 4, 2 in every epoch");
  if (sizes_ok) PetscCall(PhynnPrintf(comm, "ok   global batch sizes 4, 4, 2 in each of 4 epochs (%d ranks)\n", PhynnSize(comm)));
  CHECK_CLOSE("12 sgd steps on minibatches: max relative error of the loss vs the closed form", lerr, 0, 0, 1e-13);
  CHECK_CLOSE("12 sgd steps on minibatches: max relative error of w vs the closed form", werr, 0, 0, 1e-13);
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PetscFree(b));
  PetscFunctionReturn(0);
}

/* 30 Adam steps on minibatches of 8 of the 29 samples; the batches seen, the losses and the
 * weights come back in *b, *net_loss and *theta. */
static PetscErrorCode TrainMinibatch(MPI_Comm comm, Batches *b, double *net_loss, double **theta, long *n, double *dataset_loss)
{
  TestNet net;
  PetscFunctionBegin;
  PetscCall(TestNetCreateAny(comm, PETSC_FALSE, PETSC_TRUE, &net));
  PetscCall(PetscMemzero(b, sizeof(*b)));
  b->g = net.g, b->X = net.X, b->Y = net.Y, b->dim = 2, b->x = net.pts, b->y = net.y, b->record = PETSC_TRUE;
  PetscCall(PhynnTrainerSetMinibatch(net.t, NPTS, 8, 77, SetBatch, b));
  PetscCall(PhynnTrainerSetDefaults(net.t, PHYNN_OPTIM_ADAM, 30, 1e-2, 0));
  PetscCall(TestNetSetUp(comm, &net, 13));
  PetscCall(PhynnTrainerTrain(net.t));
  b->record = PETSC_FALSE;
  PetscCall(PetscArraycpy(net_loss, net.loss, 30));
  PetscCall(TestNetWeights(&net, theta, n));
  PetscCall(PhynnTrainerEvaluateDataset(net.t, dataset_loss, NULL));
  PetscCall(TestNetDestroy(&net));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestMlp(MPI_Comm comm)
{
  Batches *bp, *bs;
  double   lpar[30], lser[30], *tpar, *tser, *t0, dpar, dser, dfull, *gtheta, lerr = 0;
  long     n;
  int      rank = PhynnRank(comm), size = PhynnSize(comm), same_batches = 1, partition = 1, same, all = 0;
  TestNet  full;
  PetscFunctionBegin;
  PetscCall(PetscNew(&bp));
  PetscCall(PetscNew(&bs));
  PetscCall(TrainMinibatch(comm, bp, lpar, &tpar, &n, &dpar));
  PetscCall(TrainMinibatch(PETSC_COMM_SELF, bs, lser, &tser, &n, &dser));
  CHECK(bp->calls == 30 && bs->calls == 30, "the batch function ran %d and %d times, want 30", bp->calls, bs->calls);
  for (int k = 0; k < 30; k++) {
    double mine[3] = {(double)bp->count[k], bp->sum[k], bp->sq[k]}, tot[3];
    PetscCallMPI(MPI_Allreduce(mine, tot, 3, MPI_DOUBLE, MPI_SUM, comm));
    if (tot[0] != (double)bs->count[k] || tot[1] != bs->sum[k] || tot[2] != bs->sq[k]) same_batches = 0;
    if (bs->count[k] != (k % 4 == 3 ? 5 : 8)) partition = 0;
    lerr = fmax(lerr, fabs(lpar[k] - lser[k]) / fabs(lser[k]));
  }
  for (int e = 0; e < 7; e++) { /* the 7 complete epochs of the 30 steps (4 steps each) */
    int seen[NPTS] = {0};
    for (int k = 4 * e; k < 4 * e + 4; k++)
      for (long r = 0; r < bs->count[k]; r++) seen[bs->idx[k][r]]++;
    for (int i = 0; i < NPTS; i++)
      if (seen[i] != 1) partition = 0;
  }
  CHECK(same_batches, "rank %d: a step's batch over the ranks is not the single-rank batch", rank);
  CHECK(partition, "the batches are not 8, 8, 8, 5 covering every sample once per epoch");
  if (rank == 0 && same_batches && partition) printf("ok   30 steps: batches of 8, 8, 8, 5 cover the 29 samples once per epoch, and each step's batch over %d rank(s) is the single-rank batch\n", size);
  CHECK_CLOSE("minibatch Adam: max relative difference of the 30 step losses, data-parallel vs single rank", lerr, 0, 0, 1e-10);
  CHECK_CLOSE("minibatch Adam: max |difference| of the final weights, data-parallel vs single rank", MaxAbsDiff(n, tpar, tser), 0, 0, 1e-10);
  PetscCall(PetscMalloc1(n, &t0));
  PetscCall(PetscArraycpy(t0, tpar, n));
  PetscCallMPI(MPI_Bcast(t0, (int)n, MPI_DOUBLE, 0, comm));
  same = memcmp(t0, tpar, sizeof(double) * (size_t)n) == 0;
  PetscCallMPI(MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm));
  CHECK(all, "weights differ between ranks");
  if (rank == 0 && all) printf("ok   weights bitwise identical on all %d ranks\n", size);
  /* the dataset loss against a plain full-batch evaluation of all 29 points at those weights */
  PetscCall(PetscOptionsSetValue(NULL, "-max_it", "0"));
  PetscCall(TestNetCreate(PETSC_COMM_SELF, PETSC_FALSE, &full));
  PetscCall(TestNetSetUp(PETSC_COMM_SELF, &full, 13));
  PetscCall(PetscOptionsClearValue(NULL, "-max_it"));
  PetscCall(PhynnGraphParameters(full.g, &gtheta, NULL, NULL));
  PetscCall(PetscArraycpy(gtheta, tpar, n));
  PetscCall(PhynnTrainerEvaluate(full.t, &dfull, NULL));
  CHECK_CLOSE("EvaluateDataset (data-parallel) vs a full-batch evaluation of the 29 samples", dpar, dfull, 1e-12, 0);
  PetscCall(TestNetDestroy(&full));
  PetscCall(PetscFree(t0));
  PetscCall(PetscFree(tpar));
  PetscCall(PetscFree(tser));
  PetscCall(PetscFree(bp));
  PetscCall(PetscFree(bs));
  (void)dser;
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  PetscCall(TestSgdExact(comm));
  PetscCall(TestMlp(comm));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
