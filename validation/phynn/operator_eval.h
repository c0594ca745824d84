/* Operator models against family data: the shape check every operator command makes, and the
 * relative L2 error per sample, ||pred_s - true_s|| / ||true_s|| over all output channels and
 * points of sample s (the FNO and DeepONet papers' metric), with its mean, median and worst. */
#ifndef PHYNN_OPERATOR_EVAL_H
#define PHYNN_OPERATOR_EVAL_H

#include "phynn/operator_data.h"
#include "phynn/model.h"

typedef struct {
  double mean, median, worst;
  long   worst_sample; /* the family's index of the worst sample */
} PhynnOperatorErr;

/* One input of the family's per-sample shape (cin, H, W), one output `u` of (cout, H, W). */
PetscErrorCode PhynnOperatorCheckModel(MPI_Comm comm, PhynnModel m, const char *what, const PhynnOperatorData *d);
/* Predictions for samples idx[0..n) (every rank all of them: pred is n x cout x H x W, allocated). */
PetscErrorCode PhynnOperatorPredict(PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, double **pred);
/* The errors over samples idx[0..n): each rank predicts its PhynnSplitRange share, one allgather. */
PetscErrorCode PhynnOperatorError(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, PhynnOperatorErr *e);
/* The relative errors of every sample (rel, n values; allocated) for reports. */
PetscErrorCode PhynnOperatorErrors(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, double **rel);
/* m on the family's grid when that is another resolution: *out a new model with the same weights
 * (destroy it), or a one-line error when its weights depend on the grid (a DeepONet); *out NULL
 * when m is already on the family's grid (or is no one-field operator: PhynnOperatorCheckModel
 * then says so). */
PetscErrorCode PhynnOperatorRegrid(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, PhynnModel *out);

#endif
