/* Operator models against family data (apps/operator_eval.h). */
#include <math.h>
#include <string.h>

#include "phynn/operator_eval.h"
#include "phynn/spec.h"

#define OPERATOR_EVAL_CHUNK 64 /* samples per evaluation: bounds the graph's memory */

PetscErrorCode PhynnOperatorCheckModel(MPI_Comm comm, PhynnModel m, const char *what, const PhynnOperatorData *d)
{
  int                  nin, nout;
  const PhynnModelVar *in, *out;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetInputs(m, &nin, &in));
  PetscCall(PhynnModelGetOutputs(m, &nout, &out));
  PetscCheck(nin == 1 && nout >= 1 && !strcmp(out[nout - 1].name, "u"), comm, PHYNN_ERR_INPUT, "%s: an operator model has one input field and an output `u` (output u ...); this one has %d input(s) and its last output is '%s'", what, nin,
             nout ? out[nout - 1].name : "none");
  PetscCheck(in[0].shape.ndim == 3 && in[0].shape.dim[0] == d->cin && in[0].shape.dim[1] == d->H && in[0].shape.dim[2] == d->W, comm, PHYNN_ERR_INPUT,
             "%s: the model's input '%s' is %ld values per sample, but the family's inputs are %ld channel(s) on %ld x %ld points; an operator is applied on the grid it was built for (give the input dims=%ld,%ld,%ld)", what, in[0].name,
             PhynnVarShapeSize(&in[0].shape), d->cin, d->H, d->W, d->cin, d->H, d->W);
  PetscCheck(PhynnVarShapeSize(&out[nout - 1].shape) == d->cout * d->H * d->W, comm, PHYNN_ERR_INPUT, "%s: the model's output u has %ld values per sample, the family's outputs %ld (%ld channel(s) on %ld x %ld points)", what,
             PhynnVarShapeSize(&out[nout - 1].shape), d->cout * d->H * d->W, d->cout, d->H, d->W);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorPredict(PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, double **pred)
{
  const long Fi = d->cin * d->H * d->W, Fo = d->cout * d->H * d->W;
  double              *x;
  int                  nout;
  const PhynnModelVar *outs;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetOutputs(m, &nout, &outs));
  PetscCall(PetscMalloc1(n * Fo + 1, pred));
  PetscCall(PetscMalloc1(OPERATOR_EVAL_CHUNK * Fi, &x));
  for (long first = 0; first < n; first += OPERATOR_EVAL_CHUNK) {
    long          nc = PetscMin((long)OPERATOR_EVAL_CHUNK, n - first);
    const double *in[1] = {x};
    double       *y[PHYNN_MODEL_MAX_VARS];
    for (long i = 0; i < nc; i++) PetscCall(PetscArraycpy(x + i * Fi, d->in + idx[first + i] * Fi, Fi));
    PetscCall(PhynnModelEvaluate(m, nc, in, NULL, y));
    PetscCall(PetscArraycpy(*pred + first * Fo, y[nout - 1], nc * Fo));
    for (int k = 0; k < nout; k++) PetscCall(PetscFree(y[k]));
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorErrors(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, double **rel)
{
  const long Fo = d->cout * d->H * d->W;
  long       s, c;
  int        size = PhynnSize(comm), *counts, *displs;
  double    *pred, *mine;
  PetscFunctionBegin;
  PhynnSplitRange(n, PhynnRank(comm), size, &s, &c);
  PetscCall(PhynnOperatorPredict(m, d, c, idx + s, &pred));
  PetscCall(PetscMalloc1(c + 1, &mine));
  for (long i = 0; i < c; i++) {
    const double *p = pred + i * Fo, *y = d->out + idx[s + i] * Fo;
    double        e = 0, q = 0;
    for (long j = 0; j < Fo; j++) e += (p[j] - y[j]) * (p[j] - y[j]), q += y[j] * y[j];
    mine[i] = q > 0 ? sqrt(e / q) : sqrt(e);
  }
  PetscCall(PetscMalloc1(n + 1, rel));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  for (int r = 0; r < size; r++) {
    long rs, rc;
    PhynnSplitRange(n, r, size, &rs, &rc);
    counts[r] = (int)rc;
    displs[r] = (int)rs;
  }
  PetscCallMPI(MPI_Allgatherv(mine, (int)c, MPI_DOUBLE, *rel, counts, displs, MPI_DOUBLE, comm));
  PetscCall(PetscFree(pred));
  PetscCall(PetscFree(mine));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

static int CompareDoubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

PetscErrorCode PhynnOperatorError(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, long n, const long *idx, PhynnOperatorErr *e)
{
  double *rel, *sorted;
  PetscFunctionBegin;
  PetscCall(PhynnOperatorErrors(comm, m, d, n, idx, &rel));
  PetscCall(PetscMalloc1(n + 1, &sorted));
  e->mean = 0, e->worst = -1, e->worst_sample = -1;
  for (long i = 0; i < n; i++) {
    e->mean += rel[i] / (double)n;
    if (rel[i] > e->worst) e->worst = rel[i], e->worst_sample = idx[i];
    sorted[i] = rel[i];
  }
  qsort(sorted, (size_t)n, sizeof(double), CompareDoubles);
  e->median = n ? (n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])) : NAN;
  PetscCall(PetscFree(sorted));
  PetscCall(PetscFree(rel));
  PetscFunctionReturn(0);
}

/* The same operator on another grid: the canonical spec with the input's dims replaced, and the
 * same weights, which must not depend on the grid (Fourier and pointwise layers: FNO's
 * discretisation invariance; convolutions apply too, at the finer spacing). */
PetscErrorCode PhynnOperatorRegrid(MPI_Comm comm, PhynnModel m, const PhynnOperatorData *d, PhynnModel *out)
{
  const char          *spec = PhynnModelGetSpec(m), *eol = strchr(spec, '\n');
  const PhynnModelVar *in;
  int                  nin;
  long                 n, need;
  const double        *theta;
  PhynnText            t = {NULL, 0, 0};
  PetscErrorCode       ierr;
  PetscFunctionBegin;
  *out = NULL;
  PetscCall(PhynnModelGetInputs(m, &nin, &in));
  /* its own grid, or not a one-field operator at all (PhynnOperatorCheckModel says what is wrong) */
  if (nin != 1 || in[0].shape.ndim != 3 || (in[0].shape.dim[1] == d->H && in[0].shape.dim[2] == d->W)) PetscFunctionReturn(0);
  PetscCheck(eol && !strncmp(spec, "input ", 6), comm, PHYNN_ERR_INPUT, "an operator model has one input, its first statement");
  PetscCheck(in[0].shape.ndim == 3 && in[0].shape.dim[0] == d->cin, comm, PHYNN_ERR_INPUT, "the model maps %ld input channel(s), the family has %ld", in[0].shape.dim[0], d->cin);
  PetscCall(PhynnTextAppend(&t, "input %s dims=%ld,%ld,%ld%s", in[0].name, d->cin, d->H, d->W, eol));
  PetscCall(PhynnModelCreate(comm, out));
  PetscCall(PhynnModelSetProblem(*out, PhynnModelGetProblem(m)));
  ierr = PhynnModelSetSpec(*out, t.s, "the model on the family's grid");
  PetscCall(PhynnTextFree(&t));
  if (!ierr) ierr = PhynnModelGetParameterCount(*out, &need);
  if (!ierr) ierr = PhynnModelGetTheta(m, &n, &theta);
  if (ierr || n != need) PetscCall(PhynnModelDestroy(out));
  PetscCheck(!ierr, comm, PHYNN_ERR_INPUT, "the operator cannot be applied on the family's grid of %ld x %ld points (see the message above); evaluate it on the grid it was trained on (%ld x %ld)", d->H, d->W, in[0].shape.dim[1], in[0].shape.dim[2]);
  PetscCheck(n == need, comm, PHYNN_ERR_INPUT, "the operator's weights depend on its grid (%ld x %ld; a DeepONet's trunk points, a dense layer), so it cannot be applied on the family's %ld x %ld points; evaluate it on its own grid or use an FNO", in[0].shape.dim[1],
             in[0].shape.dim[2], d->H, d->W);
  PetscCall(PhynnModelSetTheta(*out, n, theta));
  PetscFunctionReturn(0);
}
