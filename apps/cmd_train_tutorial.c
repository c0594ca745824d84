/* The tutorial's two single-neuron examples (seeds/000, section II.1), run through phynn's engine:
 *
 *   phynn train perceptron-iris   Iris setosa (0) vs virginica (1): one sigmoid unit, squared error
 *                                 per sample, per-sample SGD (lr 0.01, 100 epochs), 80/20 split
 *   phynn train linreg            v = 0.5 t from five points: one ReLU unit, per-sample SGD
 *                                 (lr 0.05, 100 epochs) from the notebook's w = 0.49671415,
 *                                 b = -0.1382643
 *
 * Both build the unit as a graph (input (1, n), W (1, n), b (1, 1), dense, activation, MSE loss
 * with norm 1, i.e. (y - yhat)^2 for one sample) and step it with the SGD optimiser, so they
 * exercise the same code as every larger network. Both are per-sample serial algorithms: rank 0
 * does all the work and prints; other ranks (under mpirun) only wait.
 *
 * The tutorial's worked updates subtract the gradient with the wrong sign (gradient ascent); this
 * is correct gradient descent (docs/tutorial-examples.md gives both sets of numbers). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "phynn/csv.h"
#include "phynn/graph.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/optim.h"
#include "phynn/random.h"

/* Streams of this file's random draws (distinct from the core's, see phynn/random.h). */
enum { STREAM_SPLIT = PHYNN_STREAM_USER + 100, STREAM_INIT = PHYNN_STREAM_USER + 101 };

#define UNIT_MAX_IN 16

/* One neuron yhat = s(x W^T + b) with its per-sample squared-error loss and an SGD optimiser. */
typedef struct {
  PhynnGraph     g;
  PhynnModel     model;
  int            x, target, y, loss;
  int            nin;
  PhynnOptimizer opt;
} Unit;

/* The unit is a model like any other: the spec "input points ...; mlp net(points) sizes=nin,1
 * act=identity out=<act>; output net names=<out>", so its file loads, evaluates and validates
 * through the one model path. Its weights start at zero (UnitSetWeights sets them). */
static PetscErrorCode UnitCreate(const char *problem, int nin, const char (*in_names)[32], const char *out_name, PhynnActivation act, double lr, Unit *u)
{
  const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};
  PhynnText           t     = {NULL, 0, 0};
  PetscFunctionBegin;
  u->nin = nin;
  PetscCall(PhynnTextAppend(&t, "input points dims=%d names=", nin));
  for (int c = 0; c < nin; c++) PetscCall(PhynnTextAppend(&t, "%s%s", c ? "," : "", in_names[c]));
  PetscCall(PhynnTextAppend(&t, "\nmlp net(points) sizes=%d,1 act=identity out=%s bias=1\noutput net names=%s\n", nin, PhynnActivationNames[act], out_name));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &u->model));
  PetscCall(PhynnModelSetProblem(u->model, problem));
  PetscErrorCode ierr = PhynnModelSetSpec(u->model, t.s, problem);
  PetscCall(PhynnTextFree(&t));
  PetscCall(ierr);
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &u->g));
  PetscCall(PhynnGraphInput(u->g, "x", nin, &u->x));
  PetscCall(PhynnModelSetUp(u->model, u->g, &zeros));
  PetscCall(PhynnModelApply(u->model, u->g, &u->x, NULL, &u->y));
  PetscCall(PhynnGraphInput(u->g, "target", 1, &u->target));
  /* MSE over one element with the default norm (the element count, 1): (y - yhat)^2. */
  PetscCall(PhynnGraphLoss(u->g, PHYNN_LOSS_MSE, u->y, u->target, &u->loss));
  PetscCall(PhynnGraphSetUp(u->g));
  PetscCall(PhynnOptimizerCreate(PETSC_COMM_SELF, nin + 1, &u->opt));
  PetscCall(PhynnOptimizerSetType(u->opt, PHYNN_OPTIM_SGD));
  PetscCall(PhynnOptimizerSetLearningRate(u->opt, lr));
  PetscCall(PhynnOptimizerSetUp(u->opt));
  PetscFunctionReturn(0);
}

static PetscErrorCode UnitDestroy(Unit *u)
{
  PetscFunctionBegin;
  PetscCall(PhynnOptimizerDestroy(&u->opt));
  PetscCall(PhynnGraphDestroy(&u->g));
  PetscCall(PhynnModelDestroy(&u->model));
  PetscFunctionReturn(0);
}

/* theta = [w_1 .. w_n, b] (the graph's buffer: W1 then b1). */
static PetscErrorCode UnitSetWeights(Unit *u, const double *w, double b)
{
  double *theta;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(u->g, &theta, NULL, NULL));
  PetscCall(PetscArraycpy(theta, w, u->nin));
  theta[u->nin] = b;
  PetscFunctionReturn(0);
}

/* The optimiser's objective: loss and gradient of the current sample at theta. */
static PetscErrorCode UnitObjective(void *ctx, const double *theta, double *loss, double *grad)
{
  Unit   *u = (Unit *)ctx;
  double *gt, *gg;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(u->g, &gt, &gg, &n));
  if (gt != theta) PetscCall(PetscArraycpy(gt, theta, n));
  PetscCall(PhynnGraphForward(u->g, u->loss));
  PetscCall(PhynnGraphBackward(u->g, u->loss));
  *loss = PhynnGraphScalar(u->g, u->loss);
  PetscCall(PetscArraycpy(grad, gg, n));
  PetscFunctionReturn(0);
}

/* One SGD step on one sample: theta <- theta - lr d/dtheta (y - yhat)^2. */
static PetscErrorCode UnitStep(Unit *u, const double *x, const double *y, double *loss)
{
  double *theta;
  PetscFunctionBegin;
  PetscCall(PhynnGraphSetInput(u->g, u->x, 1, x));
  PetscCall(PhynnGraphSetInput(u->g, u->target, 1, y));
  PetscCall(PhynnGraphParameters(u->g, &theta, NULL, NULL));
  PetscCall(PhynnOptimizerStep(u->opt, theta, UnitObjective, u, loss, NULL));
  PetscFunctionReturn(0);
}

/* yhat and (y - yhat)^2 for one sample at the current weights (y may be NULL). */
static PetscErrorCode UnitPredict(Unit *u, const double *x, const double *y, double *yhat, double *loss)
{
  const double *v;
  double        zero = 0;
  PetscFunctionBegin;
  PetscCall(PhynnGraphSetInput(u->g, u->x, 1, x));
  PetscCall(PhynnGraphSetInput(u->g, u->target, 1, y ? y : &zero));
  PetscCall(PhynnGraphForward(u->g, u->loss));
  PetscCall(PhynnGraphValue(u->g, u->y, &v, NULL));
  *yhat = v[0];
  if (loss) *loss = PhynnGraphScalar(u->g, u->loss);
  PetscFunctionReturn(0);
}

/* The unit's model file (-o): its weights, and a record of the per-sample SGD run. */
static PetscErrorCode UnitSave(Unit *u, uint64_t seed, long iterations, long nhistory, const double *history, const char *path)
{
  PhynnRecord rec;
  long        nstate;
  double     *state;
  PetscFunctionBegin;
  PhynnRecordInit(&rec);
  rec.seed      = seed;
  rec.iteration = iterations;
  PetscCall(PhynnModelGetWeights(u->model, u->g));
  PetscCall(PhynnOptimizerGetStateSize(u->opt, &nstate));
  PetscCall(PetscMalloc1(nstate + 1, &state));
  PetscCall(PhynnOptimizerGetState(u->opt, state));
  PetscCall(PhynnRecordSetOptimizer(&rec, "sgd", nstate, state));
  PetscCall(PetscFree(state));
  PetscCall(PhynnRecordSetHistory(&rec, nhistory, history));
  PetscCall(PhynnRecordCaptureOptions(&rec));
  PetscErrorCode ierr = PhynnModelSave(u->model, &rec, path);
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintVector(MPI_Comm comm, const char *label, int n, const double *v)
{
  PetscFunctionBegin;
  PetscCall(PhynnPrintf(comm, "%s:", label));
  for (int i = 0; i < n; i++) PetscCall(PhynnPrintf(comm, "%s %.10g", i ? "," : "", v[i]));
  PetscCall(PhynnPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

/* ---- perceptron-iris ------------------------------------------------------------------------ */

/* The default data file: $PHYNN_DATA_DIR/iris.csv, else the installed copy
 * (PHYNN_DATADIR/iris.csv), else the source tree's data/iris.csv (for a build-tree binary). */
static void DefaultIrisPath(char *path, size_t len)
{
  const char *env = getenv("PHYNN_DATA_DIR");
  if (env && env[0]) {
    snprintf(path, len, "%s/iris.csv", env);
    return;
  }
  snprintf(path, len, "%s/iris.csv", PHYNN_DATADIR);
#ifdef PHYNN_SOURCE_DATADIR
  if (access(path, R_OK) != 0) snprintf(path, len, "%s/iris.csv", PHYNN_SOURCE_DATADIR);
#endif
}

PetscErrorCode PhynnCmdTrainPerceptronIris(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  char        data[PETSC_MAX_PATH_LEN], defpath[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN];
  double      lr, frac, w0[UNIT_MAX_IN], b0;
  long        epochs, seed;
  int         nw0;
  PetscBool   random_init, quiet;
  PhynnTable  t = {0};
  Unit        u = {0};
  const char *cmd = "train perceptron-iris";

  PetscFunctionBegin;
  DefaultIrisPath(defpath, sizeof(defpath));
  PetscCall(PhynnOptString("data", defpath, "Iris CSV (four feature columns and 'species': 0 setosa, 1 versicolor, 2 virginica)", data, sizeof(data), NULL));
  PetscCall(PhynnOptReal("lr", 0.01, "learning rate of the per-sample SGD updates", &lr, NULL));
  PetscCall(PhynnOptInt("epochs", 100, "passes over the training samples", &epochs, NULL));
  PetscCall(PhynnOptReal("test_fraction", 0.2, "fraction of the 100 setosa/virginica samples held out for testing", &frac, NULL));
  PetscCall(PhynnOptInt("seed", 0, "seed of the shuffle before the train/test split (and of -random_init)", &seed, NULL));
  PetscCall(PhynnOptRealList("w0", "1,0,0.5,-0.3", "initial weights, one per feature (the tutorial's)", w0, UNIT_MAX_IN, &nw0, NULL));
  PetscCall(PhynnOptReal("b0", 0.5, "initial bias (the tutorial's)", &b0, NULL));
  PetscCall(PhynnOptBool("random_init", PETSC_FALSE, "start from w, b ~ N(0, 1) drawn from -seed instead of -w0/-b0", &random_init, NULL));
  PetscCall(PhynnOptString("o", "", "write the trained unit as a model file (NetCDF; optional)", out, sizeof(out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print only the results", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(lr > 0, comm, PHYNN_ERR_INPUT, "option -lr: %g is not positive; the tutorial uses -lr 0.01", lr);
  PetscCheck(epochs >= 0, comm, PHYNN_ERR_INPUT, "option -epochs: %ld is negative; give the number of passes, e.g. -epochs 100", epochs);
  PetscCheck(frac > 0 && frac < 1, comm, PHYNN_ERR_INPUT, "option -test_fraction: %g is not in (0, 1); the tutorial holds out 0.2", frac);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  if (out[0]) PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp() || PhynnRank(comm) != 0) PetscFunctionReturn(0); /* a serial algorithm: rank 0 runs it */

  /* Setosa (0) and virginica (2) only, relabelled 0 and 1: 100 samples. */
  int    label_col, nfeat, feat[UNIT_MAX_IN], n = 0;
  char   names[UNIT_MAX_IN][32];
  double *X, *Y;
  PetscCall(PhynnTableReadCSV(data, &t));
  PetscCall(PhynnTableColumn(&t, "species", &label_col));
  nfeat = 0;
  for (int c = 0; c < t.cols; c++)
    if (c != label_col) {
      PetscCheck(nfeat < UNIT_MAX_IN, comm, PHYNN_ERR_INPUT, "%s has more than %d feature columns; give the Iris file (four features and 'species')", data, UNIT_MAX_IN);
      PetscCheck(strlen(t.names[c]) < 32, comm, PHYNN_ERR_INPUT, "%s: column name '%s' is longer than 31 characters; shorten it", data, t.names[c]);
      PetscCall(PetscStrncpy(names[nfeat], t.names[c], 32));
      feat[nfeat++] = c;
    }
  PetscCheck(nfeat >= 1, comm, PHYNN_ERR_INPUT, "%s has no feature columns besides 'species'", data);
  PetscCheck(random_init || nw0 == nfeat, comm, PHYNN_ERR_INPUT, "option -w0: %d weights given but %s has %d features; give one weight per feature (or -random_init)", nw0, data, nfeat);
  PetscCall(PetscMalloc2(t.rows * nfeat, &X, t.rows, &Y));
  for (long i = 0; i < t.rows; i++) {
    double s = t.data[i * t.cols + label_col];
    PetscCheck(s == 0 || s == 1 || s == 2, comm, PHYNN_ERR_INPUT, "%s: data row %ld has species %g; the labels must be 0, 1 or 2", data, i + 1, s);
    if (s == 1) continue;
    for (int k = 0; k < nfeat; k++) X[n * nfeat + k] = t.data[i * t.cols + feat[k]];
    Y[n++] = s == 2 ? 1.0 : 0.0;
  }
  long ntest = lround(frac * n), ntrain = n - ntest;
  PetscCheck(ntrain >= 1 && ntest >= 1, comm, PHYNN_ERR_INPUT, "%s: %d setosa/virginica samples cannot be split with -test_fraction %g; give more data", data, n, frac);

  /* Fisher-Yates shuffle with Philox (seed, STREAM_SPLIT, i): the first ntrain samples of the
   * permutation train, the rest test. Training visits them in this order every epoch. */
  int *perm;
  PetscCall(PetscMalloc1(n, &perm));
  for (int i = 0; i < n; i++) perm[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(PhynnUniform((uint64_t)seed, STREAM_SPLIT, (uint64_t)i) * (i + 1)), tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }

  double w[UNIT_MAX_IN], b = b0, *history;
  for (int k = 0; k < nfeat; k++) w[k] = random_init ? PhynnNormal((uint64_t)seed, STREAM_INIT, (uint64_t)k) : w0[k];
  if (random_init) b = PhynnNormal((uint64_t)seed, STREAM_INIT, (uint64_t)nfeat);
  PetscCall(UnitCreate("perceptron-iris", nfeat, (const char(*)[32])names, "virginica", PHYNN_ACT_SIGMOID, lr, &u));
  PetscCall(UnitSetWeights(&u, w, b));
  PetscCall(PetscMalloc1(3 * (epochs + 1), &history));

  double t0 = PhynnTime(), train_loss = 0, yhat, l;
  for (long e = 0; e < epochs; e++) {
    train_loss = 0;
    for (long j = 0; j < ntrain; j++) {
      PetscCall(UnitStep(&u, X + perm[j] * nfeat, Y + perm[j], &l));
      train_loss += l / (double)ntrain; /* the tutorial's loss: the mean of the per-sample losses seen during the epoch */
    }
    history[3 * e + 0] = (double)((e + 1) * ntrain);
    history[3 * e + 1] = PhynnTime() - t0;
    history[3 * e + 2] = train_loss;
    if (!quiet && (e == 0 || (e + 1) % 10 == 0)) PetscCall(PhynnPrintf(comm, "epoch %4ld  loss %.6e\n", e + 1, train_loss));
  }

  /* Accuracy: yhat > 0.5 means virginica (the tutorial's decision boundary). */
  long   correct_train = 0, correct_test = 0;
  double final_loss = 0;
  for (long j = 0; j < n; j++) {
    PetscCall(UnitPredict(&u, X + perm[j] * nfeat, Y + perm[j], &yhat, &l));
    int ok = (yhat > 0.5) == (Y[perm[j]] > 0.5);
    if (j < ntrain) {
      correct_train += ok;
      final_loss += l / (double)ntrain;
    } else correct_test += ok;
  }
  double *theta;
  PetscCall(PhynnGraphParameters(u.g, &theta, NULL, NULL));
  PetscCall(PhynnPrintf(comm, "phynn %s: %ld training / %ld test samples (setosa = 0, virginica = 1), %ld epochs of per-sample SGD, lr %g\n", cmd, ntrain, ntest, epochs, lr));
  PetscCall(PhynnPrintf(comm, "train_loss: %.10g\n", final_loss));
  PetscCall(PhynnPrintf(comm, "train_accuracy: %.10g\n", (double)correct_train / (double)ntrain));
  PetscCall(PhynnPrintf(comm, "test_accuracy: %.10g\n", (double)correct_test / (double)ntest));
  PetscCall(PrintVector(comm, "w", nfeat, theta));
  PetscCall(PhynnPrintf(comm, "b: %.10g\n", theta[nfeat]));
  if (out[0]) {
    PetscCall(UnitSave(&u, (uint64_t)seed, epochs * ntrain, epochs, history, out));
    if (!quiet) PetscCall(PhynnPrintf(comm, "wrote %s\n", out));
  }
  PetscCall(PetscFree(history));
  PetscCall(PetscFree(perm));
  PetscCall(PetscFree2(X, Y));
  PetscCall(UnitDestroy(&u));
  PetscCall(PhynnTableDestroy(&t));
  PetscFunctionReturn(0);
}

/* ---- linreg --------------------------------------------------------------------------------- */

/* The unit has died when no sample with t != 0 is active (w t_i + b <= 0 there): ReLU then passes
 * no gradient to w, ever. b alone can only move through the sample at t = 0, where
 * (0 - relu(b))^2 drives b down to 0 (or it is already <= 0), which only deepens the other
 * samples' negative pre-activations: the state is permanent. */
static PetscBool ReluDead(const double *tt, int n, double w, double b)
{
  for (int i = 0; i < n; i++)
    if (tt[i] != 0 && w * tt[i] + b > 0) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscErrorCode PhynnCmdTrainLinreg(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const double tt[5] = {0, 0.25, 0.5, 0.75, 1}, vv[5] = {0, 0.125, 0.25, 0.375, 0.5}; /* v = 0.5 t */
  const char  *cmd   = "train linreg";
  char         out[PETSC_MAX_PATH_LEN];
  double       lr, w0, b0;
  long         epochs, seed;
  PetscBool    random_init, quiet;
  Unit         u = {0};

  PetscFunctionBegin;
  PetscCall(PhynnOptReal("lr", 0.05, "learning rate of the per-sample SGD updates", &lr, NULL));
  PetscCall(PhynnOptInt("epochs", 100, "passes over the five samples (t = 0, 0.25, 0.5, 0.75, 1 in this order)", &epochs, NULL));
  PetscCall(PhynnOptReal("w0", 0.49671415, "initial weight (the notebook's)", &w0, NULL));
  PetscCall(PhynnOptReal("b0", -0.1382643, "initial bias (the notebook's)", &b0, NULL));
  PetscCall(PhynnOptBool("random_init", PETSC_FALSE, "start from w, b ~ N(0, 1) drawn from -seed (a ReLU unit may then start dead)", &random_init, NULL));
  PetscCall(PhynnOptInt("seed", 0, "seed of -random_init", &seed, NULL));
  PetscCall(PhynnOptString("o", "", "write the trained unit as a model file (NetCDF; optional)", out, sizeof(out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print only the results", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(lr > 0, comm, PHYNN_ERR_INPUT, "option -lr: %g is not positive; the tutorial uses -lr 0.05", lr);
  PetscCheck(epochs >= 0, comm, PHYNN_ERR_INPUT, "option -epochs: %ld is negative; give the number of passes, e.g. -epochs 100", epochs);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  if (out[0]) PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp() || PhynnRank(comm) != 0) PetscFunctionReturn(0); /* a serial algorithm: rank 0 runs it */

  double w = w0, b = b0, l, yhat, *history, *theta;
  long   e, dead_at = -1;
  if (random_init) {
    w = PhynnNormal((uint64_t)seed, STREAM_INIT, 0);
    b = PhynnNormal((uint64_t)seed, STREAM_INIT, 1);
  }
  {
    const char in_names[1][32] = {"t"};
    PetscCall(UnitCreate("linreg", 1, in_names, "v", PHYNN_ACT_RELU, lr, &u));
  }
  PetscCall(UnitSetWeights(&u, &w, b));
  PetscCall(PhynnGraphParameters(u.g, &theta, NULL, NULL));
  PetscCall(PetscMalloc1(3 * (epochs + 1), &history));
  if (!quiet) PetscCall(PhynnPrintf(comm, "start   w %.8f  b %.8f\n", theta[0], theta[1]));
  double t0 = PhynnTime();
  for (e = 0; e < epochs; e++) {
    if (ReluDead(tt, 5, theta[0], theta[1])) {
      dead_at = e;
      break;
    }
    double sum = 0;
    for (int i = 0; i < 5; i++) { /* per-sample updates, t = 0, 0.25, ..., 1 in order */
      PetscCall(UnitStep(&u, &tt[i], &vv[i], &l));
      sum += l;
    }
    history[3 * e + 0] = (double)(5 * (e + 1));
    history[3 * e + 1] = PhynnTime() - t0;
    history[3 * e + 2] = sum;
    if (!quiet && (e < 2 || (e + 1) % 10 == 0)) PetscCall(PhynnPrintf(comm, "epoch %3ld  w %.8f  b %.8f  loss %.6e\n", e + 1, theta[0], theta[1], sum));
  }
  if (dead_at < 0 && ReluDead(tt, 5, theta[0], theta[1])) dead_at = e;
  if (dead_at >= 0)
    PetscCall(PhynnWarn(comm, "the ReLU unit died after %ld epoch(s): w t + b <= 0 for every sample with t > 0 (w = %g, b = %g), so w gets no gradient and can never recover; start elsewhere (another -seed, or -w0/-b0)",
                        dead_at, theta[0], theta[1]));
  /* The tutorial's loss (its eq. 4): the sum over the five samples of (v - yhat)^2. */
  double loss = 0;
  for (int i = 0; i < 5; i++) {
    PetscCall(UnitPredict(&u, &tt[i], &vv[i], &yhat, &l));
    loss += l;
  }
  PetscCall(PhynnPrintf(comm, "phynn %s: v = 0.5 t from 5 points, one ReLU unit, %ld epochs of per-sample SGD, lr %g\n", cmd, dead_at >= 0 ? dead_at : epochs, lr));
  PetscCall(PhynnPrintf(comm, "w: %.10g\n", theta[0]));
  PetscCall(PhynnPrintf(comm, "b: %.10g\n", theta[1]));
  PetscCall(PhynnPrintf(comm, "loss: %.10g\n", loss));
  if (out[0]) {
    long       done = dead_at >= 0 ? dead_at : epochs;
    PetscCall(UnitSave(&u, (uint64_t)seed, 5 * done, done, history, out));
    if (!quiet) PetscCall(PhynnPrintf(comm, "wrote %s\n", out));
  }
  PetscCall(PetscFree(history));
  PetscCall(UnitDestroy(&u));
  PetscFunctionReturn(0);
}
