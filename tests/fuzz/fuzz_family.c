/* Fuzzes the family reader of `phynn train operator` and `validate` (io/operator_data.c): a heat
 * family u0(sample, x) -> u(sample, t, x). The input's size picks the output time, so each of
 * "last", "all" and "next" (one-step pairs) is fuzzed. */
#include "fuzz.h"
#include "phynn/operator_data.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  static const char *times[3] = {"last", "all", "next"};
  char               in[1][64] = {"u0"}, out[1][64] = {"u"};
  const char        *path;
  PhynnOperatorData  d;
  PetscErrorCode     ierr;
  PetscCall(PhynnFuzzFile(data, size, ".nc", &path));
  ierr = PhynnOperatorDataLoad(PETSC_COMM_SELF, path, 1, in, 1, out, times[size % 3], &d);
  PetscCall(PhynnOperatorDataFree(&d));
  return ierr;
}
