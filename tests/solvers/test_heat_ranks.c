/* The heat TS solver gives the same numbers on any number of ranks: the DMDA solve on
 * PETSC_COMM_WORLD equals the serial solve (PETSC_COMM_SELF on rank 0) to 1e-13 (max abs; measured
 * at most 6.7e-16: only the order of the parallel sums differs; 150x margin, as sums in another
 * order on another CPU may round differently), for the default Dirichlet problem
 * and for a periodic Gaussian. Registered with NP 1, 2, 3. At 1 rank the two solves are the same
 * computation, so the distributed Dirichlet solution is also held to independent answers at every
 * rank count: the exact solution exp(-k pi^2 t) sin(pi x), 1e-5 as in test_heat.c (measured
 * 4.2e-6: the O(h^2, dt^2) discretisation error), and Crank-Nicolson's exact discrete solution
 * G^n sin(pi x_i): sin(pi x_i) is an eigenvector of A = k/h^2 tridiag(1, -2, 1) with eigenvalue
 * lam = -4 k/h^2 sin^2(pi h/2), and each step of length dt multiplies it by
 * G = (1 + dt lam/2)/(1 - dt lam/2); to 2e-13 (measured 2.1e-15 on 1 to 3 ranks: rounding of
 * 1000 steps; 100x margin), so that a loss of accuracy in the linear solves (-ksp_rtol 1e-14 ->
 * 1e-11, say) fails even though every rank count would lose it alike. */
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
    CHECK_CLOSE(name, diff, 0, 0, 1e-13);
    if (p->bc == PHYNN_HEAT_DIRICHLET) {
      double err = 0;
      for (long j = 0; j < p->nt; j++)
        for (long i = 0; i < p->nx; i++) err = fmax(err, fabs(u[j * p->nx + i] - exp(-p->k * M_PI * M_PI * PhynnHeatT(p, j)) * sin(M_PI * PhynnHeatX(p, i))));
      snprintf(name, sizeof(name), "%s: max |u(%d ranks) - exp(-k pi^2 t) sin(pi x)|", what, PhynnSize(comm));
      CHECK_CLOSE(name, err, 0, 0, 1e-5);
      const double h = (p->xmax - p->xmin) / (double)(p->nx - 1), sn = sin(0.5 * M_PI * h), lam = -4.0 * p->k / (h * h) * sn * sn;
      const double dt = p->tf / (double)((p->nt - 1) * p->substeps), G = pow((1 + 0.5 * dt * lam) / (1 - 0.5 * dt * lam), (double)p->substeps);
      double       gj = 1;
      err = 0;
      for (long j = 0; j < p->nt; j++, gj *= G)
        for (long i = 0; i < p->nx; i++) err = fmax(err, fabs(u[j * p->nx + i] - gj * sin(M_PI * PhynnHeatX(p, i))));
      snprintf(name, sizeof(name), "%s: max |u(%d ranks) - G^n sin(pi x)| (Crank-Nicolson's discrete solution)", what, PhynnSize(comm));
      CHECK_CLOSE(name, err, 0, 0, 2e-13);
    }
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
