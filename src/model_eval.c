/* The one way a model is evaluated on data from outside training: points (or the tensor grid of
 * a reference solution's coordinates) in, every output with its jet blocks out, in chunks through
 * the model's cached evaluation graph. phynn eval, phynn validate and the -reference tracking of
 * training all go through here. */
#include <string.h>

#include "phynn/model.h"

PetscErrorCode PhynnModelEvaluatePoints(PhynnModel m, long n, const double *x, const PhynnJet *jet, double **out)
{
  const PhynnModelVar *mi, *mo;
  PhynnJet             none;
  int                  K;
  long                 w, nout;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "evaluation at points", &mi, &mo));
  w    = mi->ncomp;
  nout = mo->ncomp;
  none = PhynnJetNone((int)w);
  if (!jet) jet = &none;
  K = PhynnJetBlocks(jet);
  PetscCall(PetscMalloc1(K * n * nout + 1, out));
  for (long first = 0; first < n; first += PHYNN_EVAL_CHUNK) {
    long          nc = PetscMin((long)PHYNN_EVAL_CHUNK, n - first);
    const double *xc = x + first * w;
    double       *y;
    PetscCall(PhynnModelEvaluate(m, nc, &xc, jet, &y));
    /* y is (K nc) x nout in jet block order; out is (K n) x nout: block b of point i at row b n + i */
    for (int b = 0; b < K; b++) PetscCall(PetscArraycpy(*out + ((long)b * n + first) * nout, y + (long)b * nc * nout, nc * nout));
    PetscCall(PetscFree(y));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelEvaluateGrid(PhynnModel m, int ndim, const char *const *names, const long *len, const double *const *coord, const PhynnJet *jet, double **out)
{
  const PhynnModelVar *mi;
  int                  col[PHYNN_MODEL_MAX_GRID];
  long                 n = 1, w;
  double              *X;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "evaluation on a grid", &mi, NULL));
  w = mi->ncomp;
  PetscCheck(ndim == w && ndim <= PHYNN_MODEL_MAX_GRID, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the grid has %d dimension(s) but the model has %ld input coordinate(s); give a grid over exactly the model's inputs", ndim, w);
  for (int d = 0; d < ndim; d++) {
    col[d] = -1;
    for (int c = 0; c < w; c++)
      if (!strcmp(mi->comp[c], names[d])) col[d] = c;
    PetscCheck(col[d] >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "grid dimension '%s' is not an input of the model (its inputs are named in its spec)", names[d]);
    for (int e = 0; e < d; e++) PetscCheck(col[e] != col[d], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "grid dimension '%s' appears twice", names[d]);
    n *= len[d];
  }
  PetscCall(PetscMalloc1(n * w + 1, &X));
  for (long p = 0; p < n; p++) { /* row-major over the grid's dimensions: the last varies fastest */
    long rem = p;
    for (int d = ndim - 1; d >= 0; d--) {
      X[p * w + col[d]] = coord[d][rem % len[d]];
      rem /= len[d];
    }
  }
  PetscErrorCode ierr = PhynnModelEvaluatePoints(m, n, X, jet, out);
  PetscCall(PetscFree(X));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelEvaluateProduct(PhynnModel m, long ns, const double *a, long np, const double *b, double **out)
{
  int                  nin, nout;
  const PhynnModelVar *in, *outs;
  long                 wa, wb, n = ns * np;
  double              *A, *B;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetInputs(m, &nin, &in));
  PetscCall(PhynnModelGetOutputs(m, &nout, &outs));
  PetscCheck(nin == 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "evaluation on the product of samples and coordinates needs a model with two inputs (sensors, coordinates); this one has %d", nin);
  wa = PhynnVarShapeSize(&in[0].shape);
  wb = PhynnVarShapeSize(&in[1].shape);
  for (int k = 0; k < nout; k++) PetscCall(PetscMalloc1(n * PhynnVarShapeSize(&outs[k].shape) + 1, &out[k]));
  PetscCall(PetscMalloc2(PHYNN_EVAL_CHUNK * wa, &A, PHYNN_EVAL_CHUNK * wb, &B));
  /* rows r = s np + p of the product, PHYNN_EVAL_CHUNK at a time: input 0 is sample s, input 1
   * is coordinate p (every sample on the same coordinates) */
  for (long first = 0; first < n; first += PHYNN_EVAL_CHUNK) {
    long          nc = PetscMin((long)PHYNN_EVAL_CHUNK, n - first);
    const double *inputs[2] = {A, B};
    double       *y[PHYNN_MODEL_MAX_VARS];
    for (long i = 0; i < nc; i++) {
      long r = first + i;
      PetscCall(PetscArraycpy(A + i * wa, a + (r / np) * wa, wa));
      PetscCall(PetscArraycpy(B + i * wb, b + (r % np) * wb, wb));
    }
    PetscErrorCode ierr = PhynnModelEvaluate(m, nc, inputs, NULL, y);
    if (ierr) PetscCall(PetscFree2(A, B));
    PetscCall(ierr);
    for (int k = 0; k < nout; k++) {
      long w = PhynnVarShapeSize(&outs[k].shape);
      PetscCall(PetscArraycpy(out[k] + first * w, y[k], nc * w));
      PetscCall(PetscFree(y[k]));
    }
  }
  PetscCall(PetscFree2(A, B));
  PetscFunctionReturn(0);
}
