/* nc_compare A.nc B.nc VAR TOL [VAR TOL ...]: max |A.VAR - B.VAR| <= TOL for each variable (same
 * shape); TOL "bits": the same bytes (memcmp, so -0 and 0 differ). Used to check that runs on 1, 2
 * and 3 ranks write the same numbers. */
#include <string.h>

#include "phynn/ncfile.h"
#include "phynn_test.h"

static int    g_argc;
static char **g_argv;

static PetscErrorCode Compare(MPI_Comm comm)
{
  int ia, ib;

  PetscFunctionBegin;
  PetscCheck(g_argc >= 5 && (g_argc - 3) % 2 == 0, comm, PHYNN_ERR_INPUT, "usage: nc_compare A.nc B.nc VAR TOL [VAR TOL ...]");
  PetscCall(PhynnNcOpen(g_argv[1], &ia));
  PetscCall(PhynnNcOpen(g_argv[2], &ib));
  for (int k = 3; k + 1 < g_argc; k += 2) {
    double *a, *b, diff = 0;
    size_t  na, nb;
    char    what[256];
    PetscCall(PhynnNcReadDoubles(ia, g_argv[1], g_argv[k], &a, &na));
    PetscCall(PhynnNcReadDoubles(ib, g_argv[2], g_argv[k], &b, &nb));
    CHECK(na == nb && na > 0, "%s: %zu values in %s, %zu in %s", g_argv[k], na, g_argv[1], nb, g_argv[2]);
    if (!strcmp(g_argv[k + 1], "bits")) {
      size_t same = 0;
      while (same < na && same < nb && !memcmp(&a[same], &b[same], sizeof(double))) same++;
      CHECK(na == nb && same == na, "%s: %s and %s differ in the bits of value %zu of %zu", g_argv[k], g_argv[1], g_argv[2], same, na);
      if (na == nb && same == na && PhynnRank(comm) == 0) printf("ok   %s(%s) and %s(%s): the same %zu doubles, bit for bit\n", g_argv[k], g_argv[1], g_argv[k], g_argv[2], na);
    } else {
      for (size_t i = 0; i < na && i < nb; i++) diff = fmax(diff, fabs(a[i] - b[i]));
      snprintf(what, sizeof(what), "max |%s(%s) - %s(%s)|", g_argv[k], g_argv[1], g_argv[k], g_argv[2]);
      CHECK_CLOSE(what, diff, 0, 0, atof(g_argv[k + 1]));
    }
    PetscCall(PetscFree(a));
    PetscCall(PetscFree(b));
  }
  nc_close(ia);
  nc_close(ib);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  g_argc = argc;
  g_argv = argv;
  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  PetscErrorCode ierr = Compare(PETSC_COMM_WORLD);
  if (PetscFinalize()) return 1;
  return (ierr || phynn_test_failures) ? 1 : 0;
}
