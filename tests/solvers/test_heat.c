/* The heat reference solvers against exact solutions:
 *   - default problem (k = 0.4, [0, 1] x [0, 1], sin(pi x), u = 0 at the ends, nx = 256, nt = 101,
 *     10 Crank-Nicolson steps per output interval): max |u - exp(-k pi^2 t) sin(pi x)| < 1e-5 over
 *     the whole output grid;
 *   - observed order of the spatial error under refinement (h = 1/16 ... 1/128, time error made
 *     negligible): between 1.9 and 2.1;
 *   - periodic sin(2 pi x): the TS path within 2e-5 (measured 1.08e-5; docs/solvers.md) of
 *     exp(-4 k pi^2 t) sin(2 pi x), the FFTW
 *     spectral path within 1e-13 (exact in time, exact in space for one mode). */
#include "phynn/heat.h"
#include "phynn_test.h"

static PetscErrorCode MaxError(MPI_Comm comm, const PhynnHeat *p, int spectral, double mode, double *err, double *err_final, double *seconds)
{
  double     *u0, *u;
  PhynnHeatTS s;
  const double L = p->xmax - p->xmin, kap = (p->bc == PHYNN_HEAT_PERIODIC ? 2.0 : 1.0) * mode * M_PI / L;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(p->nx, &u0, p->nx * p->nt, &u));
  for (long i = 0; i < p->nx; i++) u0[i] = sin(kap * (PhynnHeatX(p, i) - p->xmin));
  double t0 = PhynnTime();
  if (spectral) PetscCall(PhynnHeatSpectral(p, u0, u));
  else {
    PetscCall(PhynnHeatTSCreate(comm, p, &s));
    PetscCall(PhynnHeatTSRun(s, u0, u));
    PetscCall(PhynnHeatTSDestroy(&s));
  }
  if (seconds) *seconds = PhynnTime() - t0;
  *err = 0;
  for (long j = 0; j < p->nt; j++)
    for (long i = 0; i < p->nx; i++) {
      double e = fabs(u[j * p->nx + i] - exp(-p->k * kap * kap * PhynnHeatT(p, j)) * sin(kap * (PhynnHeatX(p, i) - p->xmin)));
      *err     = fmax(*err, e);
      if (j == p->nt - 1 && i == 0) *err_final = 0;
      if (j == p->nt - 1) *err_final = fmax(*err_final, e);
    }
  PetscCall(PetscFree2(u0, u));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestHeat(MPI_Comm comm)
{
  PhynnHeat p = {.k = 0.4, .xmin = 0, .xmax = 1, .tf = 1, .nx = 256, .nt = 101, .substeps = 10, .bc = PHYNN_HEAT_DIRICHLET};
  double    err, errf, sec, e[4];

  PetscFunctionBegin;
  PetscCall(MaxError(PETSC_COMM_SELF, &p, 0, 1, &err, &errf, &sec));
  PetscCall(PetscPrintf(comm, "default heat problem (TS CN, 256 x 101, 1000 steps): %.3f s\n", sec));
  CHECK_CLOSE("default: max |u - exp(-k pi^2 t) sin(pi x)| over the output grid", err, 0, 0, 1e-5);

  /* Spatial convergence: time error ~1e-10 with dt = 1e-4 */
  p.tf = 0.5, p.nt = 11, p.substeps = 500;
  for (int r = 0; r < 4; r++) {
    p.nx = (16L << r) + 1;
    PetscCall(MaxError(PETSC_COMM_SELF, &p, 0, 1, &err, &e[r], NULL));
    PetscCall(PetscPrintf(comm, "  h = 1/%ld: max error at t = 0.5: %.3e\n", p.nx - 1, e[r]));
  }
  for (int r = 0; r < 3; r++) {
    char what[96];
    snprintf(what, sizeof(what), "observed spatial order, h = 1/%d -> 1/%d", 16 << r, 32 << r);
    CHECK_CLOSE(what, log2(e[r] / e[r + 1]), 2.0, 0, 0.1);
  }

  /* Periodic */
  PhynnHeat q = {.k = 0.4, .xmin = 0, .xmax = 1, .tf = 1, .nx = 256, .nt = 101, .substeps = 10, .bc = PHYNN_HEAT_PERIODIC};
  PetscCall(MaxError(PETSC_COMM_SELF, &q, 0, 1, &err, &errf, NULL));
  /* mode 2 pi: four times the spatial error of mode pi at the same h */
  CHECK_CLOSE("periodic sin(2 pi x), TS CN (256 x 101): max error", err, 0, 0, 2e-5);
  PetscCall(MaxError(PETSC_COMM_SELF, &q, 1, 1, &err, &errf, &sec));
  CHECK_CLOSE("periodic sin(2 pi x), FFTW spectral: max error", err, 0, 0, 1e-13);
  q.xmin = -1, q.xmax = 2, q.nx = 96;
  PetscCall(MaxError(PETSC_COMM_SELF, &q, 1, 3, &err, &errf, &sec));
  CHECK_CLOSE("periodic mode 3 on [-1, 2), FFTW spectral: max error", err, 0, 0, 1e-13);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestHeat)
