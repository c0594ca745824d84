/* `phynn validate MODEL.nc REFERENCE.nc -report DIR [-threshold rel_l2=1e-3,...]`
 * `phynn validate MODEL.nc FRAMES.nc -report DIR [-noise salt:0.2,...] [-baseline PCA.nc] [-threshold mae[heldout]=1e-2]`
 * `phynn validate SINDY.nc TRAJECTORIES.nc -report DIR [-threshold rel_sq[x]=1e-3,period_err=0.05]`
 *
 * A point model (a PINN) is evaluated on the grid of a reference solution; an image model (an
 * autoencoder, PCA) reconstructs the frames of an image data set, the held-out ones as its
 * training record names them; a SINDy autoencoder (phynn train sindy-ae) is judged on trajectories
 * of frames with their time derivatives (Champion's relative errors, the discovered law integrated
 * and decoded, its period against the pendulum's). Either way DIR gets metrics.json and index.html with gnuplot plots,
 * and the command exits non-zero when a threshold fails (after writing the complete report), so
 * a Slurm pipeline can gate on it: `phynn validate ... || exit 1`. Rank 0 does the work; other
 * ranks wait and exit with the same status. docs/validation.md. */
#include "commands.h"
#include "phynn/validate.h"

PetscErrorCode PhynnCmdValidate(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  static const char *const terminals[] = {"auto", "pngcairo", "png", "svg", NULL};
  char                     report[PETSC_MAX_PATH_LEN], thresholds[1024], alias[1024], gnuplot[PETSC_MAX_PATH_LEN], failure[320];
  char                     var[64], noise[512], baseline[PETSC_MAX_PATH_LEN];
  int                      term = 0, nth = 0;
  long                     seed, noise_seed;
  double                   holdout;
  PetscBool                alias_set, var_set;
  PhynnThreshold           th[PHYNN_VALIDATE_MAX_THRESHOLDS];
  PhynnValidateOptions     opt = {0};
  PetscBool                passed;

  PetscFunctionBegin;
  PetscCall(PhynnOptString("report", "", "report directory: metrics.json, index.html and the plots (required; replaced atomically)", report, sizeof(report), NULL));
  PetscCall(PhynnOptString("threshold", "", "pass/fail thresholds, metric=value[,...]: rel_l2=1e-3,max_abs=1e-2, per component rel_l2[|h|]=2e-3; image models also mae, mse: mae[heldout]=1e-2; SINDy autoencoders rel_sq, period_err: rel_sq[x]=1e-3,period_err=0.05 (none: always passes)",
                           thresholds, sizeof(thresholds), NULL));
  PetscCall(PhynnOptString("thresholds", "", "the same as -threshold", alias, sizeof(alias), &alias_set));
  PetscCall(PhynnOptString("gnuplot", "gnuplot", "the gnuplot executable that draws the plots", gnuplot, sizeof(gnuplot), NULL));
  PetscCall(PhynnOptChoice("terminal", terminals, "auto", "image format: auto = pngcairo if gnuplot has it, else png, else svg", &term, NULL));
  PetscCall(PhynnOptString("var", "image", "image models and SINDy autoencoders: the frames' variable in FRAMES.nc (SINDy: with VAR_t, VAR_tt)", var, sizeof(var), &var_set));
  PetscCall(PhynnOptString("noise", "", "image models: input noise levels, each measured against the clean frames: salt:P (pixels replaced by uniform values with probability P), gauss:SIGMA; e.g. salt:0.2,salt:0.4,gauss:0.05",
                           noise, sizeof(noise), NULL));
  PetscCall(PhynnOptInt("noise_seed", 0, "image models: seed of the -noise draws (the same for every model, so models compare on the same noisy frames)", &noise_seed, NULL));
  PetscCall(PhynnOptString("baseline", "", "image models: a PCA model (phynn pca) whose error against its number of components is compared with the model's", baseline, sizeof(baseline), NULL));
  PetscCall(PhynnOptReal("holdout", 0, "image models: the held-out fraction (default: the model's training record's -holdout; without one every frame counts as held out)", &holdout, &opt.holdout_set));
  PetscCall(PhynnOptInt("seed", 7, "image models: the seed of the held-out frames (default: the training record's -seed)", &seed, &opt.seed_set));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  if (alias_set) {
    PetscCheck(!thresholds[0], comm, PHYNN_ERR_INPUT, "options -threshold and -thresholds are the same option; give one");
    PetscCall(PetscStrncpy(thresholds, alias, sizeof(thresholds)));
  }
  PetscCall(PhynnThresholdsParse(comm, thresholds, PHYNN_VALIDATE_MAX_THRESHOLDS, th, &nth));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);
  PetscCall(PhynnCommandCheckArgs(comm, "validate", "MODEL.nc REFERENCE.nc|FRAMES.nc|TRAJECTORIES.nc", nargs, 2, 2));
  PetscCheck(report[0], comm, PHYNN_ERR_INPUT, "no report directory given; pass -report DIR (it will hold index.html, metrics.json and the plots)");
  PetscCheck(!opt.seed_set || seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCheck(noise_seed >= 0, comm, PHYNN_ERR_INPUT, "option -noise_seed: %ld is negative; give an integer >= 0", noise_seed);

  opt.thresholds = thresholds;
  opt.gnuplot    = gnuplot;
  opt.terminal   = terminals[term];
  opt.var        = var_set ? var : NULL;
  opt.noise      = noise;
  opt.noise_seed = (uint64_t)noise_seed;
  opt.baseline   = baseline;
  opt.holdout    = holdout;
  opt.seed       = (uint64_t)seed;
  PetscCall(PhynnValidateRun(comm, NULL, NULL, args[0], args[1], report, &opt, &passed, failure, sizeof(failure)));
  PetscCheck(passed, comm, PHYNN_ERR_INPUT, "validation failed: %s; the report is in %s/index.html", failure, report);
  PetscCall(PhynnPrintf(comm, "phynn validate: passed (%s); wrote %s/index.html and %s/metrics.json\n", nth ? "every threshold holds" : "no thresholds given", report, report));
  PetscFunctionReturn(0);
}
