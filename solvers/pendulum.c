/* Reference solutions of the simple pendulum.
 *
 *   ODE:    theta'' + (g/l) sin(theta) = 0        (nonlinear, default)
 *           theta'' + (g/l) theta      = 0        (small-angle, -linear)
 *   IC:     theta(0) = theta0, theta'(0) = omega0
 *   Exact:  linear: theta = theta0 cos(w t) + (omega0/w) sin(w t), w = sqrt(g/l).
 *           nonlinear, omega0 = 0: period T = 4 K(k)/w with modulus k = sin(theta0/2) and K the
 *           complete elliptic integral of the first kind (3.2959 s for theta0 = 2.5, g = 9.81, l = 1).
 *   Invariant: E = omega^2/2 - (g/l) cos(theta)  (per unit m l^2; omega^2/2 + (g/l) theta^2/2 if linear).
 *
 * Method: first-order system y = (theta, omega), y' = (omega, -(g/l) sin theta), integrated by PETSc
 * TS with the adaptive Dormand-Prince RK5(4) pair (TSRK 5dp) at rtol = atol = 1e-13 by default.
 * Output times are hit exactly: each output interval is one TSSolve with the final time set to the
 * next output time and TS_EXACTFINALTIME_MATCHSTEP, so the last step of an interval is shortened
 * rather than interpolated. A trajectory is a 2-vector, so every trajectory lives on
 * PETSC_COMM_SELF and ranks split trajectories, never one trajectory. */
#include "phynn/pendulum.h"

#include <math.h>
#include <string.h>

#include "phynn/random.h"

struct _p_PhynnPendulumSolver {
  PhynnPendulum p;
  TS            ts;
  Vec           y;
};

/* y' = F(t, y) */
static PetscErrorCode PendulumRHS(TS ts, PetscReal t, Vec Y, Vec F, void *ctx)
{
  const PhynnPendulum *p = (const PhynnPendulum *)ctx;
  const PetscScalar   *y;
  PetscScalar         *f;
  const double         w2 = p->g / p->l;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(Y, &y));
  PetscCall(VecGetArray(F, &f));
  f[0] = y[1];
  f[1] = p->linear ? -w2 * y[0] : -w2 * sin(y[0]);
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArray(F, &f));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSolverCreate(const PhynnPendulum *p, PhynnPendulumSolver *s)
{
  PhynnPendulumSolver n;

  PetscFunctionBegin;
  PetscCall(PetscNew(&n));
  n->p = *p;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2, &n->y));
  PetscCall(TSCreate(PETSC_COMM_SELF, &n->ts));
  PetscCall(TSSetProblemType(n->ts, TS_NONLINEAR));
  PetscCall(TSSetRHSFunction(n->ts, NULL, PendulumRHS, &n->p));
  PetscCall(TSSetType(n->ts, TSRK));
  PetscCall(TSRKSetType(n->ts, TSRK5DP));
  PetscCall(TSSetTolerances(n->ts, p->atol, NULL, p->rtol, NULL));
  PetscCall(TSSetExactFinalTime(n->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(n->ts, PETSC_MAX_INT));
  *s = n;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSolverSetFromOptions(PhynnPendulumSolver s)
{
  PetscFunctionBegin;
  PetscCall(TSSetFromOptions(s->ts));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSolverRun(PhynnPendulumSolver s, double theta0, double omega0, double tf, long nt, double *theta, double *omega, long *nsteps)
{
  PetscScalar *y;
  PetscInt     steps;

  PetscFunctionBegin;
  PetscCheck(nt >= 2 && tf > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum: need nt >= 2 and tf > 0 (got nt = %ld, tf = %g)", nt, tf);
  PetscCall(VecGetArray(s->y, &y));
  y[0] = theta0;
  y[1] = omega0;
  PetscCall(VecRestoreArray(s->y, &y));
  /* Start afresh: time 0, step 0, a small first step the adaptor grows. */
  PetscCall(TSSetTime(s->ts, 0.0));
  PetscCall(TSSetStepNumber(s->ts, 0));
  PetscCall(TSSetTimeStep(s->ts, PetscMin(1e-3, tf / (double)(nt - 1)) / sqrt(PetscMax(s->p.g / s->p.l, 1.0))));
  PetscCall(TSSetSolution(s->ts, s->y));
  PetscCall(TSRestartStep(s->ts));
  theta[0] = theta0;
  omega[0] = omega0;
  for (long i = 1; i < nt; i++) {
    double ti = (i == nt - 1) ? tf : tf * (double)i / (double)(nt - 1);
    const PetscScalar *yr;
    PetscCall(TSSetMaxTime(s->ts, ti));
    PetscCall(TSSolve(s->ts, s->y));
    PetscCall(VecGetArrayRead(s->y, &yr));
    theta[i] = yr[0];
    omega[i] = yr[1];
    PetscCall(VecRestoreArrayRead(s->y, &yr));
  }
  PetscCall(TSGetStepNumber(s->ts, &steps));
  if (nsteps) *nsteps = steps;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSolverDescribe(PhynnPendulumSolver s, char *text, size_t len)
{
  TSType    type;
  TSRKType  rk = NULL;
  PetscBool isrk;
  TSAdapt   adapt;
  TSAdaptType atype;

  PetscFunctionBegin;
  PetscCall(TSGetType(s->ts, &type));
  PetscCall(PetscObjectTypeCompare((PetscObject)s->ts, TSRK, &isrk));
  if (isrk) PetscCall(TSRKGetType(s->ts, &rk));
  PetscCall(TSGetAdapt(s->ts, &adapt));
  PetscCall(TSAdaptGetType(adapt, &atype));
  PetscCall(PetscSNPrintf(text, len, "PETSc TS %s%s%s, step adaptor %s%s", type, rk ? " " : "", rk ? rk : "", atype,
                          isrk && rk && !strcmp(rk, TSRK5DP) ? " (Dormand-Prince RK5(4))" : ""));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSolverDestroy(PhynnPendulumSolver *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  PetscCall(TSDestroy(&(*s)->ts));
  PetscCall(VecDestroy(&(*s)->y));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}

double PhynnPendulumEnergy(const PhynnPendulum *p, double theta, double omega)
{
  const double w2 = p->g / p->l;
  return p->linear ? 0.5 * omega * omega + 0.5 * w2 * theta * theta : 0.5 * omega * omega - w2 * cos(theta);
}

/* Random stream of the pendulum sampler; trajectory i uses indices [i 2^24, (i + 1) 2^24). */
#define PHYNN_STREAM_PENDULUM (PHYNN_STREAM_USER + 0x100)
#define PENDULUM_MAX_TRIES (1L << 23)

PetscErrorCode PhynnPendulumSample(const PhynnPendulum *p, const PhynnPendulumSampler *s, long i, double *theta0, double *omega0)
{
  const double w2 = p->g / p->l;

  PetscFunctionBegin;
  for (long k = 0; k < PENDULUM_MAX_TRIES; k++) {
    uint64_t index = ((uint64_t)i << 24) + 2 * (uint64_t)k;
    double   th    = -s->theta_max + 2 * s->theta_max * PhynnUniform(s->seed, PHYNN_STREAM_PENDULUM, index);
    double   om    = -s->omega_max + 2 * s->omega_max * PhynnUniform(s->seed, PHYNN_STREAM_PENDULUM, index + 1);
    /* Champion et al.: |omega^2/2 - (g/l) cos theta| <= accept (g/l) */
    if (fabs(0.5 * om * om - w2 * cos(th)) <= s->accept * w2) {
      *theta0 = th;
      *omega0 = om;
      PetscFunctionReturn(0);
    }
  }
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum sampling: no initial condition passed the acceptance rule in %ld draws; widen -theta_range/-omega_range or raise -accept", PENDULUM_MAX_TRIES);
}
