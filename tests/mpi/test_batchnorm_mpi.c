/* Batch norm and dropout over ranks agree with one rank holding every row.
 *
 * Every rank builds the same network twice: over the world communicator with its contiguous
 * share (PhynnSplitRange) of a global batch of 7 images, and alone on PETSC_COMM_SELF with all 7.
 *   conv2d (2 -> 3 channels, 3 x 3, padding 1, bias) -> batchnorm2d (gamma, beta) -> tanh
 *   -> dropout p = 0.3 (default sample ids: the rows in rank order) -> dense (36 -> 4)
 *   -> batchnorm on rows (N, 4) per feature -> mean square, plus the mean square of the images
 * 1. One training forward and backward: the outputs of both batch norms and of the dropout (this
 *    rank's rows against the same rows of the single-rank run), the loss (summed over ranks), the
 *    parameter gradient (summed over ranks, as the trainer does) and the running statistics agree
 *    to 1e-12 (|a - b| <= 1e-12 max(1, |b|)). The dropout masks agree bitwise.
 * 2. Evaluation mode (running statistics): the outputs agree to 1e-12.
 * 3. Training through PhynnTrainer (Adam, 20 steps) of rows x (N, 3) -> batchnorm -> dropout ->
 *    dense -> tanh -> dense against targets: the final weights agree with the single-rank run to
 *    1e-10 relative, and the running statistics in theta are what 21 training evaluations of the
 *    fixed batch give, r = (1 - 0.9^21) mean and 0.9^21 + (1 - 0.9^21) var M / (M - 1) to 1e-12:
 *    the trainer leaves the graph's frozen parameters to the graph. */
#include <string.h>

#include "phynn/options.h"
#include "phynn/random.h"
#include "phynn/trainer.h"
#include "phynn_test.h"

#define NIMG 7
#define C_IN 2
#define HH 4
#define WW 3
#define PIX (C_IN * HH * WW)

typedef struct {
  PhynnGraph g;
  int        X, bn1, drop, bn2, loss;
  int        rm[2], rv[2];
} Net;

static PetscErrorCode BuildNet(MPI_Comm comm, double total, Net *net)
{
  const long    dx[4] = {0, C_IN, HH, WW}, dw[4] = {3, C_IN, 3, 3}, d3[2] = {1, 3}, dv[2] = {4, 36}, d4[2] = {1, 4};
  PhynnInitSpec w = {PHYNN_INIT_NORMAL, 0, 0.4}, one = {PHYNN_INIT_NORMAL, 1, 0.2}, small = {PHYNN_INIT_NORMAL, 0, 0.2};
  int           W, b, g1, b1, V, g2, b2, z, t[2];
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(comm, &net->g));
  PetscCall(PhynnGraphInputND(net->g, "x", 4, dx, &net->X));
  PetscCall(PhynnGraphParamND(net->g, "W", 4, dw, PHYNN_DTYPE_REAL, w, &W));
  PetscCall(PhynnGraphParamND(net->g, "b", 2, d3, PHYNN_DTYPE_REAL, small, &b));
  PetscCall(PhynnGraphParamND(net->g, "gamma1", 2, d3, PHYNN_DTYPE_REAL, one, &g1));
  PetscCall(PhynnGraphParamND(net->g, "beta1", 2, d3, PHYNN_DTYPE_REAL, small, &b1));
  PetscCall(PhynnGraphParamND(net->g, "running_mean1", 2, d3, PHYNN_DTYPE_REAL, small, &net->rm[0]));
  PetscCall(PhynnGraphParamND(net->g, "running_var1", 2, d3, PHYNN_DTYPE_REAL, small, &net->rv[0]));
  PetscCall(PhynnGraphParamND(net->g, "V", 2, dv, PHYNN_DTYPE_REAL, w, &V));
  PetscCall(PhynnGraphParamND(net->g, "gamma2", 2, d4, PHYNN_DTYPE_REAL, one, &g2));
  PetscCall(PhynnGraphParamND(net->g, "beta2", 2, d4, PHYNN_DTYPE_REAL, small, &b2));
  PetscCall(PhynnGraphParamND(net->g, "running_mean2", 2, d4, PHYNN_DTYPE_REAL, small, &net->rm[1]));
  PetscCall(PhynnGraphParamND(net->g, "running_var2", 2, d4, PHYNN_DTYPE_REAL, small, &net->rv[1]));
  PetscCall(PhynnGraphConv2d(net->g, net->X, W, b, 1, 1, 1, 1, NULL, &z));
  PetscCall(PhynnGraphBatchNorm2d(net->g, z, g1, b1, net->rm[0], net->rv[0], 1e-5, 0.1, &net->bn1));
  PetscCall(PhynnGraphActivation(net->g, net->bn1, PHYNN_ACT_TANH, 0, NULL, &z));
  PetscCall(PhynnGraphDropout(net->g, z, 0.3, NULL, &net->drop));
  PetscCall(PhynnGraphMeanSquare(net->g, net->drop, &t[0]));
  PetscCall(PhynnGraphSetLossNorm(net->g, t[0], total * 36));
  PetscCall(PhynnGraphDense(net->g, net->drop, V, -1, NULL, &z));
  PetscCall(PhynnGraphBatchNorm2d(net->g, z, g2, b2, net->rm[1], net->rv[1], 1e-5, 0.1, &net->bn2));
  PetscCall(PhynnGraphSin(net->g, net->bn2, &z));
  PetscCall(PhynnGraphMeanSquare(net->g, z, &t[1]));
  PetscCall(PhynnGraphSetLossNorm(net->g, t[1], total * 4));
  PetscCall(PhynnGraphWeightedSum(net->g, 2, t, (const double[]){1.0, 0.5}, &net->loss));
  PetscCall(PhynnGraphSetUp(net->g));
  PetscCall(PhynnGraphInitParameters(net->g, 17));
  PetscCall(PhynnGraphSetRandomSeed(net->g, 5));
  PetscCall(PhynnGraphSetStep(net->g, 3));
  PetscFunctionReturn(0);
}

/* max over i of |a_i - b_i| / max(1, |b_i|) */
static double Worst(long n, const double *a, const double *b)
{
  double w = 0;
  for (long i = 0; i < n; i++) w = fmax(w, fabs(a[i] - b[i]) / fmax(1.0, fabs(b[i])));
  return w;
}

/* This rank's rows [start, start + count) of node `node` in the parallel net against the same rows in the single-rank one. */
static double CompareRows(Net *par, Net *ser, int node, long start, long count)
{
  const double *vp, *vs;
  PhynnShape    sh;
  PhynnGraphValue(par->g, node, &vp, &sh);
  PhynnGraphValue(ser->g, node, &vs, NULL);
  long cols = PhynnShapeElements(&sh) / (sh.dim[0] ? sh.dim[0] : 1);
  return Worst(count * cols, vp, vs + start * cols);
}

static PetscErrorCode CheckGraphs(MPI_Comm comm, const double *x, long start, long count)
{
  Net     par, ser;
  double *tp, *gp, *ts, *gs, *gsum, lp, ls, w;
  long    n;
  int     rank = PhynnRank(comm);
  PetscFunctionBegin;
  PetscCall(BuildNet(comm, NIMG, &par));
  PetscCall(BuildNet(PETSC_COMM_SELF, NIMG, &ser));
  PetscCall(PhynnGraphSetInput(par.g, par.X, count, x + start * PIX));
  PetscCall(PhynnGraphSetInput(ser.g, ser.X, NIMG, x));
  PetscCall(PhynnGraphParameters(par.g, &tp, &gp, &n));
  PetscCall(PhynnGraphParameters(ser.g, &ts, &gs, NULL));
  CHECK(!memcmp(tp, ts, n * sizeof(double)), "both nets start from the same theta");
  PetscCall(PhynnGraphForward(par.g, par.loss));
  PetscCall(PhynnGraphBackward(par.g, par.loss));
  PetscCall(PhynnGraphForward(ser.g, ser.loss));
  PetscCall(PhynnGraphBackward(ser.g, ser.loss));

  { /* 1. training */
    double        wbn1 = CompareRows(&par, &ser, par.bn1, start, count), wbn2 = CompareRows(&par, &ser, par.bn2, start, count), wdrop = CompareRows(&par, &ser, par.drop, start, count);
    const double *dp, *ds;
    int           same_mask = 1;
    PetscCall(PhynnGraphValue(par.g, par.drop, &dp, NULL));
    PetscCall(PhynnGraphValue(ser.g, ser.drop, &ds, NULL));
    for (long i = 0; i < count * 36; i++) same_mask &= (dp[i] == 0) == (ds[start * 36 + i] == 0);
    CHECK(same_mask, "rank %d: the dropout masks of rows %ld..%ld differ from the single-rank run's", rank, start, start + count - 1);
    CHECK(wbn1 <= 1e-12 && wbn2 <= 1e-12 && wdrop <= 1e-12, "rank %d: training outputs differ from the single-rank run: batchnorm2d %.3g, dropout %.3g, batchnorm on rows %.3g (> 1e-12)", rank, wbn1, wdrop, wbn2);
    lp = PhynnGraphScalar(par.g, par.loss);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &lp, 1, MPI_DOUBLE, MPI_SUM, comm));
    ls = PhynnGraphScalar(ser.g, ser.loss);
    CHECK(fabs(lp - ls) <= 1e-12 * fmax(1, fabs(ls)), "the loss summed over ranks %.15g differs from the single-rank loss %.15g", lp, ls);
    PetscCall(PetscMalloc1(n, &gsum));
    PetscCallMPI(MPI_Allreduce(gp, gsum, (int)n, MPI_DOUBLE, MPI_SUM, comm));
    w = Worst(n, gsum, gs);
    CHECK(w <= 1e-12, "the gradient summed over ranks differs from the single-rank gradient by %.3g (> 1e-12)", w);
    double wr = Worst(n, tp, ts); /* theta: the running statistics moved by the forward */
    CHECK(wr <= 1e-12, "theta (running statistics) after the training forward differs from the single-rank run by %.3g", wr);
    if (rank == 0 && same_mask && wbn1 <= 1e-12 && wbn2 <= 1e-12 && w <= 1e-12 && wr <= 1e-12)
      printf("ok   training over %d rank(s) = one rank on all %d images: batchnorm outputs (%.2g, %.2g), dropout masks (bitwise) and values (%.2g), loss (%.2g), gradient (%.2g) and running statistics (%.2g), all <= 1e-12\n",
             PhynnSize(comm), NIMG, wbn1, wbn2, wdrop, fabs(lp - ls), w, wr);
    PetscCall(PetscFree(gsum));
  }
  { /* 2. evaluation */
    PetscCall(PhynnGraphSetTraining(par.g, PETSC_FALSE));
    PetscCall(PhynnGraphSetTraining(ser.g, PETSC_FALSE));
    PetscCall(PhynnGraphForward(par.g, par.loss));
    PetscCall(PhynnGraphForward(ser.g, ser.loss));
    double wbn1 = CompareRows(&par, &ser, par.bn1, start, count), wbn2 = CompareRows(&par, &ser, par.bn2, start, count);
    CHECK(wbn1 <= 1e-12 && wbn2 <= 1e-12, "rank %d: evaluation outputs differ from the single-rank run: %.3g, %.3g", rank, wbn1, wbn2);
    if (rank == 0 && wbn1 <= 1e-12 && wbn2 <= 1e-12) printf("ok   evaluation (running statistics) over %d rank(s) = one rank: batchnorm outputs agree to %.2g, %.2g <= 1e-12\n", PhynnSize(comm), wbn1, wbn2);
  }
  PetscCall(PhynnGraphDestroy(&par.g));
  PetscCall(PhynnGraphDestroy(&ser.g));
  PetscFunctionReturn(0);
}

#define NROWS 11
#define MAXIT 20

/* 3. x (N, 3) -> batchnorm -> dropout 0.2 -> dense 3 -> 6 -> tanh -> dense 6 -> 1, MSE against y,
 * trained by PhynnTrainer; returns theta (allocated) and the offsets of the running statistics. */
static PetscErrorCode TrainNet(MPI_Comm comm, const double *x, const double *y, long start, long count, double **theta, long *n, long *orm, long *orv)
{
  const long    d3[2] = {1, 3};
  PhynnGraph    g;
  PhynnTrainer  t;
  int           X, Y, ga, be, rm, rv, W1, b1, W2, z, loss;
  PhynnInitSpec xav = {PHYNN_INIT_XAVIER_NORMAL, 0, 0}, z0 = {PHYNN_INIT_ZEROS, 0, 0}, one = {PHYNN_INIT_CONSTANT, 1, 0};
  double       *gt;
  long          sz;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnGraphInput(g, "x", 3, &X));
  PetscCall(PhynnGraphInput(g, "y", 1, &Y));
  PetscCall(PhynnGraphParamND(g, "gamma", 2, d3, PHYNN_DTYPE_REAL, one, &ga));
  PetscCall(PhynnGraphParamND(g, "beta", 2, d3, PHYNN_DTYPE_REAL, z0, &be));
  PetscCall(PhynnGraphParamND(g, "running_mean", 2, d3, PHYNN_DTYPE_REAL, z0, &rm));
  PetscCall(PhynnGraphParamND(g, "running_var", 2, d3, PHYNN_DTYPE_REAL, z0, &rv));
  PetscCall(PhynnGraphParam(g, "W1", 6, 3, xav, &W1));
  PetscCall(PhynnGraphParam(g, "b1", 1, 6, z0, &b1));
  PetscCall(PhynnGraphParam(g, "W2", 1, 6, xav, &W2));
  PetscCall(PhynnGraphBatchNorm2d(g, X, ga, be, rm, rv, 1e-5, 0.1, &z));
  PetscCall(PhynnGraphDropout(g, z, 0.2, NULL, &z));
  PetscCall(PhynnGraphDense(g, z, W1, b1, NULL, &z));
  PetscCall(PhynnGraphActivation(g, z, PHYNN_ACT_TANH, 0, NULL, &z));
  PetscCall(PhynnGraphDense(g, z, W2, -1, NULL, &z));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, z, Y, &loss));
  PetscCall(PhynnTrainerCreate(comm, g, &t));
  PetscCall(PhynnTrainerAddTerm(t, "data", loss, 1.0, count));
  PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, MAXIT, 1e-2, 0));
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnTrainerSetFromOptions(t));
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnTrainerInitParameters(t, 23));
  PetscCall(PhynnGraphSetInput(g, X, count, x + 3 * start));
  PetscCall(PhynnGraphSetInput(g, Y, count, y + start));
  PetscCall(PhynnTrainerTrain(t));
  PetscCall(PhynnGraphParameters(g, &gt, NULL, n));
  PetscCall(PetscMalloc1(*n, theta));
  PetscCall(PetscArraycpy(*theta, gt, *n));
  PetscCall(PhynnGraphParamSlice(g, rm, orm, &sz));
  PetscCall(PhynnGraphParamSlice(g, rv, orv, &sz));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckTrainer(MPI_Comm comm)
{
  double x[3 * NROWS], y[NROWS], *tp, *ts, mean[3], var[3], q = pow(0.9, MAXIT + 1), worst = 0, w;
  long   start, count, n, orm, orv;
  int    rank = PhynnRank(comm);
  PetscFunctionBegin;
  PhynnUniformFill(3, 1, 0, 3 * NROWS, -1, 2, x);
  for (int i = 0; i < NROWS; i++) y[i] = sin(x[3 * i]) + 0.5 * x[3 * i + 1] * x[3 * i + 2];
  PhynnSplitRange(NROWS, rank, PhynnSize(comm), &start, &count);
  PetscCall(TrainNet(comm, x, y, start, count, &tp, &n, &orm, &orv));
  PetscCall(TrainNet(PETSC_COMM_SELF, x, y, 0, NROWS, &ts, &n, &orm, &orv));
  w = Worst(n, tp, ts);
  CHECK(w <= 1e-10, "after %d Adam steps with batch norm and dropout, the weights over %d rank(s) differ from one rank's by %.3g (> 1e-10)", MAXIT, PhynnSize(comm), w);
  for (int c = 0; c < 3; c++) {
    double s = 0, v = 0;
    for (int i = 0; i < NROWS; i++) s += x[3 * i + c];
    mean[c] = s / NROWS;
    for (int i = 0; i < NROWS; i++) v += (x[3 * i + c] - mean[c]) * (x[3 * i + c] - mean[c]);
    var[c] = v / (NROWS - 1); /* unbiased */
    worst  = fmax(worst, fabs(tp[orm + c] - (1 - q) * mean[c]));
    worst  = fmax(worst, fabs(tp[orv + c] - (q + (1 - q) * var[c])));
  }
  CHECK(worst <= 1e-12, "the running statistics after training are off by %.3g from 21 training evaluations of the batch (the trainer must leave them to the graph)", worst);
  if (rank == 0 && w <= 1e-10 && worst <= 1e-12)
    printf("ok   PhynnTrainer with batch norm and dropout over %d rank(s) = one rank (weights to %.2g <= 1e-10); the running statistics in theta are 21 evaluations' worth (error %.2g <= 1e-12)\n", PhynnSize(comm), w, worst);
  PetscCall(PetscFree(tp));
  PetscCall(PetscFree(ts));
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  double x[NIMG * PIX];
  long   start, count;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  PhynnUniformFill(2, 1, 0, NIMG * PIX, -1, 1, x);
  for (long i = 0; i < NIMG * PIX; i++) x[i] += 0.5 * (double)((i / (HH * WW)) % C_IN); /* channel means differ */
  PhynnSplitRange(NIMG, PhynnRank(comm), PhynnSize(comm), &start, &count);
  PetscCall(CheckGraphs(comm, x, start, count));
  PetscCall(CheckTrainer(comm));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
