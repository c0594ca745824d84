/* The operator report (validation/validate_operator.c and operator_report.c; private to
 * validation/): what is computed, and its writers. */
#ifndef PHYNN_VALIDATION_OPERATOR_IMPL_H
#define PHYNN_VALIDATION_OPERATOR_IMPL_H

#include "phynn/operator_data.h"
#include "phynn/validate.h"

typedef struct {
  PhynnOperatorData d;
  char              input[256], output[256], output_time[64];
  long              trained_H, trained_W; /* the model's own grid */
  PhynnModel        regrid;      /* the model on the family's grid, when it differs (else NULL) */
  PetscBool         same_family; /* the training family: its held-out samples */
  long              n, *idx;     /* the samples judged (family indices) */
  double           *pred;        /* n x cout x H x W */
  double           *rel, *band;  /* per sample: rel_l2, and (low, mid, high) band errors */
  double            mean, median, worst, band_mean[3], max_abs, infer_seconds;
  long              worst_at, median_at; /* positions in idx */
  double           *rollout;     /* -output_time next: mean rel_l2 after k + 1 steps (d.steps values), else NULL */
  PetscBool         passed;
  int               nfailed, nth;
  PhynnThreshold    th[PHYNN_VALIDATE_MAX_THRESHOLDS];
  char              failure[256];
  char              model_path[PETSC_MAX_PATH_LEN], data_path[PETSC_MAX_PATH_LEN], title[PETSC_MAX_PATH_LEN * 2 + 64];
  char              model_version[32], model_git[64], model_cmd[2048], spec[4096];
  char              terminal[16], image_ext[8];
} PhynnOperatorValidation;

PetscErrorCode PhynnValidateOperator(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnOperatorValidation *v);
PetscErrorCode PhynnOperatorValidationDestroy(PhynnOperatorValidation *v);
/* operator_report.c */
PetscErrorCode PhynnOperatorPlots(const PhynnRecord *rec, const PhynnOperatorValidation *v, const char *gnuplot, const char *dir);
PetscErrorCode PhynnOperatorWriteJSON(const PhynnOperatorValidation *v, const char *path);
PetscErrorCode PhynnOperatorWriteHTML(const PhynnRecord *rec, const PhynnOperatorValidation *v, const char *path);

#endif
