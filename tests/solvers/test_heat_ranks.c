/* The heat TS solver gives the same numbers on any number of ranks: the DMDA solve on
 * PETSC_COMM_WORLD equals the serial solve (PETSC_COMM_SELF on rank 0) to 1e-10 (max abs), for
 * the default Dirichlet problem and for a periodic Gaussian. Registered with NP 1, 2, 3. */
#include "phynn/heat.h"
#include "phynn_test.h"

static PetscErrorCode Compare(MPI_Comm comm, const PhynnHeat *p, const char *what)
{
  double     *u0, *u, *v = NULL;
  PhynnHeatTS s;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(p->nx, &u0, p->nx * p->nt, &u));
  for (long i = 0; i < p->nx; i++) {
    double x = PhynnHeatX(p, i);
    u0[i]    = p->bc == PHYNN_HEAT_PERIODIC ? exp(-(x - 0.4) * (x - 0.4) / 0.02) : sin(M_PI * x);
  }
  PetscCall(PhynnHeatTSCreate(comm, p, &s));
  PetscCall(PhynnHeatTSRun(s, u0, u));
  PetscCall(PhynnHeatTSDestroy(&s));
  if (PhynnRank(comm) == 0) {
    double diff = 0;
    PetscCall(PetscMalloc1(p->nx * p->nt, &v));
    PetscCall(PhynnHeatTSCreate(PETSC_COMM_SELF, p, &s));
    PetscCall(PhynnHeatTSRun(s, u0, v));
    PetscCall(PhynnHeatTSDestroy(&s));
    for (long k = 0; k < p->nx * p->nt; k++) diff = fmax(diff, fabs(u[k] - v[k]));
    char name[160];
    snprintf(name, sizeof(name), "%s: max |u(%d ranks) - u(1 rank)|", what, PhynnSize(comm));
    CHECK_CLOSE(name, diff, 0, 0, 1e-10);
    PetscCall(PetscFree(v));
  }
  PetscCall(PetscFree2(u0, u));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestHeatRanks(MPI_Comm comm)
{
  PhynnHeat p = {.k = 0.4, .xmin = 0, .xmax = 1, .tf = 1, .nx = 256, .nt = 101, .substeps = 10, .bc = PHYNN_HEAT_DIRICHLET};
  PhynnHeat q = {.k = 0.1, .xmin = 0, .xmax = 1, .tf = 0.5, .nx = 200, .nt = 51, .substeps = 10, .bc = PHYNN_HEAT_PERIODIC};

  PetscFunctionBegin;
  PetscCall(Compare(comm, &p, "default Dirichlet problem"));
  PetscCall(Compare(comm, &q, "periodic Gaussian"));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestHeatRanks)
