/* `phynn train pendulum-g`: recover g from theta(t) samples of the small-angle pendulum
 * (tutorial Example 1, 000_8b233c082c8014a5.txt section III.1).
 *
 * The model of the data is theta'(t) = theta0 cos(sqrt(g'/l) t), and the loss is the tutorial's
 * equation (26), L = (1/M) sum_i (data_i - theta'(t_i))^2. Two forms of g':
 *   -mode scalar:  g' is one trainable number (starting at -g0);
 *   -mode network: g' = NN(t) as in the tutorial's notebook: a small network of t whose output
 *                  goes through softplus (kept positive) and a penalty -w_const * mean((g' -
 *                  mean g')^2) pushes it to be constant; the estimate is the mean of g'(t_i).
 * The data come from a reference file (phynn solve pendulum -linear; theta0 = theta(0)), in the
 * window t <= -t_max, with optional Gaussian noise of standard deviation -noise (rad).
 *
 * The loss in g has false minima: theta0 cos(w t) with w = sqrt(g/l) matches the data again
 * whenever w t_max sweeps whole extra periods, so over a window of several periods a start far
 * from the truth lands in a wrong minimum. The default window (3 s with l = 10, about half a
 * period) and start (g0 = 5) keep the loss convex along the path. With noise, -refits K repeats
 * the fit on K independent noise draws and reports mean and standard deviation. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/mlp.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/random.h"
#include "phynn/trainer.h"

static const char *const mode_names[] = {"scalar", "network", NULL};

typedef struct {
  char   data[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN];
  int    mode;
  double l, t_max, noise, g0, w_const;
  long   refits, seed, sizes[PHYNN_MLP_MAX_LAYERS + 1];
  int    nsizes;
  double theta0;
  long   n;         /* data points in the window (global) */
  double *t, *theta; /* all of them (every rank reads the small file) */
} GOptions;

/* The model that is fitted, as a spec: theta'(t) = theta0 cos(sqrt(g'/l) t) (the `pendulum`
 * block) with g' a `param` (scalar mode) or an mlp of t scaled to [-1, 1] over the window whose
 * output goes through softplus (network mode). Its one output theta is compared with the
 * reference's theta by phynn validate. */
static PetscErrorCode ModelSpec(const GOptions *o, PhynnText *t)
{
  PetscFunctionBegin;
  if (o->mode == 0) PetscCall(PhynnTextAppend(t, "input t dims=1 names=t\nparam g dims=1 init=constant:%.17g\n", o->g0));
  else {
    PetscCall(PhynnTextAppend(t, "input t dims=1 names=t lb=0 ub=%.17g\nmlp g(t)", o->t_max));
    PetscCall(PhynnTextAppendInts(t, "sizes", o->nsizes, o->sizes));
    PetscCall(PhynnTextAppend(t, " act=tanh out=softplus bias=1\n"));
  }
  PetscCall(PhynnTextAppend(t, "pendulum theta(g,t) theta0=%.17g l=%.17g\noutput theta names=theta ref=theta\n", o->theta0, o->l));
  PetscFunctionReturn(0);
}

/* One fit on noise draw `draw`: returns the estimate of g, and (model_out, rec_out may be NULL)
 * the trained model with its training record. */
static PetscErrorCode FitOnce(MPI_Comm comm, GOptions *o, long draw, double *g_est, PhynnModel *model_out, PhynnRecord *rec_out)
{
  PhynnGraph   g;
  PhynnTrainer tr;
  PhynnModel   m;
  PhynnText    spec = {NULL, 0, 0};
  int          T, D, gnode, pred, loss;
  long         start, count;
  double      *noisy;
  PetscFunctionBegin;
  PhynnSplitRange(o->n, PhynnRank(comm), PhynnSize(comm), &start, &count);
  PetscCall(PetscMalloc1(count + 1, &noisy));
  for (long i = 0; i < count; i++) noisy[i] = o->theta[start + i] + (o->noise > 0 ? o->noise * PhynnNormal((uint64_t)o->seed, PHYNN_STREAM_NOISE + (uint64_t)draw, (uint64_t)(start + i)) : 0.0);
  PetscCall(ModelSpec(o, &spec));
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetProblem(m, "pendulum-g"));
  PetscErrorCode ierr = PhynnModelSetSpec(m, spec.s, "train pendulum-g");
  PetscCall(PhynnTextFree(&spec));
  PetscCall(ierr);
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnGraphInput(g, "t", 1, &T));
  PetscCall(PhynnGraphInput(g, "theta", 1, &D));
  PetscCall(PhynnModelSetUp(m, g, NULL));
  PetscCall(PhynnModelApply(m, g, &T, NULL, &pred));
  if (o->mode == 0) PetscCall(PhynnModelGetParamNode(m, g, "g", &gnode));
  else PetscCall(PhynnModelGetBlockNode(m, g, "g", &gnode));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, pred, D, &loss));
  PetscCall(PhynnTrainerCreate(comm, g, &tr));
  PetscCall(PhynnTrainerAddTerm(tr, "data", loss, 1.0, count));
  if (o->mode == 1) { /* constancy penalty: mean over this rank's points of (g' - mean g')^2 */
    int mean, dev, pen;
    PetscCall(PhynnGraphMean(g, gnode, &mean));
    PetscCall(PhynnGraphSub(g, gnode, mean, &dev));
    PetscCall(PhynnGraphMeanSquare(g, dev, &pen));
    PetscCall(PhynnTrainerAddTerm(tr, "const", pen, o->w_const, count));
  }
  PetscCall(PhynnTrainerSetDefaults(tr, PHYNN_OPTIM_ADAM, o->mode == 0 ? 2000 : 5000, o->mode == 0 ? 5e-2 : 1e-3, 200));
  PhynnOptionsSetHelpQuiet(PETSC_TRUE);
  PetscCall(PhynnTrainerSetFromOptions(tr));
  PhynnOptionsSetHelpQuiet(PETSC_FALSE);
  PetscCall(PhynnTrainerSetUp(tr));
  PetscCall(PhynnTrainerInitParameters(tr, (uint64_t)o->seed));
  if (o->mode == 1) { /* start the output near g0: softplus^-1(g0) as the last bias */
    double *theta;
    long    off, sz;
    char    last[40];
    int     node;
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PetscSNPrintf(last, sizeof(last), "g.b%d", o->nsizes - 1));
    PetscCall(PhynnModelGetParamNode(m, g, last, &node));
    PetscCall(PhynnGraphParamSlice(g, node, &off, &sz));
    theta[off] = log(expm1(o->g0));
  }
  PetscCall(PhynnGraphSetInput(g, T, count, o->t + start));
  PetscCall(PhynnGraphSetInput(g, D, count, noisy));
  PetscCall(PhynnTrainerTrain(tr));
  /* the estimate: g itself, or the global mean of g'(t_i) */
  PetscCall(PhynnGraphForward(g, gnode));
  {
    const double *v;
    double        local = 0;
    if (o->mode == 0) {
      PetscCall(PhynnGraphValue(g, gnode, &v, NULL));
      *g_est = v[0];
    } else {
      PetscCall(PhynnGraphValue(g, gnode, &v, NULL));
      for (long i = 0; i < count; i++) local += v[i];
      PetscCallMPI(MPI_Allreduce(&local, g_est, 1, MPI_DOUBLE, MPI_SUM, comm));
      *g_est /= (double)o->n;
    }
  }
  if (model_out) {
    PetscCall(PhynnTrainerStoreInModel(tr, m, rec_out));
    *model_out = m;
    m          = NULL;
  }
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnTrainerDestroy(&tr));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PetscFree(noisy));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdTrainPendulumG(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  GOptions  o;
  PetscBool have_out;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(&o, sizeof(o)));
  PetscCall(PhynnOptString("data", "", "reference file from 'phynn solve pendulum -linear' (t, theta)", o.data, sizeof(o.data), NULL));
  PetscCall(PhynnOptChoice("mode", mode_names, "scalar", "g' as one trainable number, or as a network of t pushed to be constant", &o.mode, NULL));
  PetscCall(PhynnOptReal("l", 10.0, "pendulum length (m), known", &o.l, NULL));
  PetscCall(PhynnOptReal("t_max", 3.0, "use data with t <= t_max (s)", &o.t_max, NULL));
  PetscCall(PhynnOptReal("noise", 0.0, "standard deviation of Gaussian noise added to theta (rad)", &o.noise, NULL));
  PetscCall(PhynnOptReal("g0", 5.0, "starting value of g' (m s-2)", &o.g0, NULL));
  PetscCall(PhynnOptReal("w_const", 1.0, "weight of the constancy penalty (network mode)", &o.w_const, NULL));
  PetscCall(PhynnOptInt("refits", 1, "fits on independent noise draws (mean and standard deviation reported)", &o.refits, NULL));
  PetscCall(PhynnOptInt("seed", 1234, "random seed: noise and weights", &o.seed, NULL));
  PetscCall(PhynnOptIntList("layers", "1,16,16,1", "network layers (network mode)", o.sizes, PHYNN_MLP_MAX_LAYERS + 1, &o.nsizes, NULL));
  PetscCall(PhynnOptString("o", "", "model file: theta(t) = theta0 cos(sqrt(g/l) t) with the fitted g (or g'(t)), first fit", o.out, sizeof(o.out), &have_out));
  { /* the trainer's options, read (and listed by -help) once here; each fit re-reads them */
    PhynnGraph   g;
    PhynnTrainer tr;
    PetscCall(PhynnGraphCreate(comm, &g));
    PetscCall(PhynnTrainerCreate(comm, g, &tr));
    PetscCall(PhynnTrainerSetDefaults(tr, PHYNN_OPTIM_ADAM, o.mode == 0 ? 2000 : 5000, o.mode == 0 ? 5e-2 : 1e-3, 200));
    PetscCall(PhynnTrainerSetFromOptions(tr));
    PetscCall(PhynnTrainerDestroy(&tr));
    PetscCall(PhynnGraphDestroy(&g));
  }
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);
  if (PhynnOptionsHelp()) {
    PetscCall(PhynnOptionsCheckUnused(comm));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnCommandCheckArgs(comm, "train pendulum-g", "", nargs, 0, 0));
  (void)args;
  PetscCheck(o.data[0], comm, PHYNN_ERR_INPUT, "no data: give -data FILE.nc from 'phynn solve pendulum -linear -l 10 -tf 3 -o FILE.nc'");
  PetscCheck(o.l > 0, comm, PHYNN_ERR_INPUT, "option -l: %g is not positive", o.l);
  PetscCheck(o.t_max > 0, comm, PHYNN_ERR_INPUT, "option -t_max: %g is not positive", o.t_max);
  PetscCheck(o.noise >= 0, comm, PHYNN_ERR_INPUT, "option -noise: %g is negative", o.noise);
  PetscCheck(o.g0 > 0, comm, PHYNN_ERR_INPUT, "option -g0: %g is not positive", o.g0);
  PetscCheck(o.refits >= 1, comm, PHYNN_ERR_INPUT, "option -refits: %ld must be >= 1", o.refits);
  if (have_out) PetscCall(PhynnNcCheckWritable(comm, o.out));
  PetscCheck(o.mode == 0 || (o.nsizes >= 2 && o.sizes[0] == 1 && o.sizes[o.nsizes - 1] == 1), comm, PHYNN_ERR_INPUT, "option -layers: g'(t) needs 1 input and 1 output, e.g. -layers 1,16,16,1");
  {
    int     ncid;
    size_t  nt, nth, n = 0;
    double *t, *theta;
    PetscCall(PhynnNcOpen(o.data, &ncid));
    PetscCall(PhynnNcReadDoubles(ncid, o.data, "t", &t, &nt));
    PetscCall(PhynnNcReadDoubles(ncid, o.data, "theta", &theta, &nth));
    nc_close(ncid);
    PetscCheck(nt == nth && nt >= 2, comm, PHYNN_ERR_INPUT, "%s: expected one trajectory theta(t) with at least 2 times; write it with phynn solve pendulum -linear", o.data);
    PetscCheck(t[0] == 0.0, comm, PHYNN_ERR_INPUT, "%s: the data must start at t = 0 (theta0 = theta(0) is taken from it)", o.data);
    o.theta0 = theta[0];
    while (n < nt && t[n] <= o.t_max + 1e-12) n++;
    o.n     = (long)n;
    o.t     = t;
    o.theta = theta;
  }
  PetscCall(PhynnOptionsCheckUnused(comm));
  {
    double     sum = 0, sum2 = 0, est;
    PhynnModel  m = NULL;
    PhynnRecord rec;
    PhynnRecordInit(&rec);
    for (long r = 0; r < o.refits; r++) {
      PetscCall(FitOnce(comm, &o, r, &est, r == 0 ? &m : NULL, &rec));
      sum += est;
      sum2 += est * est;
      if (o.refits > 1) PetscCall(PhynnPrintf(comm, "refit %ld: g = %.6f\n", r + 1, est));
    }
    double mean = sum / (double)o.refits, var = o.refits > 1 ? (sum2 - (double)o.refits * mean * mean) / (double)(o.refits - 1) : 0.0;
    PetscCall(PhynnPrintf(comm, "points: %ld (t <= %g s)\ntheta0: %.6f\n", o.n, o.t_max, o.theta0));
    if (o.refits > 1) PetscCall(PhynnPrintf(comm, "g: %.6f +- %.6f (mean and standard deviation over %ld noise draws)\n", mean, sqrt(var > 0 ? var : 0), o.refits));
    else PetscCall(PhynnPrintf(comm, "g: %.6f\n", mean));
    if (have_out && PhynnRank(comm) == 0) PetscCall(PhynnModelSave(m, &rec, o.out));
    PetscCall(PhynnModelDestroy(&m));
    PetscCall(PhynnRecordReset(&rec));
  }
  PetscCall(PetscFree(o.t));
  PetscCall(PetscFree(o.theta));
  PetscFunctionReturn(0);
}
