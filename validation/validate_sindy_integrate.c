/* The discovered law as an ODE, integrated with PETSc TS (validate_sindy_impl.h).
 *
 * State y = (z0 .. z{L-1}[, dz0 .. dz{L-1}]), the SINDy library's variables; order 2:
 * y' = (dz, Theta(z, dz) Xi^T), order 1: y' = Theta(z) Xi^T (PhynnSindyRHS). The integrator is
 * the pendulum solver's (solvers/pendulum.c): TSRK 5dp, the adaptive Dormand-Prince RK5(4) pair,
 * here at rtol = atol = 1e-12; output times are hit exactly (one TSSolve per output time with
 * TS_EXACTFINALTIME_MATCHSTEP), never interpolated. A law can blow up (a cubic term of the wrong
 * sign) or become too stiff: a state beyond PHYNN_SINDY_BLOWUP (1 + |y0|), a NaN, or a TS
 * failure ends the run with a status instead of an error, and the outputs from there on are NaN.
 *
 * The period of z0: the times of the downward zero crossings of s = z0' (the maxima of z0),
 * located between accepted steps by the cubic Hermite interpolant of s with its derivative
 * s' = z0'' (order 2: s is a state variable and s' the law's right-hand side; order 1: s is the
 * law's z0', and s' its derivative along the flow, a central difference of the right-hand side),
 * the steps limited to max_step so the interpolant resolves the motion. The period is the mean
 * spacing (t_last - t_first) / (ncross - 1) over up to `periods` periods. */
#include <math.h>
#include <petscts.h>
#include <string.h>

#include "validate_sindy_impl.h"

typedef struct {
  const PhynnSindyLibrary *lib;
  const double            *xi;
  double                   bound;   /* the blow-up bound on |y|_inf */
  PetscBool                diverged;
  /* period measurement */
  PetscBool                measure;
  int                      want;    /* crossings that end the run */
  int                      ncross;
  double                   t_prev, s_prev, ds_prev, t_first, t_last, zmin, zmax;
} LawCtx;

/* y' at y (n = lib->nvars values). */
static void LawRHS(const PhynnSindyLibrary *lib, const double *xi, const double *y, double *f)
{
  double rhs[PHYNN_SINDY_MAX_VARS];
  PhynnSindyRHS(lib, xi, y, rhs);
  if (lib->order == 2) {
    for (int j = 0; j < lib->latent; j++) {
      f[j]              = y[lib->latent + j];
      f[lib->latent + j] = rhs[j];
    }
  } else
    for (int j = 0; j < lib->latent; j++) f[j] = rhs[j];
}

static PetscErrorCode RHSFunction(TS ts, PetscReal t, Vec Y, Vec F, void *ctx)
{
  LawCtx            *c = (LawCtx *)ctx;
  const PetscScalar *y;
  PetscScalar       *f;
  (void)ts;
  (void)t;
  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(Y, &y));
  PetscCall(VecGetArray(F, &f));
  LawRHS(c->lib, c->xi, y, f);
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArray(F, &f));
  PetscFunctionReturn(0);
}

/* s = z0' and s' = z0'' at y. */
static void Signal(const LawCtx *c, const double *y, double *s, double *ds)
{
  const PhynnSindyLibrary *lib = c->lib;
  double                   f[PHYNN_SINDY_MAX_VARS];
  LawRHS(lib, c->xi, y, f);
  if (lib->order == 2) {
    *s  = y[lib->latent];
    *ds = f[lib->latent];
  } else { /* d/dt f0(y(t)) = grad f0 . f: a central difference along f */
    double yp[PHYNN_SINDY_MAX_VARS], ym[PHYNN_SINDY_MAX_VARS], fp[PHYNN_SINDY_MAX_VARS], fm[PHYNN_SINDY_MAX_VARS], nf = 0, ny = 0, h;
    for (int i = 0; i < lib->nvars; i++) {
      nf = PetscMax(nf, fabs(f[i]));
      ny = PetscMax(ny, fabs(y[i]));
    }
    *s = f[0];
    if (!(nf > 0)) {
      *ds = 0;
      return;
    }
    h = 1e-6 * (1 + ny) / nf; /* a step of about 1e-6 of the state along the flow */
    for (int i = 0; i < lib->nvars; i++) {
      yp[i] = y[i] + h * f[i];
      ym[i] = y[i] - h * f[i];
    }
    LawRHS(lib, c->xi, yp, fp);
    LawRHS(lib, c->xi, ym, fm);
    *ds = (fp[0] - fm[0]) / (2 * h);
  }
}

/* The root in [0, h] of the cubic Hermite interpolant with values y0 > 0 >= y1 and slopes d0, d1. */
static double HermiteRoot(double h, double y0, double y1, double d0, double d1)
{
  double lo = 0, hi = h;
  for (int it = 0; it < 200 && hi - lo > 1e-16 * h; it++) {
    double t = 0.5 * (lo + hi), s = t / h;
    double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
    double y = h00 * y0 + h10 * h * d0 + h01 * y1 + h11 * h * d1;
    if (y > 0) lo = t;
    else hi = t;
  }
  return 0.5 * (lo + hi);
}

/* After every accepted step: the blow-up guard and, when measuring, the crossings. */
static PetscErrorCode PostStep(TS ts)
{
  LawCtx            *c;
  const PetscScalar *y;
  PetscReal          t;
  Vec                U;
  PetscBool          bad = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(TSGetApplicationContext(ts, &c));
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetSolution(ts, &U));
  PetscCall(VecGetArrayRead(U, &y));
  for (int i = 0; i < c->lib->nvars; i++)
    if (!(fabs(y[i]) <= c->bound)) bad = PETSC_TRUE; /* NaN too */
  if (!bad && c->measure) {
    double s, ds;
    Signal(c, y, &s, &ds);
    c->zmin = PetscMin(c->zmin, y[0]);
    c->zmax = PetscMax(c->zmax, y[0]);
    if (c->s_prev > 0 && s <= 0) {
      double tc = c->t_prev + HermiteRoot(t - c->t_prev, c->s_prev, s, c->ds_prev, ds);
      if (!c->ncross) c->t_first = tc;
      c->t_last = tc;
      c->ncross++;
    }
    c->t_prev  = t;
    c->s_prev  = s;
    c->ds_prev = ds;
  }
  PetscCall(VecRestoreArrayRead(U, &y));
  if (bad) c->diverged = PETSC_TRUE;
  if (bad || (c->measure && c->ncross >= c->want)) PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(LawCtx *c, double dt0, double max_step, TS *ts, Vec *y)
{
  TSAdapt adapt;
  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, c->lib->nvars, y));
  PetscCall(TSCreate(PETSC_COMM_SELF, ts));
  PetscCall(TSSetProblemType(*ts, TS_NONLINEAR));
  PetscCall(TSSetRHSFunction(*ts, NULL, RHSFunction, c));
  PetscCall(TSSetApplicationContext(*ts, c));
  PetscCall(TSSetType(*ts, TSRK));
  PetscCall(TSRKSetType(*ts, TSRK5DP));
  PetscCall(TSSetTolerances(*ts, PHYNN_SINDY_ATOL, NULL, PHYNN_SINDY_RTOL, NULL));
  PetscCall(TSSetExactFinalTime(*ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(*ts, PHYNN_SINDY_MAX_STEPS));
  PetscCall(TSSetErrorIfStepFails(*ts, PETSC_FALSE));
  PetscCall(TSSetPostStep(*ts, PostStep));
  PetscCall(TSGetAdapt(*ts, &adapt));
  if (max_step > 0) PetscCall(TSAdaptSetStepLimits(adapt, PETSC_DEFAULT, max_step));
  PetscCall(TSSetTime(*ts, 0.0));
  PetscCall(TSSetTimeStep(*ts, dt0));
  PetscFunctionReturn(0);
}

static double Bound(const PhynnSindyLibrary *lib, const double *y0)
{
  double m = 0;
  for (int i = 0; i < lib->nvars; i++) m = PetscMax(m, fabs(y0[i]));
  return PHYNN_SINDY_BLOWUP * (1 + m);
}

/* One TSSolve to time `to`: PETSC_TRUE when it got there. */
static PetscErrorCode SolveTo(TS ts, Vec y, const LawCtx *c, double to, PetscBool *ok)
{
  TSConvergedReason reason;
  PetscReal         t;
  PetscFunctionBegin;
  PetscCall(TSSetMaxTime(ts, to));
  PetscCall(TSSolve(ts, y));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCall(TSGetTime(ts, &t));
  *ok = !c->diverged && reason >= 0 && reason != TS_CONVERGED_ITS && (reason != TS_CONVERGED_USER || c->measure) && t >= to - 1e-12 * PetscMax(1.0, fabs(to)) ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

void PhynnSindyIntegratorName(char *text, size_t len)
{
  snprintf(text, len, "PETSc TS rk 5dp (Dormand-Prince RK5(4)), adaptive steps, rtol %g, atol %g; output times hit exactly", PHYNN_SINDY_RTOL, PHYNN_SINDY_ATOL);
}

PetscErrorCode PhynnSindySimulate(const PhynnSindyLibrary *lib, const double *xi, const double *y0, long n, const double *t, double *y, PhynnSindyRun *run)
{
  LawCtx    c   = {0};
  TS        ts  = NULL;
  Vec       Y   = NULL;
  PetscBool ok  = PETSC_TRUE;
  long      i;
  PetscInt  steps;
  double    span = n > 1 ? t[n - 1] - t[0] : 1;

  PetscFunctionBegin;
  c.lib   = lib;
  c.xi    = xi;
  c.bound = Bound(lib, y0);
  memset(run, 0, sizeof(*run));
  run->status = PHYNN_SINDY_RUN_OK;
  run->t_stop = NAN;
  for (int k = 0; k < lib->nvars; k++) y[k] = y0[k];
  if (n <= 1) PetscFunctionReturn(0);
  PetscCall(Create(&c, PetscMin(1e-3, span / (double)(n - 1)), 0, &ts, &Y));
  {
    PetscScalar *a;
    PetscCall(VecGetArray(Y, &a));
    for (int k = 0; k < lib->nvars; k++) a[k] = y0[k];
    PetscCall(VecRestoreArray(Y, &a));
  }
  PetscCall(TSSetTime(ts, t[0]));
  PetscCall(TSSetSolution(ts, Y));
  for (i = 1; i < n && ok; i++) {
    const PetscScalar *a;
    PetscCall(SolveTo(ts, Y, &c, t[i], &ok));
    if (!ok) break;
    PetscCall(VecGetArrayRead(Y, &a));
    for (int k = 0; k < lib->nvars; k++) y[i * lib->nvars + k] = a[k];
    PetscCall(VecRestoreArrayRead(Y, &a));
  }
  if (!ok) {
    PetscReal tt;
    PetscCall(TSGetTime(ts, &tt));
    run->status = c.diverged ? PHYNN_SINDY_RUN_DIVERGED : PHYNN_SINDY_RUN_FAILED;
    run->t_stop = tt;
    for (; i < n; i++)
      for (int k = 0; k < lib->nvars; k++) y[i * lib->nvars + k] = NAN;
  }
  PetscCall(TSGetStepNumber(ts, &steps));
  run->steps = steps;
  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyMeasurePeriod(const PhynnSindyLibrary *lib, const double *xi, const double *y0, double horizon, double max_step, int periods, PhynnSindyPeriod *p)
{
  LawCtx    c  = {0};
  TS        ts = NULL;
  Vec       Y  = NULL;
  PetscBool ok;
  PetscInt  steps;
  PetscReal tt;

  PetscFunctionBegin;
  c.lib     = lib;
  c.xi      = xi;
  c.bound   = Bound(lib, y0);
  c.measure = PETSC_TRUE;
  c.want    = periods + 1;
  c.t_prev  = 0;
  Signal(&c, y0, &c.s_prev, &c.ds_prev);
  c.zmin = c.zmax = y0[0];
  memset(p, 0, sizeof(*p));
  p->horizon = horizon;
  PetscCall(Create(&c, PetscMin(1e-3, max_step > 0 ? max_step : horizon * 1e-3), max_step, &ts, &Y));
  {
    PetscScalar *a;
    PetscCall(VecGetArray(Y, &a));
    for (int k = 0; k < lib->nvars; k++) a[k] = y0[k];
    PetscCall(VecRestoreArray(Y, &a));
  }
  PetscCall(TSSetSolution(ts, Y));
  PetscCall(SolveTo(ts, Y, &c, horizon, &ok));
  {
    TSConvergedReason reason;
    PetscCall(TSGetConvergedReason(ts, &reason));
    if (reason == TS_CONVERGED_USER && !c.diverged) ok = PETSC_TRUE; /* stopped at the crossings wanted */
  }
  PetscCall(TSGetTime(ts, &tt));
  PetscCall(TSGetStepNumber(ts, &steps));
  p->t_end  = tt;
  p->steps  = steps;
  p->ncross = c.ncross;
  p->zmin   = c.zmin;
  p->zmax   = c.zmax;
  p->t_first = c.ncross ? c.t_first : NAN;
  p->t_last  = c.ncross ? c.t_last : NAN;
  p->period  = NAN;
  if (c.diverged) p->status = PHYNN_SINDY_OSC_DIVERGED;
  else if (!ok) p->status = PHYNN_SINDY_OSC_FAILED;
  else if (c.ncross < 2 || !(c.zmax - c.zmin > 1e-9 * (1 + PetscMax(fabs(c.zmax), fabs(c.zmin))))) p->status = PHYNN_SINDY_OSC_NO; /* a constant z0 crosses by rounding only */
  else p->status = PHYNN_SINDY_OSC_YES;
  if (p->status == PHYNN_SINDY_OSC_YES) p->period = (c.t_last - c.t_first) / (double)(c.ncross - 1);
  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

double PhynnEllipticK(double k)
{
  double a = 1.0, b = sqrt(1.0 - k * k);
  if (!(k < 1)) return INFINITY;
  for (int i = 0; i < 60 && fabs(a - b) > 1e-16 * a; i++) {
    double an = 0.5 * (a + b);
    b         = sqrt(a * b);
    a         = an;
  }
  return M_PI / (2.0 * a);
}

PetscBool PhynnPendulumPeriod(double w2, PetscBool linear, double theta0, double omega0, double *amplitude, double *period)
{
  *amplitude = *period = NAN;
  if (!(w2 > 0) || !isfinite(theta0) || !isfinite(omega0)) return PETSC_FALSE;
  if (linear) {
    *amplitude = sqrt(theta0 * theta0 + omega0 * omega0 / w2);
    *period    = 2 * M_PI / sqrt(w2);
    return *amplitude > 0 ? PETSC_TRUE : PETSC_FALSE;
  }
  /* energy per unit m l^2: omega^2/2 - w2 cos theta = -w2 cos theta_max */
  double c = cos(theta0) - 0.5 * omega0 * omega0 / w2;
  if (!(c > -1) || !(c < 1)) return PETSC_FALSE; /* rotates (or sits at the bottom: no swing) */
  *amplitude = acos(c);
  *period    = 4 * PhynnEllipticK(sin(0.5 * *amplitude)) / sqrt(w2);
  return PETSC_TRUE;
}
