/* Fuzzes the architecture spec reader (src/spec.c through PhynnModelSetSpecFromFile): the file
 * of `-model_spec FILE`, and the model_spec text every model file carries. */
#include "fuzz.h"
#include "phynn/model.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char    *path;
  PhynnModel     m;
  PetscErrorCode ierr;
  long           n;
  PetscCall(PhynnFuzzFile(data, size, ".spec", &path));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
  ierr = PhynnModelSetSpecFromFile(m, path);
  if (!ierr) ierr = PhynnModelGetParameterCount(m, &n);
  PetscCall(PhynnModelDestroy(&m));
  return ierr;
}
