/* SINDy libraries (src/sindy.c): the terms and their names in Champion's and PySINDy's order,
 * Theta built as graph nodes equal to the arithmetic one (to rounding, 1e-15), the right-hand side
 * and the equation text, the library in z only (velocity=0, the tutorial's), and the refusals
 * (empty library, order 3, velocity=0 of order 1).
 * Usage: test_sindy_library */
#include <math.h>
#include <string.h>

#include "phynn/random.h"
#include "phynn/sindy.h"
#include "phynn_test.h"

static PetscErrorCode CheckNames(void)
{
  /* Champion et al.'s pendulum library: latent 1, order 2, polynomials to degree 3, sines: 12 terms */
  const char *want[] = {"1", "z0", "dz0", "z0^2", "z0*dz0", "dz0^2", "z0^3", "z0^2*dz0", "z0*dz0^2", "dz0^3", "sin(z0)", "sin(dz0)"};
  PhynnSindyLibrary lib;
  char              name[PHYNN_SINDY_NAME_MAX];
  int               bad = 0;
  PetscFunctionBegin;
  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 2, 3, 1, 0, 1, 1, &lib));
  CHECK(lib.nterms == 12, "the pendulum library has %d terms, want 12", lib.nterms);
  for (int k = 0; k < lib.nterms && k < 12; k++) {
    PhynnSindyTermName(&lib, k, name, sizeof(name));
    if (strcmp(name, want[k])) bad = 1;
    CHECK(!strcmp(name, want[k]), "term %d is '%s', want '%s'", k, name, want[k]);
  }
  if (!bad) printf("ok   the pendulum library: 12 terms 1, z0, dz0, z0^2, ..., dz0^3, sin(z0), sin(dz0)\n");
  /* two latent variables, order 1, degree 2, cosines, no constant: z0, z1, z0^2, z0*z1, z1^2, cos(z0), cos(z1) */
  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 2, 1, 2, 0, 1, 0, 1, &lib));
  PhynnSindyTermName(&lib, 3, name, sizeof(name));
  CHECK(lib.nterms == 7 && !strcmp(name, "z0*z1"), "latent 2, order 1, degree 2 with cosines: %d terms, term 3 '%s'; want 7 and z0*z1", lib.nterms, name);
  PhynnSindyTermName(&lib, 6, name, sizeof(name));
  CHECK(!strcmp(name, "cos(z1)"), "the last term is '%s', want cos(z1)", name);
  if (lib.nterms == 7) printf("ok   latent 2, order 1: 7 terms, products and cosines named as PySINDy does\n");
  /* velocity=0: the tutorial's library of order 2, in z alone (z'' = f(z)): z0, z0^2, z0^3, z0^4, sin(z0) */
  {
    const char *tut[] = {"z0", "z0^2", "z0^3", "z0^4", "sin(z0)"};
    PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 2, 4, 1, 0, 0, 0, &lib));
    CHECK(lib.nterms == 5 && lib.nvars == 2 && lib.nlibvars == 1, "velocity=0, degree 4, sines: %d terms over %d of %d variables; want 5 over 1 of 2", lib.nterms, lib.nlibvars, lib.nvars);
    bad = 0;
    for (int k = 0; k < lib.nterms && k < 5; k++) {
      PhynnSindyTermName(&lib, k, name, sizeof(name));
      if (strcmp(name, tut[k])) bad = 1;
      CHECK(!strcmp(name, tut[k]), "velocity=0: term %d is '%s', want '%s'", k, name, tut[k]);
    }
    if (!bad && lib.nterms == 5) printf("ok   velocity=0 (the tutorial's library): z0, z0^2, z0^3, z0^4, sin(z0), no dz0 term\n");
  }
  PetscFunctionReturn(0);
}

/* Theta as graph nodes (slices, products, sin, cos, concatenation) against PhynnSindyLibraryEval
 * at random states, for latent 2 of order 2 (4 state variables, degree 3: 1 + 4 + 10 + 20 terms,
 * plus 4 sines and 4 cosines; with velocity=0 the terms use z0, z1 only: 1 + 2 + 3 + 4 + 2 + 2). */
static PetscErrorCode CheckGraph(int velocity, int want_terms)
{
  const long        N = 7;
  PhynnSindyLibrary lib;
  PhynnGraph        g;
  int               z, dz, one, th;
  double            zv[14], dzv[14], ones[7], row[PHYNN_SINDY_MAX_TERMS], worst = 0;
  const double     *v;
  PhynnShape        sh;
  PetscFunctionBegin;
  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 2, 2, 3, 1, 1, 1, velocity, &lib));
  CHECK(lib.nterms == want_terms, "latent 2, order 2, degree 3 with sines and cosines, velocity=%d: %d terms, want %d", velocity, lib.nterms, want_terms);
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "z", 2, &z));
  PetscCall(PhynnGraphInput(g, "dz", 2, &dz));
  PetscCall(PhynnGraphInput(g, "one", 1, &one));
  PetscCall(PhynnSindyLibraryGraph(g, &lib, z, dz, one, &th));
  PetscCall(PhynnGraphSetUp(g));
  PhynnUniformFill(5, 1, 0, 2 * N, -2.0, 2.0, zv);
  PhynnUniformFill(5, 2, 0, 2 * N, -2.0, 2.0, dzv);
  for (long i = 0; i < N; i++) ones[i] = 1;
  PetscCall(PhynnGraphSetInput(g, z, N, zv));
  PetscCall(PhynnGraphSetInput(g, dz, N, dzv));
  PetscCall(PhynnGraphSetInput(g, one, N, ones));
  PetscCall(PhynnGraphForward(g, th));
  PetscCall(PhynnGraphValue(g, th, &v, &sh));
  CHECK(sh.dim[0] == N && sh.dim[1] == lib.nterms, "Theta is (%ld, %ld), want (%ld, %d)", sh.dim[0], sh.dim[1], N, lib.nterms);
  for (long i = 0; i < N; i++) {
    double state[4] = {zv[2 * i], zv[2 * i + 1], dzv[2 * i], dzv[2 * i + 1]};
    PhynnSindyLibraryEval(&lib, state, row);
    for (int k = 0; k < lib.nterms; k++) worst = PetscMax(worst, fabs(v[i * lib.nterms + k] - row[k]) / PetscMax(1.0, fabs(row[k])));
  }
  CHECK(worst <= 1e-15, "Theta as graph nodes differs from the arithmetic one by %.3g (relative)", worst);
  if (worst <= 1e-15) printf("ok   Theta as graph nodes = PhynnSindyLibraryEval at 7 random states, %d terms (max relative difference %.2g)\n", lib.nterms, worst);
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckEquation(void)
{
  PhynnSindyLibrary lib;
  double            xi[12] = {0}, state[2] = {0.7, -0.3}, rhs, want = -0.981 * sin(0.7) + 0.02 * 0.7;
  char              text[256];
  PetscErrorCode    ierr;
  PetscFunctionBegin;
  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 2, 3, 1, 0, 1, 1, &lib));
  xi[10] = -0.981; /* sin(z0) */
  xi[1]  = 0.02;   /* z0 */
  PhynnSindyRHS(&lib, xi, state, &rhs);
  CHECK(fabs(rhs - want) <= 1e-15, "z0'' at (0.7, -0.3) is %.17g, want %.17g", rhs, want);
  PhynnSindyEquation(&lib, xi, 0, text, sizeof(text));
  CHECK(!strcmp(text, "z0'' = 0.02 z0 - 0.981 sin(z0)"), "equation text '%s'", text);
  xi[1] = 0;
  PhynnSindyEquation(&lib, xi, 0, text, sizeof(text));
  CHECK(!strcmp(text, "z0'' = -0.981 sin(z0)"), "equation text '%s', want \"z0'' = -0.981 sin(z0)\"", text);
  xi[10] = 0;
  PhynnSindyEquation(&lib, xi, 0, text, sizeof(text));
  CHECK(!strcmp(text, "z0'' = 0"), "equation text of no terms '%s'", text);
  printf("ok   the right-hand side and the equation text (\"z0'' = -0.981 sin(z0)\")\n");
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 2, 0, 0, 0, 1, 1, &lib);
  CHECK(ierr != 0, "a library of only the constant must be refused");
  ierr = PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 3, 2, 1, 0, 1, 1, &lib);
  CHECK(ierr != 0, "order 3 must be refused");
  ierr = PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 1, 2, 1, 0, 1, 0, &lib);
  CHECK(ierr != 0, "velocity=0 with order 1 (no z' to leave out) must be refused");
  PetscCall(PetscPopErrorHandler());
  printf("ok   an empty library, order 3 and velocity=0 of order 1 are refused\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  PetscFunctionBegin;
  (void)comm;
  PetscCall(CheckNames());
  PetscCall(CheckGraph(1, 43));
  PetscCall(CheckGraph(0, 14));
  PetscCall(CheckEquation());
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
