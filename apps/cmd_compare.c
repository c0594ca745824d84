/* `phynn compare -reference REF.nc MODEL.nc [MODEL.nc ...] -report DIR [-var u]`: PINNs and neural
 * operators of one problem side by side against its solver (validation/compare.c). */
#include "commands.h"
#include "phynn/compare.h"

PetscErrorCode PhynnCmdCompare(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  static const char *const terminals[] = {"auto", "pngcairo", "png", "svg", NULL};
  char                     ref[PETSC_MAX_PATH_LEN], report[PETSC_MAX_PATH_LEN], var[64], gnuplot[PETSC_MAX_PATH_LEN];
  int                      term = 0;
  PhynnCompareResult       res;

  PetscFunctionBegin;
  PetscCall(PhynnOptString("reference", "", "one solved problem, VAR(t, x) (phynn solve heat|nls without -nsamples) (required)", ref, sizeof(ref), NULL));
  PetscCall(PhynnOptString("report", "", "report directory: index.html, metrics.json and the plots (required; replaced atomically)", report, sizeof(report), NULL));
  PetscCall(PhynnOptString("var", "u", "the reference's field every model is judged on", var, sizeof(var), NULL));
  PetscCall(PhynnOptString("gnuplot", "gnuplot", "the gnuplot executable that draws the plots", gnuplot, sizeof(gnuplot), NULL));
  PetscCall(PhynnOptChoice("terminal", terminals, "auto", "image format: auto = pngcairo if gnuplot has it, else png, else svg", &term, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);
  PetscCall(PhynnCommandCheckArgs(comm, "compare", "MODEL.nc [MODEL.nc ...]", nargs, 1, PHYNN_COMPARE_MAX_MODELS));
  PetscCheck(ref[0], comm, PHYNN_ERR_INPUT, "no reference given; pass -reference REF.nc (one solved problem, e.g. phynn solve heat -o heat_ref.nc)");
  PetscCheck(report[0], comm, PHYNN_ERR_INPUT, "no report directory given; pass -report DIR (it will hold index.html, metrics.json and the plots)");
  PetscCall(PhynnCompareRun(comm, ref, nargs, (const char *const *)args, var, report, gnuplot, terminals[term], &res));
  for (int k = 0; k < res.n; k++) PetscCall(PhynnPrintf(comm, "%s: rel_l2 %.6e, answer_seconds %.3e\n", args[k], res.rel_l2[k], res.answer_seconds[k]));
  PetscCall(PhynnPrintf(comm, "phynn compare: wrote %s/index.html and %s/metrics.json\n", report, report));
  PetscFunctionReturn(0);
}
