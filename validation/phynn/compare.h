/* phynn compare (validation/compare.c, docs/validation.md "Comparing models"): PINNs and neural
 * operators of one problem against its solver, on the same grid at the same time, with their
 * training seconds, their seconds to answer and the solver's. One report directory (index.html,
 * metrics.json, pictures), written atomically. Collective: rank 0 does the work. */
#ifndef PHYNN_COMPARE_H
#define PHYNN_COMPARE_H

#include "phynn/sys.h"

#define PHYNN_COMPARE_MAX_MODELS 8

typedef struct {
  int    n;
  double rel_l2[PHYNN_COMPARE_MAX_MODELS], answer_seconds[PHYNN_COMPARE_MAX_MODELS];
} PhynnCompareResult;

/* ref_path: one solved problem with var(t, x); models: n model files (PINNs, operators);
 * gnuplot/terminal may be NULL (defaults); res may be NULL. */
PetscErrorCode PhynnCompareRun(MPI_Comm comm, const char *ref_path, int n, const char *const *models, const char *var, const char *report_dir, const char *gnuplot, const char *terminal, PhynnCompareResult *res);

#endif
