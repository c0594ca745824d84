/* Fuzzes the model-file loader of `phynn eval`, `validate` and `-resume` (src/model_file.c over
 * io/store.c and io/ncfile.c): a model file or a checkpoint (a model file with its training
 * record). An accepted point model is also evaluated at one point, as `phynn eval` would. */
#include "fuzz.h"
#include "phynn/modelfile.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

static PetscErrorCode EvaluateOnce(PhynnModel m)
{
  const PhynnModelVar *in, *out;
  double               x[PHYNN_MODEL_MAX_GRID] = {0}, *y = NULL;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "fuzz", &in, &out));
  PetscCheck(in->ncomp <= PHYNN_MODEL_MAX_GRID, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fuzz: %d input coordinates", in->ncomp);
  PetscCall(PhynnModelEvaluatePoints(m, 1, x, NULL, &y));
  PetscCall(PetscFree(y));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char    *path;
  PhynnModel     m = NULL;
  PhynnRecord    rec;
  PetscErrorCode ierr;
  PetscCall(PhynnFuzzFile(data, size, ".nc", &path));
  PhynnRecordInit(&rec);
  ierr = PhynnModelLoadFile(PETSC_COMM_SELF, path, &m, &rec);
  if (!ierr && !PhynnModelTakesImages(m)) {
    /* not every model is a point model (operators, autoencoders): that refusal is not the loader's */
    if (EvaluateOnce(m)) PhynnFuzzClearError();
  }
  if (m) PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnRecordReset(&rec));
  return ierr;
}
