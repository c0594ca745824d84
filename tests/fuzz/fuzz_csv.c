/* Fuzzes the CSV table reader (io/csv.c): data sets of `phynn train fit`, points of `phynn eval`. */
#include "fuzz.h"
#include "phynn/csv.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char    *path;
  PhynnTable     t = {0};
  PetscErrorCode ierr;
  PetscCall(PhynnFuzzFile(data, size, ".csv", &path));
  ierr = PhynnTableReadCSV(path, &t);
  PetscCall(PhynnTableDestroy(&t));
  return ierr;
}
