/* phynn train operator: learn the solution operator of a family (FNO, DeepONet, CNN U-Net).
 *
 *   phynn solve heat -bc periodic -method spectral -k 0.01 -nsamples 1100 -o heat_family.nc
 *   mpirun -np 2 phynn train operator -arch fno -data heat_family.nc -input u0 -output u -holdout 100 -o fno.nc
 *
 * Data: a family file (apps/operator_data.h): the input fields (-input, channels) and the output
 * fields at -output_time (last, a time, or all). The last -holdout samples (a count, or a fraction
 * below 1) are never trained on; their relative L2 error is what is reported (the FNO/DeepONet
 * convention: the mean over samples of ||pred - true|| / ||true||).
 *
 * Model: -arch fno|deeponet|cnn (apps/operator_arch.c; -width, -modes, -layers) or a model-spec
 * FILE with one input (cin, H, W) and one output `u` (cout, H, W). The built-ins normalise with
 * the training samples' mean and standard deviation (affine blocks in the spec, so the file
 * carries them and `phynn eval` gives physical values).
 *
 * MPI: global minibatches of -batch samples drawn by the trainer (the same batches on any rank
 * count), each rank computing its contiguous share, one allreduce per step. The loss is the mean
 * square error over the batch's output values. Adam (-lr 1e-3) with an exponential decay to
 * 1/100 of the rate over the run unless -lr_schedule is given; every trainer option works
 * (-checkpoint, -resume, -loss_log, -max_it, ...). */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "operator_arch.h"
#include "phynn/operator_data.h"
#include "phynn/operator_eval.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/trainer.h"

typedef struct {
  const PhynnOperatorData *d;
  const long              *train; /* training index -> sample of the family */
  PhynnGraph               g;
  int                      x, y;
  double                  *xb, *yb;
} OpCtx;

static PetscErrorCode OpBatch(void *ctx, long count, const long *rows)
{
  OpCtx     *a = (OpCtx *)ctx;
  const long Fi = a->d->cin * a->d->H * a->d->W, Fo = a->d->cout * a->d->H * a->d->W;
  PetscFunctionBegin;
  for (long r = 0; r < count; r++) {
    long s = a->train[rows[r]];
    PetscCall(PetscArraycpy(a->xb + r * Fi, a->d->in + s * Fi, Fi));
    PetscCall(PetscArraycpy(a->yb + r * Fo, a->d->out + s * Fo, Fo));
  }
  PetscCall(PhynnGraphSetInput(a->g, a->x, count, a->xb));
  PetscCall(PhynnGraphSetInput(a->g, a->y, count, a->yb));
  PetscFunctionReturn(0);
}

/* Mean and standard deviation of n values (for the built-ins' normalisation). */
static void Moments(long n, const double *v, double *mean, double *std)
{
  double s = 0, q = 0;
  for (long i = 0; i < n; i++) s += v[i];
  s /= (double)n;
  for (long i = 0; i < n; i++) q += (v[i] - s) * (v[i] - s);
  *mean = s;
  *std  = q > 0 ? sqrt(q / (double)n) : 1.0;
}

PetscErrorCode PhynnCmdTrainOperator(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char           *cmd = "train operator";
  char                  data[PETSC_MAX_PATH_LEN], arch[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], input[256], output[256], otime[64];
  char                  inames[PHYNN_OPERATOR_MAX_VARS][64], onames[PHYNN_OPERATOR_MAX_VARS][64];
  int                   nin = 0, nout = 0, L = -1;
  long                  seed, batch, epochs, width, modes, layers, ntrain, nheld, *train = NULL, *held = NULL;
  double                holdout;
  PetscBool             width_set, layers_set, isfile = PETSC_FALSE, profile;
  PhynnGraph            g = NULL;
  PhynnTrainer          t = NULL;
  PhynnModel            m = NULL;
  PhynnOperatorData     d;
  PhynnOperatorArchOpts ao;
  OpCtx                 a = {0};

  PetscFunctionBegin;
  PetscCall(PhynnOptString("data", NULL, "the family file (phynn solve heat|nls|heat2d -nsamples N) (required)", data, sizeof(data), NULL));
  PetscCall(PhynnOptString("input", "u0", "input variables of the family, comma-separated (channels), e.g. h0_re,h0_im", input, sizeof(input), NULL));
  PetscCall(PhynnOptString("output", "u", "output variables, comma-separated (channels), e.g. h_re,h_im", output, sizeof(output), NULL));
  PetscCall(PhynnOptString("output_time", "last", "the output's time: last, a time of the file, all (every time a channel), or next (one time step: u(t_j) -> u(t_j+1) of the -output variables, for rollouts)", otime, sizeof(otime), NULL));
  PetscCall(PhynnOptString("arch", "fno", "architecture: fno, deeponet, cnn, or a model-spec FILE (one input, one output u)", arch, sizeof(arch), NULL));
  PetscCall(PhynnOptInt("width", 32, "fno: channels of the Fourier layers; deeponet: width of both nets and p (default 128); cnn: channels of the first level (default 16)", &width, &width_set));
  PetscCall(PhynnOptInt("modes", 16, "fno: rfft bins kept per Fourier layer (bins 0..modes-1; in 2-D along both axes)", &modes, NULL));
  PetscCall(PhynnOptInt("layers", 4, "fno: Fourier layers; deeponet: hidden layers of each net (default 3); cnn: levels of the U-Net (default: halve the grid down to 8 points, 5 for 256)", &layers, &layers_set));
  PetscCall(PhynnOptReal("holdout", 0.1, "held-out samples, the last of the file: a count (>= 1) or a fraction (< 1)", &holdout, NULL));
  PetscCall(PhynnOptInt("seed", 0, "seed of the initial weights and the minibatch shuffles", &seed, NULL));
  PetscCall(PhynnOptInt("batch", 20, "samples per global minibatch (0: all training samples)", &batch, NULL));
  PetscCall(PhynnOptInt("epochs", 100, "passes over the training samples (sets the default of -max_it); unless -lr_schedule is given, the rate decays exponentially to 1/100 of -lr over them", &epochs, NULL));
  PetscCall(PhynnOptString("o", "operator.nc", "output model file (NetCDF)", out, sizeof(out), NULL));
  PetscCall(PhynnOptBool("profile", PETSC_FALSE, "time every operation of the training graph and print seconds per step per op type at the end (rank 0)", &profile, NULL));

  PetscCall(PhynnGraphCreate(comm, &g));
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) {
    PetscCall(PhynnTrainerCreate(comm, g, &t));
    PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, 0, 1e-3, 0));
    PetscCall(PhynnTrainerSetFromOptions(t));
    if (mode == PHYNN_OPTIONS_READ) PetscCall(PhynnOptionsCheckUnused(comm));
    PetscCall(PhynnTrainerDestroy(&t));
    PetscCall(PhynnGraphDestroy(&g));
    PetscFunctionReturn(0);
  }

  /* ---- options, then the data ---- */
  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(data[0], comm, PHYNN_ERR_INPUT, "no family given; pass -data FILE.nc (phynn solve heat -bc periodic -nsamples N writes one)");
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCheck(batch >= 0, comm, PHYNN_ERR_INPUT, "option -batch: %ld is negative; give 0 (all training samples) or the samples per minibatch", batch);
  PetscCheck(epochs >= 1, comm, PHYNN_ERR_INPUT, "option -epochs: %ld; give at least 1", epochs);
  PetscCheck(holdout >= 0, comm, PHYNN_ERR_INPUT, "option -holdout: %g is negative; give a count of samples or a fraction below 1", holdout);
  if (strcmp(arch, "fno") && strcmp(arch, "deeponet") && strcmp(arch, "cnn")) PetscCall(PetscTestFile(arch, 'r', &isfile));
  PetscCheck(isfile || !strcmp(arch, "fno") || !strcmp(arch, "deeponet") || !strcmp(arch, "cnn"), comm, PHYNN_ERR_INPUT, "option -arch: '%s' is neither fno, deeponet, cnn nor a readable model-spec file", arch);
  if (!width_set) width = !strcmp(arch, "deeponet") ? 128 : !strcmp(arch, "cnn") ? 16 : 32;
  if (!layers_set) layers = !strcmp(arch, "fno") ? 4 : 3; /* cnn: from the grid, below */
  PetscCheck(width >= 1 && layers >= 1 && modes >= 1, comm, PHYNN_ERR_INPUT, "options -width %ld, -layers %ld, -modes %ld: each must be at least 1", width, layers, modes);
  PetscCall(PhynnOperatorParseNames(comm, "input", input, &nin, inames));
  PetscCall(PhynnOperatorParseNames(comm, "output", output, &nout, onames));
  PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnOperatorDataLoad(comm, data, nin, inames, nout, onames, otime, &d));
  /* a U-Net whose bottom level spans the domain: the heat map at t = 1 smooths over ~36 of 256
   * points, and 3 levels (bottom 32 points) learned it to 6.8e-2, 5 levels (bottom 8) to 1.1e-2 */
  if (!layers_set && !strcmp(arch, "cnn")) layers = PhynnOperatorCnnLevels(&d);
  /* whole trajectories are held out (-output_time next: all the pairs of the last ones) */
  nheld = (holdout >= 1 ? (long)holdout : (long)floor(holdout * (double)d.ntraj + 0.5)) * d.steps;
  PetscCheck(holdout < 1 || holdout == floor(holdout), comm, PHYNN_ERR_INPUT, "option -holdout: %g is neither a whole count nor a fraction below 1", holdout);
  ntrain = d.nsamples - nheld;
  PetscCheck(ntrain >= 1, comm, PHYNN_ERR_INPUT, "option -holdout: holding out %ld leaves none of the %ld samples of %s to train on", nheld / d.steps, d.ntraj, data);
  if (batch == 0) batch = ntrain;
  PetscCheck(batch <= ntrain, comm, PHYNN_ERR_INPUT, "option -batch: %ld samples per batch, but only %ld of the %ld samples are for training; give at most %ld", batch, ntrain, d.nsamples, ntrain);
  PetscCheck(batch >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -batch: %ld samples cannot be shared by %d ranks; give at least one sample per rank", batch, PhynnSize(comm));
  PetscCall(PetscMalloc2(ntrain, &train, nheld + 1, &held));
  for (long s = 0; s < d.nsamples; s++) {
    if (s < ntrain) train[s] = s;
    else held[s - ntrain] = s;
  }

  /* ---- the model ---- */
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetProblem(m, "operator"));
  if (isfile) PetscCall(PhynnModelSetSpecFromFile(m, arch));
  else {
    PhynnText      spec = {NULL, 0, 0};
    const long     HW   = d.H * d.W;
    PetscErrorCode ierr;
    ao.width = width, ao.modes = modes, ao.layers = layers;
    Moments(ntrain * d.cin * HW, d.in, &ao.in_mean, &ao.in_std);
    Moments(ntrain * d.cout * HW, d.out, &ao.out_mean, &ao.out_std);
    PetscCall(PetscStrncpy(ao.ref, onames[0], sizeof(ao.ref)));
    ierr = PhynnOperatorArch(comm, arch, &d, &ao, &spec);
    if (!ierr) ierr = PhynnModelSetSpec(m, spec.s, "-arch");
    PetscCall(PhynnTextFree(&spec));
    PetscCall(ierr);
  }
  PetscCall(PhynnOperatorCheckModel(comm, m, arch, &d));

  /* ---- the graph and the trainer ---- */
  {
    const long    din[4] = {0, d.cin, d.H, d.W}, dout[4] = {0, d.cout, d.H, d.W};
    PhynnInitSpec init   = {PHYNN_INIT_XAVIER_NORMAL, 0, 0};
    long          s, c, steps = (ntrain + batch - 1) / batch;
    int           y;
    PetscBool     sched;
    PetscCall(PhynnModelSetUp(m, g, &init));
    PetscCall(PhynnGraphInputND(g, "u0", 4, din, &a.x));
    PetscCall(PhynnModelApply(m, g, &a.x, NULL, &y));
    PetscCall(PhynnGraphInputND(g, "target", 4, dout, &a.y));
    PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, y, a.y, &L));
    PetscCall(PhynnGraphSetName(g, L, "mse"));
    a.d = &d, a.train = train, a.g = g;
    PhynnSplitRange(batch, PhynnRank(comm), PhynnSize(comm), &s, &c);
    PetscCall(PetscMalloc2(c * d.cin * d.H * d.W + 1, &a.xb, c * d.cout * d.H * d.W + 1, &a.yb));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-lr_schedule", &sched));
    if (!sched) { /* anneal: lr0 0.01^(it / all steps) */
      char v[32];
      PetscCall(PetscOptionsSetValue(NULL, "-lr_schedule", "exponential"));
      PetscCall(PetscOptionsSetValue(NULL, "-lr_decay", "0.01"));
      PetscCall(PetscSNPrintf(v, sizeof(v), "%ld", PetscMax(1, epochs * steps)));
      PetscCall(PetscOptionsSetValue(NULL, "-lr_decay_steps", v));
    }
    PetscCall(PhynnTrainerCreate(comm, g, &t));
    PetscCall(PhynnTrainerAddBatchTerm(t, "mse", L, 1.0, d.cout * d.H * d.W));
    PetscCall(PhynnTrainerSetMinibatch(t, ntrain, batch, (uint64_t)seed, OpBatch, &a));
    PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, epochs * steps, 1e-3, 0));
    PetscCall(PhynnTrainerSetFromOptions(t));
    PetscCall(PhynnTrainerSetUp(t));
    PetscCall(PhynnOptionsCheckUnused(comm));
    {
      long nparams;
      PetscCall(PhynnModelGetParameterCount(m, &nparams));
      PetscCall(PhynnPrintf(comm, "phynn train operator: %s on %s\n  samples: %ld (train %ld, held out %ld)%s, %ld -> %ld channel(s) on %ld x %ld points\n  parameters: %ld\n  steps_per_epoch: %ld\n", arch, data, d.nsamples, ntrain,
                            nheld, d.steps > 1 ? " one-step pairs" : "", d.cin, d.cout, d.H, d.W, nparams, steps));
    }
  }

  /* ---- run ---- */
  {
    long            iterations, nsteps;
    double          final_loss, seconds;
    PhynnOperatorErr etrain, eheld;
    PetscCall(PhynnTrainerInitParameters(t, (uint64_t)seed));
    PetscCall(PhynnTrainerSetModel(t, m));
    if (profile) PetscCall(PhynnGraphSetProfiling(g, PETSC_TRUE));
    PetscCall(PhynnTrainerTrain(t));
    PetscCall(PhynnTrainerGetResult(t, &iterations, &final_loss, &seconds));
    if (PhynnTrainerStoppedBySignal(t)) goto cleanup;
    PetscCall(PhynnModelGetWeights(m, g));
    PetscCall(PhynnOperatorError(comm, m, &d, ntrain, train, &etrain));
    if (nheld) PetscCall(PhynnOperatorError(comm, m, &d, nheld, held, &eheld));
    {
      PhynnRecord rec;
      char        v[64];
      /* validate reads which samples were held out and what the data were from these */
      PetscCall(PetscSNPrintf(v, sizeof(v), "%ld", nheld / d.steps)); /* trajectories */
      PetscCall(PetscOptionsSetValue(NULL, "-holdout", v));
      PetscCall(PetscOptionsSetValue(NULL, "-input", input));
      PetscCall(PetscOptionsSetValue(NULL, "-output", output));
      if (!strcmp(otime, "last") && d.ntimes == 1) PetscCall(PetscSNPrintf(otime, sizeof(otime), "%.17g", d.times[0])); /* the time itself: "last" of another file is another time */
      PetscCall(PetscOptionsSetValue(NULL, "-output_time", otime));
      PhynnRecordInit(&rec);
      PetscCall(PhynnTrainerStoreInModel(t, m, &rec));
      PetscErrorCode ierr = PhynnRank(comm) == 0 ? PhynnModelSave(m, &rec, out) : 0;
      PetscCall(PhynnRecordReset(&rec));
      PetscCall(ierr);
    }
    PetscCall(PhynnTrainerGetMinibatch(t, NULL, NULL, &nsteps));
    for (int k = 0; profile && k < PhynnGraphOpTypeCount(); k++) {
      double f, b;
      PetscCall(PhynnGraphGetOpSeconds(g, k, &f, &b));
      if (f + b > 0) PetscCall(PhynnPrintf(comm, "op_%s_seconds_per_step: forward %.5f backward %.5f\n", PhynnGraphOpTypeName(k), f / (double)PetscMax(1, iterations), b / (double)PetscMax(1, iterations)));
    }
    PetscCall(PhynnPrintf(comm, "final_loss: %.17g\niterations: %ld\n", final_loss, iterations));
    PetscCall(PhynnPrintf(comm, "train_rel_l2: %.6e\n", etrain.mean));
    if (nheld) PetscCall(PhynnPrintf(comm, "heldout_rel_l2: %.6e\nheldout_rel_l2_median: %.6e\nheldout_rel_l2_worst: %.6e\n", eheld.mean, eheld.median, eheld.worst));
    PetscCall(PhynnPrintf(comm, "seconds: %.3f\nseconds_per_epoch: %.4f\nwrote %s\n", seconds, iterations ? seconds * (double)nsteps / (double)iterations : 0.0, out));
  }

cleanup:
  PetscCall(PetscFree2(a.xb, a.yb));
  PetscCall(PetscFree2(train, held));
  PetscCall(PhynnOperatorDataFree(&d));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}
