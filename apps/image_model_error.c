/* Reconstruction error of an image model on frames of a data set (image_model_error.h). */
#include <math.h>
#include <string.h>

#include "image_model_error.h"

#define ERROR_CHUNK 16 /* frames per evaluation: bounds the graph's memory (16 x 160 x 160 doubles is 3 MB) */

PetscErrorCode PhynnImageModelError(PhynnModel m, const PhynnImageSet *s, const char *var, long n, const long *idx, PhynnImageError *err)
{
  MPI_Comm             comm = s->comm;
  const long           P    = PhynnImageSetFrameSize(s);
  const PhynnModelVar *in, *out;
  int                  nin, nout, recon = -1;
  long                 start, count;
  double               local[3] = {0, 0, 0}, global[3], *x, *y[PHYNN_MODEL_MAX_VARS];
  PetscFunctionBegin;
  PetscCall(PhynnModelGetInputs(m, &nin, &in));
  PetscCall(PhynnModelGetOutputs(m, &nout, &out));
  for (int k = 0; k < nout; k++)
    if (!strcmp(out[k].name, "recon")) recon = k;
  PetscCheck(nin == 1 && recon >= 0, comm, PHYNN_ERR_INPUT, "reconstruction error: the model needs one input (the frames) and an output named recon; it has %d input(s) and %s", nin, recon >= 0 ? "recon" : "no recon");
  PetscCheck(PhynnVarShapeSize(&in[0].shape) == P && PhynnVarShapeSize(&out[recon].shape) == P, comm, PHYNN_ERR_INPUT,
             "reconstruction error: the model reads and writes frames of %ld and %ld values but %s holds frames of %ld pixels", PhynnVarShapeSize(&in[0].shape), PhynnVarShapeSize(&out[recon].shape), s->path, P);
  PhynnSplitRange(n, PhynnRank(comm), PhynnSize(comm), &start, &count);
  PetscCall(PetscMalloc1(ERROR_CHUNK * P, &x));
  for (long c = 0; c < count; c += ERROR_CHUNK) {
    long          nc = PetscMin(ERROR_CHUNK, count - c);
    const double *inputs[1] = {x};
    PetscCall(PhynnImageSetReadFrames(s, var, nc, idx + start + c, x));
    PetscCall(PhynnModelEvaluate(m, nc, inputs, NULL, y));
    for (long i = 0; i < nc * P; i++) {
      double e = fabs(y[recon][i] - x[i]);
      local[0] += e;
      local[1] += e * e;
      local[2] = PetscMax(local[2], e);
    }
    for (int k = 0; k < nout; k++) PetscCall(PetscFree(y[k]));
  }
  PetscCall(PetscFree(x));
  PetscCallMPI(MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(&local[2], &global[2], 1, MPI_DOUBLE, MPI_MAX, comm));
  err->mae = n > 0 ? global[0] / ((double)n * (double)P) : 0.0;
  err->mse = n > 0 ? global[1] / ((double)n * (double)P) : 0.0;
  err->max = global[2];
  PetscFunctionReturn(0);
}
