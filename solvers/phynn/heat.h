/* The 1D heat equation u_t = k u_xx on [xmin, xmax], Dirichlet (u = 0 at both ends) or periodic.
 * Two solvers: PETSc TS (Crank-Nicolson) on a DMDA distributed over a communicator
 * (solvers/heat_ts.c), and for periodic problems an FFTW spectral solution exact in time
 * (solvers/heat_spectral.c). */
#ifndef PHYNN_HEAT_H
#define PHYNN_HEAT_H

#include <petscts.h>

#include "phynn/sys.h"

typedef enum { PHYNN_HEAT_DIRICHLET, PHYNN_HEAT_PERIODIC } PhynnHeatBC;

typedef struct {
  double      k;          /* diffusivity (> 0) */
  double      xmin, xmax; /* the domain */
  double      tf;         /* final time; output times t_j = tf j/(nt-1) */
  long        nx, nt;     /* output grid (also the solver's grid) */
  long        substeps;   /* Crank-Nicolson steps per output interval */
  PhynnHeatBC bc;
} PhynnHeat;

/* Grid point i: Dirichlet x_i = xmin + i (xmax-xmin)/(nx-1) (both ends included, u = 0 there);
 * periodic x_i = xmin + i (xmax-xmin)/nx (xmax, the image of xmin, excluded). */
double PhynnHeatX(const PhynnHeat *p, long i);
double PhynnHeatT(const PhynnHeat *p, long j);

/* PETSc TS + DMDA solver on comm (create once, run for many initial conditions). */
typedef struct _p_PhynnHeatTS *PhynnHeatTS;
PetscErrorCode PhynnHeatTSCreate(MPI_Comm comm, const PhynnHeat *p, PhynnHeatTS *s);
/* TS, SNES, KSP and PC read their options (-ts_type, -ksp_type, -ksp_rtol, -pc_type, ...). */
PetscErrorCode PhynnHeatTSSetFromOptions(PhynnHeatTS s);
/* u0: nx values (the whole grid) on every rank. u: nt*nx values u[j nx + i] = u(t_j, x_i),
 * filled on rank 0 of the solver's communicator (may be NULL elsewhere). For Dirichlet problems
 * the end values of u0 are replaced by 0. */
PetscErrorCode PhynnHeatTSRun(PhynnHeatTS s, const double *u0, double *u);
/* "PETSc TS cn, KSP gmres (rtol 1e-14), PC jacobi" as actually configured. */
PetscErrorCode PhynnHeatTSDescribe(PhynnHeatTS s, char *text, size_t len);
PetscErrorCode PhynnHeatTSDestroy(PhynnHeatTS *s);

/* Periodic problems only, serial: u(t) = F^-1[exp(-k kappa^2 t) F[u0]], exact in time. */
PetscErrorCode PhynnHeatSpectral(const PhynnHeat *p, const double *u0, double *u);

#endif
