/* `phynn validate MODEL.nc REFERENCE.nc -report DIR [-threshold rel_l2=1e-3,...]`
 *
 * Evaluates a trained model on the grid of a reference solution, writes DIR/metrics.json and
 * DIR/index.html with gnuplot plots, and exits non-zero when a threshold fails (after writing
 * the complete report), so a Slurm pipeline can gate on it: `phynn validate ... || exit 1`.
 * Rank 0 does the work; other ranks wait and exit with the same status. docs/validation.md. */
#include "commands.h"
#include "phynn/validate.h"

PetscErrorCode PhynnCmdValidate(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  static const char *const terminals[] = {"auto", "pngcairo", "png", "svg", NULL};
  char                     report[PETSC_MAX_PATH_LEN], thresholds[1024], gnuplot[PETSC_MAX_PATH_LEN], failure[320];
  int                      term = 0, nth = 0;
  PhynnThreshold           th[PHYNN_VALIDATE_MAX_THRESHOLDS];
  PhynnValidateOptions     opt = {0};
  PetscBool                passed;

  PetscFunctionBegin;
  PetscCall(PhynnOptString("report", "", "report directory: metrics.json, index.html and the plots (required; replaced atomically)", report, sizeof(report), NULL));
  PetscCall(PhynnOptString("threshold", "", "pass/fail thresholds, metric=value[,...]: rel_l2=1e-3,max_abs=1e-2, per component rel_l2[|h|]=2e-3 (none: always passes)", thresholds,
                           sizeof(thresholds), NULL));
  PetscCall(PhynnOptString("gnuplot", "gnuplot", "the gnuplot executable that draws the plots", gnuplot, sizeof(gnuplot), NULL));
  PetscCall(PhynnOptChoice("terminal", terminals, "auto", "image format: auto = pngcairo if gnuplot has it, else png, else svg", &term, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnThresholdsParse(comm, thresholds, PHYNN_VALIDATE_MAX_THRESHOLDS, th, &nth));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);
  PetscCall(PhynnCommandCheckArgs(comm, "validate", "MODEL.nc REFERENCE.nc", nargs, 2, 2));
  PetscCheck(report[0], comm, PHYNN_ERR_INPUT, "no report directory given; pass -report DIR (it will hold index.html, metrics.json and the plots)");

  opt.thresholds = thresholds;
  opt.gnuplot    = gnuplot;
  opt.terminal   = terminals[term];
  PetscCall(PhynnValidateRun(comm, NULL, NULL, args[0], args[1], report, &opt, &passed, failure, sizeof(failure)));
  PetscCheck(passed, comm, PHYNN_ERR_INPUT, "validation failed: %s; the report is in %s/index.html", failure, report);
  PetscCall(PhynnPrintf(comm, "phynn validate: passed (%s); wrote %s/index.html and %s/metrics.json\n", nth ? "every threshold holds" : "no thresholds given", report, report));
  PetscFunctionReturn(0);
}
