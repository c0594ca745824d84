/* Fuzzes the reference reader of `phynn validate` (validation/metrics.c): a solution on a (t, x)
 * grid compared with a model. The model is the heat PINN kept in tests/data (its output u is
 * compared with the reference's variable u). */
#include "fuzz.h"
#include "phynn/modelfile.h"
#include "phynn/validate.h"

static PhynnModel model;

PetscErrorCode PhynnFuzzSetUp(void)
{
  PetscFunctionBegin;
  PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, PHYNN_FUZZ_SOURCE_DIR "/tests/data/v1/heat_v1.nc", &model, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char     *path;
  PhynnValidation *v;
  PetscErrorCode  ierr;
  PetscCall(PhynnFuzzFile(data, size, ".nc", &path));
  PetscCall(PetscCalloc1(1, &v)); /* large (paths, provenance): not on the stack */
  ierr = PhynnValidationCompute(model, path, v);
  PetscCall(PhynnValidationDestroy(v));
  PetscCall(PetscFree(v));
  return ierr;
}
