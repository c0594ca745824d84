/* The 1D heat equation with PETSc TS on a distributed DMDA.
 *
 *   PDE:    u_t = k u_xx,  x in [xmin, xmax], t in [0, tf]
 *   BC:     Dirichlet u(t, xmin) = u(t, xmax) = 0, or periodic
 *   IC:     u(0, x) = u0(x) (sin, gaussian, a file, or a random field: see apps/cmd_solve_heat.c)
 *   Exact:  u0 = sin(m pi (x - xmin)/L) (Dirichlet): u = exp(-k (m pi/L)^2 t) u0(x);
 *           DeepXDE's default k = 0.4 on [0, 1]: u = exp(-0.4 pi^2 t) sin(pi x).
 *
 * Method of lines: second-order central differences, u_i' = k (u_{i-1} - 2 u_i + u_{i+1})/h^2, on
 * a DMDA (stencil width 1) over the communicator; for Dirichlet problems the end rows are u' = 0
 * and the end values are 0. The system U' = A U is linear with a constant matrix, so TS gets
 * TSComputeRHSFunctionLinear/TSComputeRHSJacobianConstant and integrates it with Crank-Nicolson
 * (TSCN, second order, A-stable) using a fixed number of equal steps per output interval.
 *
 * Why fixed steps and tight linear solves: the answer must not depend on the number of ranks. The
 * steps are a function of (tf, nt, substeps) only, and each (I - dt/2 A) solve is converged to a
 * direct solve by default (KSPPREONLY + PCREDUNDANT: every rank LU-solves the whole tridiagonal
 * system, two collectives per step instead of ~2 per GMRES iteration, which matters when ranks
 * outnumber cores), so 1, 2 and 3 ranks agree to ~1e-15. An iterative solve is available with
 * -ksp_type gmres -pc_type jacobi -ksp_rtol 1e-14.
 *
 * Accuracy at the defaults (nx = 256, nt = 101, substeps = 10, so dt = 1e-3): CN's time error for
 * the mode sin(pi x) is ~ (k pi^2)^3 dt^2 t e^{-k pi^2 t}/12 < 1e-7, and the spatial error
 * ~ k pi^4 h^2 t e^{-k pi^2 t}/12 <= 4e-6 (largest near t = 1/(k pi^2)). CN damps stiff modes only
 * weakly (its amplification factor tends to -1): for rough initial data use -ts_type bdf or more
 * substeps. */
#include <petscdmda.h>
#include <string.h>

#include "phynn/heat.h"

struct _p_PhynnHeatTS {
  PhynnHeat  p;
  MPI_Comm   comm;
  DM         da;
  Mat        A;
  TS         ts;
  Vec        U, U0; /* global solution, its copy on rank 0 */
  VecScatter to0;
};

double PhynnHeatX(const PhynnHeat *p, long i)
{
  const double L = p->xmax - p->xmin;
  return p->bc == PHYNN_HEAT_PERIODIC ? p->xmin + L * (double)i / (double)p->nx : (i == p->nx - 1 ? p->xmax : p->xmin + L * (double)i / (double)(p->nx - 1));
}

double PhynnHeatT(const PhynnHeat *p, long j) { return j == p->nt - 1 ? p->tf : p->tf * (double)j / (double)(p->nt - 1); }

/* A = k/h^2 tridiag(1, -2, 1) on the interior (wrapping around when periodic); zero end rows for Dirichlet. */
static PetscErrorCode AssembleLaplacian(PhynnHeatTS s)
{
  const PhynnHeat *p = &s->p;
  const double     L = p->xmax - p->xmin, h = p->bc == PHYNN_HEAT_PERIODIC ? L / (double)p->nx : L / (double)(p->nx - 1);
  const double     c = p->k / (h * h);
  PetscInt         xs, xm;

  PetscFunctionBegin;
  PetscCall(DMDAGetCorners(s->da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (PetscInt i = xs; i < xs + xm; i++) {
    MatStencil row = {.i = i}, col[3];
    PetscScalar v[3];
    if (p->bc == PHYNN_HEAT_DIRICHLET && (i == 0 || i == p->nx - 1)) {
      v[0] = 0.0;
      PetscCall(MatSetValuesStencil(s->A, 1, &row, 1, &row, v, INSERT_VALUES));
      continue;
    }
    col[0].i = i - 1;
    col[1].i = i;
    col[2].i = i + 1;
    v[0]     = c;
    v[1]     = -2.0 * c;
    v[2]     = c;
    PetscCall(MatSetValuesStencil(s->A, 1, &row, 3, col, v, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(s->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(s->A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeatTSCreate(MPI_Comm comm, const PhynnHeat *p, PhynnHeatTS *out)
{
  PhynnHeatTS s;
  SNES        snes;
  KSP         ksp;
  PC          pc;
  TSAdapt     adapt;

  PetscFunctionBegin;
  PetscCheck(p->nx >= 4 && p->nt >= 2 && p->substeps >= 1, comm, PHYNN_ERR_INPUT, "heat: need nx >= 4, nt >= 2, substeps >= 1 (got %ld, %ld, %ld)", p->nx, p->nt, p->substeps);
  PetscCheck(p->nx >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "heat: %ld grid points cannot be spread over %d ranks; use -nx >= %d or fewer ranks", p->nx, PhynnSize(comm), PhynnSize(comm));
  PetscCall(PetscNew(&s));
  s->p    = *p;
  s->comm = comm;
  PetscCall(DMDACreate1d(comm, p->bc == PHYNN_HEAT_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE, (PetscInt)p->nx, 1, 1, NULL, &s->da));
  PetscCall(DMSetUp(s->da));
  PetscCall(DMCreateMatrix(s->da, &s->A));
  PetscCall(AssembleLaplacian(s));
  PetscCall(DMCreateGlobalVector(s->da, &s->U));
  /* For a 1D DMDA the global (PETSc) ordering is the natural ordering, so a scatter to zero
   * delivers the grid in order. */
  PetscCall(VecScatterCreateToZero(s->U, &s->to0, &s->U0));

  PetscCall(TSCreate(comm, &s->ts));
  PetscCall(TSSetDM(s->ts, s->da));
  PetscCall(TSSetProblemType(s->ts, TS_LINEAR));
  PetscCall(TSSetRHSFunction(s->ts, NULL, TSComputeRHSFunctionLinear, NULL));
  PetscCall(TSSetRHSJacobian(s->ts, s->A, s->A, TSComputeRHSJacobianConstant, NULL));
  PetscCall(TSSetType(s->ts, TSCN));
  PetscCall(TSGetAdapt(s->ts, &adapt));
  PetscCall(TSAdaptSetType(adapt, TSADAPTNONE));
  PetscCall(TSSetTimeStep(s->ts, p->tf / (double)((p->nt - 1) * p->substeps)));
  PetscCall(TSSetMaxTime(s->ts, 2.0 * p->tf));
  PetscCall(TSSetMaxSteps(s->ts, PETSC_MAX_INT));
  PetscCall(TSGetSNES(s->ts, &snes));
  PetscCall(SNESSetType(snes, SNESKSPONLY));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCREDUNDANT));
  PetscCall(KSPSetTolerances(ksp, 1e-14, 1e-300, PETSC_DEFAULT, 10000));
  PetscCall(KSPSetErrorIfNotConverged(ksp, PETSC_TRUE));
  *out = s;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeatTSSetFromOptions(PhynnHeatTS s)
{
  PetscFunctionBegin;
  PetscCall(TSSetFromOptions(s->ts));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeatTSRun(PhynnHeatTS s, const double *u0, double *u)
{
  const PhynnHeat *p = &s->p;
  PetscScalar     *a;
  PetscInt         xs, xm;
  const int        rank = PhynnRank(s->comm);

  PetscFunctionBegin;
  PetscCall(DMDAGetCorners(s->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArray(s->da, s->U, &a));
  for (PetscInt i = xs; i < xs + xm; i++) a[i] = (p->bc == PHYNN_HEAT_DIRICHLET && (i == 0 || i == p->nx - 1)) ? 0.0 : u0[i];
  PetscCall(DMDAVecRestoreArray(s->da, s->U, &a));
  PetscCall(TSSetTime(s->ts, 0.0));
  PetscCall(TSSetStepNumber(s->ts, 0));
  PetscCall(TSSetSolution(s->ts, s->U));
  for (long j = 0; j < p->nt; j++) {
    if (j > 0) {
      const double dt = (PhynnHeatT(p, j) - PhynnHeatT(p, j - 1)) / (double)p->substeps;
      TSConvergedReason reason;
      for (long k = 0; k < p->substeps; k++) {
        PetscCall(TSSetTimeStep(s->ts, dt));
        PetscCall(TSStep(s->ts));
        PetscCall(TSGetConvergedReason(s->ts, &reason));
        PetscCheck(reason >= 0, s->comm, PHYNN_ERR_NUMERIC, "heat: time step %ld failed (%s); try more -substeps or other -ksp_ options", k, TSConvergedReasons[reason]);
      }
      PetscCall(TSSetTime(s->ts, PhynnHeatT(p, j))); /* no drift of t from summing dt */
    }
    PetscCall(VecScatterBegin(s->to0, s->U, s->U0, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(s->to0, s->U, s->U0, INSERT_VALUES, SCATTER_FORWARD));
    if (rank == 0 && u) {
      const PetscScalar *b;
      PetscCall(VecGetArrayRead(s->U0, &b));
      for (long i = 0; i < p->nx; i++) u[j * p->nx + i] = PetscRealPart(b[i]);
      PetscCall(VecRestoreArrayRead(s->U0, &b));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeatTSDescribe(PhynnHeatTS s, char *text, size_t len)
{
  TSType    ttype;
  KSPType   ktype;
  PCType    ptype;
  SNES      snes;
  KSP       ksp;
  PC        pc;
  PetscReal rtol;

  PetscFunctionBegin;
  PetscCall(TSGetType(s->ts, &ttype));
  PetscCall(TSGetSNES(s->ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetType(ksp, &ktype));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &ptype));
  PetscCall(KSPGetTolerances(ksp, &rtol, NULL, NULL, NULL));
  PetscCall(PetscSNPrintf(text, len, "PETSc TS %s%s with %ld equal steps per output interval on a DMDA (second-order central differences); KSP %s (rtol %g), PC %s", ttype,
                          !strcmp(ttype, TSCN) ? " (Crank-Nicolson)" : "", s->p.substeps, ktype, (double)rtol, ptype));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeatTSDestroy(PhynnHeatTS *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  PetscCall(TSDestroy(&(*s)->ts));
  PetscCall(VecScatterDestroy(&(*s)->to0));
  PetscCall(VecDestroy(&(*s)->U0));
  PetscCall(VecDestroy(&(*s)->U));
  PetscCall(MatDestroy(&(*s)->A));
  PetscCall(DMDestroy(&(*s)->da));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
