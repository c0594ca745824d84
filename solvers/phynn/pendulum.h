/* The simple pendulum, theta'' + (g/l) sin(theta) = 0 (or theta'' + (g/l) theta = 0 when linear),
 * solved with PETSc TS (adaptive Dormand-Prince RK5(4), tight tolerances), and Champion et al.'s
 * sampling of initial conditions for trajectory data sets. See solvers/pendulum.c. */
#ifndef PHYNN_PENDULUM_H
#define PHYNN_PENDULUM_H

#include <petscts.h>

#include "phynn/sys.h"

typedef struct {
  double    g, l;       /* gravitational acceleration (m s-2) and length (m) */
  PetscBool linear;     /* the small-angle equation theta'' + (g/l) theta = 0 */
  double    rtol, atol; /* local error tolerances of the adaptive integrator */
} PhynnPendulum;

/* A solver: one TS on PETSC_COMM_SELF (a trajectory is a 2-vector; ranks split trajectories). */
typedef struct _p_PhynnPendulumSolver *PhynnPendulumSolver;

PetscErrorCode PhynnPendulumSolverCreate(const PhynnPendulum *p, PhynnPendulumSolver *s);
/* Lets TS read its own options (-ts_type, -ts_rk_type, -ts_adapt_*, ...). */
PetscErrorCode PhynnPendulumSolverSetFromOptions(PhynnPendulumSolver s);
/* Solves from (theta0, omega0) at t = 0 and stores theta, omega at the nt times t_i = tf i/(nt-1)
 * (hit exactly, not interpolated). *nsteps (may be NULL) receives the number of accepted steps. */
PetscErrorCode PhynnPendulumSolverRun(PhynnPendulumSolver s, double theta0, double omega0, double tf, long nt, double *theta, double *omega, long *nsteps);
/* The integrator actually configured (after -ts_* options), e.g. "PETSc TS rk 5dp, adaptive". */
PetscErrorCode PhynnPendulumSolverDescribe(PhynnPendulumSolver s, char *text, size_t len);
PetscErrorCode PhynnPendulumSolverDestroy(PhynnPendulumSolver *s);

/* Energy per unit m l^2: omega^2/2 - (g/l) cos theta (nonlinear) or omega^2/2 + (g/l) theta^2/2 (linear). */
double PhynnPendulumEnergy(const PhynnPendulum *p, double theta, double omega);

/* Champion et al. (2019) initial conditions: theta0 uniform in [-theta_max, theta_max], omega0
 * uniform in [-omega_max, omega_max], kept when |omega0^2/2 - (g/l) cos theta0| <= accept (g/l),
 * which drops trajectories near the separatrix (energy near g/l) and the smallest swings (energy
 * near -g/l). Trajectory i draws from its own counter range, so its initial condition does not
 * depend on which rank computes it. */
typedef struct {
  uint64_t seed;
  double   theta_max, omega_max, accept;
} PhynnPendulumSampler;

PetscErrorCode PhynnPendulumSample(const PhynnPendulum *p, const PhynnPendulumSampler *s, long i, double *theta0, double *omega0);

#endif
