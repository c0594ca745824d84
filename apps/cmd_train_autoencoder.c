/* phynn train autoencoder: learn a latent coordinate of image frames (tutorial Example 3).
 *
 *   mpirun -np 2 phynn train autoencoder -data frames.nc -latent 1 -holdout 0.7 -epochs 300 -o ae.nc
 *
 * Data: any file in the image-dataset layout (docs/image-data.md); -var names the frames.
 * Held-out frames (PhynnHoldoutSplit: -holdout FRACTION, drawn from -seed) are never trained on;
 * their error is what is reported. The model is a spec (apps/autoencoder_arch.c: -arch spatial
 * (default) or conv, or -arch FILE for your own) with outputs `code` and `recon`.
 *
 * MPI: a global minibatch of -batch frames, drawn by the trainer as a counter-based shuffle of the
 * training frames (the same batches on any rank count), each rank computing its contiguous share
 * and one allreduce summing the gradient. A rank reads a frame from the file the first time one of
 * its shares holds it and keeps it (ranks read only the frames they compute with).
 *
 * -denoise salt:P replaces each input pixel with probability P by a uniform random value in
 * [0, 1] (the paper's definition), gauss:S adds N(0, S^2) noise (the notebook's); the target stays
 * the clean frame. The noise is a pure function of (seed, epoch, frame, pixel), so it is the same
 * on any rank count and after a resume. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoencoder_arch.h"
#include "image_model_error.h"
#include "commands.h"
#include "phynn/imageset.h"
#include "phynn/noise.h"
#include "phynn/modelfile.h"
#include "phynn/random.h"
#include "phynn/trainer.h"

typedef struct {
  PhynnImageSet *set;
  PhynnGraph     g;
  int            x, target;
  long           F;          /* values per frame */
  long          *train;      /* global training index -> frame of the file */
  long           ntrain;
  double       **cache;      /* frame of the file -> its values, read on first use */
  double        *xb, *yb;    /* this rank's share of the batch: inputs (noisy) and targets */
  long           count, *rows;
  PhynnNoise     noise;
  uint64_t       seed;
  long           steps;      /* per epoch */
  PhynnModel     m;
  PhynnLoss      loss;
} AECtx;

static PetscErrorCode Frame(AECtx *a, long file_index, const double **v)
{
  PetscFunctionBegin;
  if (!a->cache[file_index]) {
    PetscCall(PetscMalloc1(a->F, &a->cache[file_index]));
    PetscCall(PhynnImageSetRead(a->set, a->set->var, file_index, 1, a->cache[file_index]));
  }
  *v = a->cache[file_index];
  PetscFunctionReturn(0);
}

/* The batch function records which training frames this rank computes; Prepare (called next,
 * with the iteration) fills the inputs, because the noise depends on the epoch. */
static PetscErrorCode AEBatch(void *ctx, long count, const long *rows)
{
  AECtx *a = (AECtx *)ctx;
  PetscFunctionBegin;
  a->count = count;
  PetscCall(PetscArraycpy(a->rows, rows, count));
  PetscFunctionReturn(0);
}

static PetscErrorCode AEPrepare(void *ctx, long iteration)
{
  AECtx   *a     = (AECtx *)ctx;
  uint64_t epoch = a->steps > 0 ? (uint64_t)(iteration / a->steps) : 0;
  PetscFunctionBegin;
  for (long r = 0; r < a->count; r++) {
    const double *v = NULL;
    long          f = a->train[a->rows[r]];
    PetscCall(Frame(a, f, &v));
    PetscCall(PetscArraycpy(a->yb + r * a->F, v, a->F));
    PetscCall(PetscArraycpy(a->xb + r * a->F, v, a->F));
    PhynnApplyNoise(a->noise.kind, a->noise.level, a->seed, PHYNN_STREAM_DENOISE, (epoch * (uint64_t)a->set->nsamples + (uint64_t)f) * (uint64_t)a->F, a->F, a->xb + r * a->F);
  }
  PetscCall(PhynnGraphSetInput(a->g, a->x, a->count, a->xb));
  PetscCall(PhynnGraphSetInput(a->g, a->target, a->count, a->yb));
  PetscFunctionReturn(0);
}

/* The training graph in g: frames -> model -> loss against the clean frames (*L); a->x and
 * a->target receive the input nodes. */
static PetscErrorCode AEGraph(AECtx *a, PhynnGraph g, int *L)
{
  const long    dims[4] = {0, a->set->C, a->set->H, a->set->W};
  PhynnInitSpec init    = {PHYNN_INIT_XAVIER_NORMAL, 0, 0};
  int           outs[2];
  PetscFunctionBegin;
  a->g = g;
  PetscCall(PhynnModelSetUp(a->m, g, &init));
  PetscCall(PhynnGraphInputND(g, "frames", 4, dims, &a->x));
  PetscCall(PhynnModelApply(a->m, g, &a->x, NULL, outs));
  PetscCall(PhynnGraphInputND(g, "target", 4, dims, &a->target));
  PetscCall(PhynnGraphLoss(g, a->loss, outs[1], a->target, L));
  PetscCall(PhynnGraphSetName(g, *L, "recon"));
  PetscFunctionReturn(0);
}

/* A trainer of the autoencoder's loss on graph g: the minibatches and the frames' preparation of
 * ctx a. `prefix` keeps the options of the restarts' trainers (-restart_lr, ...) apart. */
static PetscErrorCode AETrainer(MPI_Comm comm, PhynnGraph g, AECtx *a, int L, long batch, uint64_t seed, const char *prefix, long max_it, long lbfgs_it, PhynnTrainer *t)
{
  PetscFunctionBegin;
  PetscCall(PhynnTrainerCreate(comm, g, t));
  if (prefix) PetscCall(PhynnTrainerSetOptionsPrefix(*t, prefix));
  PetscCall(PhynnTrainerAddBatchTerm(*t, "recon", L, 1.0, a->F));
  PetscCall(PhynnTrainerSetMinibatch(*t, a->ntrain, batch, seed, AEBatch, a));
  PetscCall(PhynnTrainerSetPrepare(*t, AEPrepare, a));
  PetscCall(PhynnTrainerSetDefaults(*t, PHYNN_OPTIM_ADAM, max_it, 2e-3, lbfgs_it));
  PetscCall(PhynnTrainerSetFromOptions(*t));
  PetscFunctionReturn(0);
}

/* Restarts: the rotating-template decoder can settle on a blurred "fan" of frames turned by a
 * fraction of their angles when its first angles vary too little, a local minimum that longer
 * training does not leave. The first few hundred steps tell the good starts from the bad ones by
 * their loss, so -restarts R short runs (-restart_epochs each) from the seeds seed, seed + 1, ...
 * pick the initialisation the full training starts from: *best_seed. */
static PetscErrorCode ChooseStart(MPI_Comm comm, AECtx *a, long batch, uint64_t seed, long restarts, long epochs, uint64_t *best_seed)
{
  double best = INFINITY;
  PetscFunctionBegin;
  *best_seed = seed;
  if (restarts <= 1) PetscFunctionReturn(0);
  for (long r = 0; r < restarts; r++) {
    PhynnTrainer tr;
    PhynnGraph   gr;
    AECtx        ar = *a; /* the same frames and buffers, its own graph (a trainer adds its loss node to its graph) */
    long         it;
    double       loss, sec;
    int          Lr;
    PetscCall(PhynnGraphCreate(comm, &gr));
    PetscCall(AEGraph(&ar, gr, &Lr));
    PetscCall(AETrainer(comm, gr, &ar, Lr, batch, seed + (uint64_t)r, "restart_", epochs * a->steps, 0, &tr));
    PetscCall(PhynnTrainerSetUp(tr));
    PetscCall(PhynnTrainerInitParameters(tr, seed + (uint64_t)r));
    PetscCall(PhynnTrainerTrain(tr));
    PetscCall(PhynnTrainerGetResult(tr, &it, &loss, &sec));
    PetscCall(PhynnTrainerDestroy(&tr));
    PetscCall(PhynnModelRelease(a->m, gr));
    PetscCall(PhynnGraphDestroy(&gr));
    PetscCall(PhynnPrintf(comm, "restart %ld: seed %llu, loss %.6e after %ld steps (%.1f s)\n", r + 1, (unsigned long long)(seed + (uint64_t)r), loss, it, sec));
    if (loss < best) {
      best       = loss;
      *best_seed = seed + (uint64_t)r;
    }
  }
  PetscCall(PhynnPrintf(comm, "start: seed %llu\n", (unsigned long long)*best_seed));
  PetscFunctionReturn(0);
}

/* The spatial decoder's geometry: the pixel aspect |dy/dx| from the file's coordinates (1 without
 * them), and the pivot: the origin of the coordinates when it lies in the picture (phynn's
 * pendulum frames have the pivot there), else the centre; -pivot x,y in the file's coordinates
 * overrides. geometry = {pivot x, pivot y, aspect, known}, the pivot in the warp block's units;
 * known (1 or 0) says whether the pivot came from the coordinates or -pivot (then it is fixed) or
 * is the centre, a guess (then the decoder trains a shift of it). */
static PetscErrorCode WarpGeometry(const PhynnImageSet *s, PetscBool given, const double *xy, double *geometry)
{
  double dx = s->has_xy && s->W > 1 ? s->x[1] - s->x[0] : 1, dy = s->has_xy && s->H > 1 ? s->y[1] - s->y[0] : -1;
  double aspect = s->has_xy && s->W > 1 && s->H > 1 ? fabs(dy / dx) : 1, unit = 0.5 * PetscMin((double)s->W, aspect * (double)s->H);
  double x0 = given ? xy[0] : 0, y0 = given ? xy[1] : 0;
  double j = (x0 - s->x[0]) / dx, i = (y0 - s->y[0]) / dy; /* fractional pixel indices of the pivot */
  PetscFunctionBegin;
  geometry[0] = geometry[1] = geometry[3] = 0;
  geometry[2] = aspect;
  if (!given && (!s->has_xy || j < -0.5 || j > (double)s->W - 0.5 || i < -0.5 || i > (double)s->H - 0.5)) PetscFunctionReturn(0);
  geometry[0] = (j + 0.5 - 0.5 * (double)s->W) / unit;
  geometry[1] = aspect * (0.5 * (double)s->H - (i + 0.5)) / unit;
  geometry[3] = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdTrainAutoencoder(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char   *cmd = "train autoencoder";
  char          data[PETSC_MAX_PATH_LEN], var[64], arch[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], noise_text[64];
  long          latent, seed, batch, epochs, restarts, restart_epochs;
  uint64_t      start_seed;
  int           L = -1;
  double        holdout, pivot_xy[2] = {0, 0}, geometry[4];
  int           loss, npivot = 0;
  PetscBool     pivot_set, epochs_set;
  PhynnGraph    g = NULL;
  PhynnTrainer  t = NULL;
  PhynnModel    m = NULL;
  PhynnImageSet set;
  AECtx         a = {0};
  PetscBool    *held = NULL;
  long         *heldidx = NULL, nheld = 0;
  static const char *const losses[] = {"l1", "mse", NULL};

  PetscFunctionBegin;
  PetscCall(PhynnOptString("data", NULL, "frames in the image-dataset layout (NetCDF; docs/image-data.md) (required)", data, sizeof(data), NULL));
  PetscCall(PhynnOptString("var", "image", "the frames' variable in -data", var, sizeof(var), NULL));
  PetscCall(PhynnOptInt("latent", 2, "size of the latent code, >= 1", &latent, NULL));
  PetscCall(PhynnOptReal("holdout", 0.7, "fraction of the frames held out (never trained on; their error is reported); 0.7 trains on 30 of 100 as the tutorial", &holdout, NULL));
  PetscCall(PhynnOptInt("seed", 7, "seed of the held-out choice, the initial weights, the minibatch shuffles and the noise", &seed, NULL));
  PetscCall(PhynnOptString("arch", "spatial", "architecture: spatial (keypoint encoder, rotating-template decoder), conv (plain conv autoencoder), or a model-spec FILE", arch, sizeof(arch), NULL));
  PetscCall(PhynnOptChoice("loss", losses, "mse", "reconstruction loss: l1 (mean absolute, the tutorial's) or mse", &loss, NULL));
  PetscCall(PhynnOptInt("batch", 0, "frames per global minibatch (0: all training frames)", &batch, NULL));
  PetscCall(PhynnOptInt("epochs", 1500, "passes over the training frames (sets the default of -max_it to epochs x steps per epoch)", &epochs, &epochs_set));
  PetscCall(PhynnOptString("denoise", "none", "train on corrupted inputs against clean targets: salt:P or gauss:SIGMA", noise_text, sizeof(noise_text), NULL));
  PetscCall(PhynnOptRealList("pivot", "", "spatial decoder: rotation pivot x,y in the file's coordinates (default: the origin if it lies in the picture, else the centre)", pivot_xy, 2, &npivot, &pivot_set));
  PetscCall(PhynnOptInt("restarts", 1, "try R initialisations (seeds seed, seed+1, ...) for -restart_epochs each and train the one with the lowest loss (1: no restarts); skipped with -resume", &restarts, NULL));
  PetscCall(PhynnOptInt("restart_epochs", 200, "epochs of each restart (its trainer options take the prefix restart_: -restart_lr, ...)", &restart_epochs, NULL));
  PetscCall(PhynnOptString("o", "autoencoder.nc", "output model file (NetCDF)", out, sizeof(out), NULL));

  PetscCall(PhynnGraphCreate(comm, &g));
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) { /* the trainers' options, for -help and the unused-option check */
    PhynnTrainer tr;
    PetscCall(PhynnTrainerCreate(comm, g, &t));
    PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, 0, 2e-3, 1000));
    PetscCall(PhynnTrainerSetFromOptions(t));
    PetscCall(PhynnTrainerCreate(comm, g, &tr));
    PetscCall(PhynnTrainerSetOptionsPrefix(tr, "restart_"));
    PetscCall(PhynnTrainerSetDefaults(tr, PHYNN_OPTIM_ADAM, 0, 2e-3, 0));
    PetscCall(PhynnTrainerSetFromOptions(tr));
    if (mode == PHYNN_OPTIONS_READ) PetscCall(PhynnOptionsCheckUnused(comm));
    PetscCall(PhynnTrainerDestroy(&tr));
    PetscCall(PhynnTrainerDestroy(&t));
    PetscCall(PhynnGraphDestroy(&g));
    PetscFunctionReturn(0);
  }

  /* ---- validate the options, then the data ---- */
  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(data[0], comm, PHYNN_ERR_INPUT, "no frames given; pass -data FILE.nc (the image-dataset layout: image(sample, y, x); phynn solve pendulum-images writes one)");
  PetscCheck(latent >= 1, comm, PHYNN_ERR_INPUT, "option -latent: %ld; the latent code needs at least 1 coordinate", latent);
  PetscCheck(holdout >= 0 && holdout < 1, comm, PHYNN_ERR_INPUT, "option -holdout: %g is not a fraction in [0, 1)", holdout);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCheck(batch >= 0, comm, PHYNN_ERR_INPUT, "option -batch: %ld is negative; give 0 (all training frames) or the frames per minibatch", batch);
  PetscCheck(epochs >= 1, comm, PHYNN_ERR_INPUT, "option -epochs: %ld; give at least 1", epochs);
  PetscCheck(restarts >= 1 && restarts <= 1000, comm, PHYNN_ERR_INPUT, "option -restarts: %ld; give 1 (no restarts) to 1000", restarts);
  PetscCheck(restart_epochs >= 1, comm, PHYNN_ERR_INPUT, "option -restart_epochs: %ld; give at least 1", restart_epochs);
  PetscCheck(!pivot_set || npivot == 2, comm, PHYNN_ERR_INPUT, "option -pivot: give two numbers x,y");
  PetscCall(PhynnParseNoise(comm, "option -denoise", noise_text, &a.noise.kind, &a.noise.level));
  PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnImageSetOpen(comm, data, var, &set));
  a.set = &set;
  a.F   = PhynnImageSetFrameSize(&set);
  PetscCall(PetscCalloc3(set.nsamples, &held, set.nsamples, &a.train, set.nsamples, &a.cache));
  PetscCall(PetscMalloc1(set.nsamples, &heldidx));
  PetscCall(PhynnHoldoutSplit(set.nsamples, holdout, (uint64_t)seed, held, &a.ntrain));
  PetscCheck(a.ntrain >= 1, comm, PHYNN_ERR_INPUT, "option -holdout: %g of the %ld frames of %s leaves no frame to train on; give a smaller fraction", holdout, set.nsamples, data);
  for (long i = 0, k = 0; i < set.nsamples; i++) {
    if (held[i]) heldidx[nheld++] = i;
    else a.train[k++] = i;
  }
  if (batch == 0) batch = a.ntrain;
  PetscCheck(batch <= a.ntrain, comm, PHYNN_ERR_INPUT, "option -batch: %ld frames per batch, but only %ld of the %ld frames of %s are for training (-holdout %g); give at most %ld", batch, a.ntrain, set.nsamples, data, holdout, a.ntrain);
  PetscCheck(batch >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -batch: %ld frames cannot be shared by %d ranks; give at least one frame per rank", batch, PhynnSize(comm));
  a.steps = (a.ntrain + batch - 1) / batch;
  PetscCall(WarpGeometry(&set, pivot_set, pivot_xy, geometry));

  /* ---- the model ---- */
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetProblem(m, "autoencoder"));
  {
    PetscBool isfile = PETSC_FALSE;
    if (strcmp(arch, "spatial") && strcmp(arch, "conv")) PetscCall(PetscTestFile(arch, 'r', &isfile));
    if (isfile) PetscCall(PhynnModelSetSpecFromFile(m, arch));
    else {
      PhynnText     spec = {NULL, 0, 0};
      PetscErrorCode ierr = PhynnAutoencoderArch(comm, arch, set.C, set.H, set.W, latent, geometry, var, &spec);
      if (!ierr) ierr = PhynnModelSetSpec(m, spec.s, "-arch");
      PetscCall(PhynnTextFree(&spec));
      PetscCall(ierr);
    }
  }
  {
    int                  nin, nout;
    const PhynnModelVar *in, *outs;
    PetscCall(PhynnModelGetInputs(m, &nin, &in));
    PetscCall(PhynnModelGetOutputs(m, &nout, &outs));
    PetscCheck(nin == 1 && nout == 2 && !strcmp(outs[0].name, "code") && !strcmp(outs[1].name, "recon"), comm, PHYNN_ERR_INPUT,
               "-arch %s: an autoencoder has one input (the frames) and two outputs, the blocks `code` and `recon` (output code ...; output recon ...)", arch);
    PetscCheck(PhynnVarShapeSize(&in[0].shape) == a.F, comm, PHYNN_ERR_INPUT, "-arch %s: the input '%s' has %ld values per sample but the frames of %s are %ld x %ld x %ld; give the input dims=%ld,%ld,%ld", arch, in[0].name,
               PhynnVarShapeSize(&in[0].shape), data, set.C, set.H, set.W, set.C, set.H, set.W);
    PetscCheck(PhynnVarShapeSize(&outs[1].shape) == a.F, comm, PHYNN_ERR_INPUT, "-arch %s: the reconstruction `recon` has %ld values per sample but the frames have %ld (%ld x %ld x %ld)", arch, PhynnVarShapeSize(&outs[1].shape), a.F,
               set.C, set.H, set.W);
    if (PhynnVarShapeSize(&outs[0].shape) != latent) PetscCall(PhynnPrintf(comm, "note: -arch %s has a latent code of %ld values (-latent %ld ignored)\n", arch, PhynnVarShapeSize(&outs[0].shape), latent));
    latent = PhynnVarShapeSize(&outs[0].shape);
  }

  /* ---- the graph: frames -> model -> loss against the clean frames ---- */
  {
    long s, c;
    a.seed = (uint64_t)seed;
    a.loss = loss == 0 ? PHYNN_LOSS_MAE : PHYNN_LOSS_MSE;
    a.m    = m;
    PetscCall(AEGraph(&a, g, &L));
    PhynnSplitRange(batch, PhynnRank(comm), PhynnSize(comm), &s, &c);
    PetscCall(PetscMalloc3(c * a.F + 1, &a.xb, c * a.F + 1, &a.yb, batch, &a.rows));
  }
  PetscCall(AETrainer(comm, g, &a, L, batch, (uint64_t)seed, NULL, epochs * a.steps, 1000, &t)); /* Adam at 2e-3 (5e-3 drops latent 2 into a blurred template), then L-BFGS */
  {
    PhynnTrainer tr; /* reads the restarts' options before the unused-option check (not set up: no graph needed) */
    PetscCall(AETrainer(comm, g, &a, L, batch, (uint64_t)seed, "restart_", restart_epochs * a.steps, 0, &tr));
    PetscCall(PhynnTrainerDestroy(&tr));
  }
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnOptionsCheckUnused(comm));
  {
    PetscBool resume, quiet_set;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-resume", &resume));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-restart_quiet", &quiet_set));
    if (!quiet_set) PetscCall(PetscOptionsSetValue(NULL, "-restart_quiet", "true")); /* one line per restart, not its progress */
    start_seed = (uint64_t)seed;
    if (!resume) PetscCall(ChooseStart(comm, &a, batch, (uint64_t)seed, restarts, restart_epochs, &start_seed));
    if (!quiet_set) PetscCall(PetscOptionsClearValue(NULL, "-restart_quiet"));
  }

  /* ---- run ---- */
  {
    long   iterations, nparams;
    double final_loss, seconds, mae_held = NAN, mse_held = NAN, mae_train, mse_train;
    PetscCall(PhynnModelGetParameterCount(m, &nparams));
    PetscCall(PhynnPrintf(comm, "frames: %ld (train %ld, held out %ld), %ld x %ld x %ld\nparameters: %ld\nsteps_per_epoch: %ld\n", set.nsamples, a.ntrain, nheld, set.C, set.H, set.W, nparams, a.steps));
    PetscCall(PhynnTrainerInitParameters(t, start_seed));
    PetscCall(PhynnTrainerSetModel(t, m));
    PetscCall(PhynnTrainerTrain(t));
    PetscCall(PhynnTrainerGetResult(t, &iterations, &final_loss, &seconds));
    if (PhynnTrainerStoppedBySignal(t)) goto cleanup;
    PetscCall(PhynnModelGetWeights(m, g));
    {
      PhynnImageError e;
      PetscCall(PhynnImageModelError(m, &set, var, a.ntrain, a.train, &e));
      mae_train = e.mae;
      mse_train = e.mse;
      if (nheld) {
        PetscCall(PhynnImageModelError(m, &set, var, nheld, heldidx, &e));
        mae_held = e.mae;
        mse_held = e.mse;
      }
    }
    {
      PhynnRecord rec;
      char        v[64];
      /* The recorded options say which frames were held out (validate reads -holdout and -seed
       * from them), so they are recorded even when they were the defaults. */
      for (int digits = 15; digits <= 17; digits++) { /* the shortest form that reads back to the same double (0.7, not 0.69999999999999996) */
        PetscCall(PetscSNPrintf(v, sizeof(v), "%.*g", digits, holdout));
        if (strtod(v, NULL) == holdout) break;
      }
      PetscCall(PetscOptionsSetValue(NULL, "-holdout", v));
      PetscCall(PetscSNPrintf(v, sizeof(v), "%ld", seed));
      PetscCall(PetscOptionsSetValue(NULL, "-seed", v));
      PhynnRecordInit(&rec);
      PetscCall(PhynnTrainerStoreInModel(t, m, &rec));
      PetscErrorCode ierr = PhynnRank(comm) == 0 ? PhynnModelSave(m, &rec, out) : 0;
      PetscCall(PhynnRecordReset(&rec));
      PetscCall(ierr);
    }
    PetscCall(PhynnPrintf(comm, "final_loss: %.17g\niterations: %ld\nlatent: %ld\n", final_loss, iterations, latent));
    PetscCall(PhynnPrintf(comm, "train_mae: %.6e\ntrain_mse: %.6e\n", mae_train, mse_train));
    if (nheld) PetscCall(PhynnPrintf(comm, "heldout_mae: %.6e\nheldout_mse: %.6e\n", mae_held, mse_held));
    PetscCall(PhynnPrintf(comm, "seconds: %.3f\nseconds_per_step: %.4f\nwrote %s\n", seconds, iterations ? seconds / (double)iterations : 0.0, out));
  }

cleanup:
  for (long i = 0; i < set.nsamples; i++) PetscCall(PetscFree(a.cache[i]));
  PetscCall(PetscFree3(held, a.train, a.cache));
  PetscCall(PetscFree(heldidx));
  PetscCall(PetscFree3(a.xb, a.yb, a.rows));
  PetscCall(PhynnImageSetClose(&set));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}
