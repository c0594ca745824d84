/* L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.): the two-loop recursion
 * (Alg. 7.4) for the direction and a strong-Wolfe line search (Alg. 3.5 with zoom, Alg. 3.6) for
 * the step. docs/optimisers.md has the formulas and the reasons for each choice.
 *
 * Every branch depends only on the values the objective returns and on arithmetic done in a
 * fixed order (no BLAS, no timing), so ranks that get identical (loss, grad) take identical steps.
 * All memory was allocated by SetUp: the history lives in ring buffers S, Y of m rows. */
#include "optim_impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* One point on the line phi(t) = f(x0 + t d): the step, phi, phi' = g.d and the gradient. */
typedef struct {
  double  t, f, gtd;
  double *g;
} LinePoint;

static double MaxAbs(long n, const double *x)
{
  double m = 0;
  for (long i = 0; i < n; i++) m = PetscMax(m, fabs(x[i]));
  return m;
}

/* The line-search gradient buffer that does not hold `keep` (gw[0] unless keep is gw[0]). */
static double *OtherBuffer(PhynnOptimizer opt, const double *keep) { return keep == opt->gw[0] ? opt->gw[1] : opt->gw[0]; }

/* x0 + t d into xt: the trial point, recomputed by the same code for the accepted step so that
 * the accepted theta is bitwise the point that was evaluated. */
static void TrialPoint(PhynnOptimizer opt, double t)
{
  for (long i = 0; i < opt->n; i++) opt->xt[i] = opt->x0[i] + t * opt->dir[i];
}

static PetscErrorCode Evaluate(PhynnOptimizer opt, PhynnObjectiveFn fn, void *ctx, double t, double *g, LinePoint *p)
{
  PetscFunctionBegin;
  TrialPoint(opt, t);
  PetscCall(fn(ctx, opt->xt, &p->f, g));
  opt->nfev++;
  p->t   = t;
  p->g   = g;
  p->gtd = PhynnOptimDot(opt->n, g, opt->dir);
  PetscFunctionReturn(0);
}

/* Minimiser of the cubic through (x1, f1, f1') and (x2, f2, f2') (N&W eq. 3.59), clamped to
 * [lo, hi]; the midpoint of [lo, hi] when the cubic has no finite minimiser. */
static double CubicMin(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi)
{
  double t  = 0.5 * (lo + hi);
  double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  double d2 = d1 * d1 - g1 * g2;
  if (isfinite(d1) && isfinite(d2) && d2 >= 0) {
    double r = sqrt(d2), c;
    if (x1 <= x2) c = x2 - (x2 - x1) * ((g2 + r - d1) / (g2 - g1 + 2 * r));
    else c = x1 - (x1 - x2) * ((g1 + r - d1) / (g1 - g2 + 2 * r));
    if (isfinite(c)) t = c;
  }
  return PetscMin(PetscMax(t, lo), hi);
}

/* Strong-Wolfe line search from x0 (loss f0, gradient g0, slope gtd0 < 0) along dir:
 *   phi(t) <= phi(0) + c1 t phi'(0)   and   |phi'(t)| <= c2 |phi'(0)|.
 * Returns the accepted point in *acc (acc->t = 0 when no point lowered the loss) and whether it
 * satisfies both conditions. At most lbfgs_max_ls evaluations. */
static PetscErrorCode LineSearch(PhynnOptimizer opt, PhynnObjectiveFn fn, void *ctx, double gtd0, double t_init, LinePoint *acc, PetscBool *wolfe)
{
  const double f0 = opt->f0, c1 = opt->lbfgs_c1, c2 = opt->lbfgs_c2;
  const long   max_ls = opt->lbfgs_max_ls;
  /* Zoom stops when the bracket is below roundoff: trial points no longer differ in x. */
  const double xscale = 4 * DBL_EPSILON * MaxAbs(opt->n, opt->x0), dinf = MaxAbs(opt->n, opt->dir);
  LinePoint    prev = {0, f0, gtd0, opt->g0}, cur, lo, hi, trial;
  double       t    = t_init;
  long         nev  = 0;

  PetscFunctionBegin;
  *wolfe = PETSC_FALSE;
  /* Bracketing (Alg. 3.5): grow t until phi rises, or phi' turns non-negative, or Wolfe holds. */
  for (;;) {
    PetscCall(Evaluate(opt, fn, ctx, t, OtherBuffer(opt, prev.g), &cur));
    nev++;
    if (!isfinite(cur.f) || !isfinite(cur.gtd) || cur.f > f0 + c1 * cur.t * gtd0 || (nev > 1 && cur.f >= prev.f)) {
      lo = prev; /* a minimiser lies between the last good step and this one */
      hi = cur;
      break;
    }
    if (fabs(cur.gtd) <= -c2 * gtd0) {
      *acc   = cur;
      *wolfe = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
    if (cur.gtd >= 0) {
      lo = cur; /* phi turned upwards: a minimiser lies behind this step */
      hi = prev;
      break;
    }
    if (nev >= max_ls) {
      *acc = cur; /* sufficient decrease, the lowest loss so far, but not flat enough */
      PetscFunctionReturn(0);
    }
    /* Still descending: extrapolate with the cubic through the last two points, at least a
     * little beyond t and at most 10 t. */
    double tnext = CubicMin(prev.t, prev.f, prev.gtd, cur.t, cur.f, cur.gtd, cur.t + 0.01 * (cur.t - prev.t), 10 * cur.t);
    prev         = cur;
    t            = tnext;
  }
  /* Zoom (Alg. 3.6). Invariants: lo satisfies sufficient decrease with the lowest loss seen,
   * phi'(lo) (hi - lo) < 0, and [lo, hi] contains strong-Wolfe points. */
  while (nev < max_ls && fabs(hi.t - lo.t) * dinf > xscale) {
    double a = PetscMin(lo.t, hi.t), b = PetscMax(lo.t, hi.t), L = b - a;
    /* Cubic interpolation, kept 10% of the bracket away from its ends so that the bracket
     * shrinks by at least that factor every evaluation. */
    t = CubicMin(lo.t, lo.f, lo.gtd, hi.t, hi.f, hi.gtd, a + 0.1 * L, b - 0.1 * L);
    PetscCall(Evaluate(opt, fn, ctx, t, OtherBuffer(opt, lo.g), &trial));
    nev++;
    if (!isfinite(trial.f) || !isfinite(trial.gtd) || trial.f > f0 + c1 * trial.t * gtd0 || trial.f >= lo.f) {
      hi = trial;
    } else {
      if (fabs(trial.gtd) <= -c2 * gtd0) {
        *acc   = trial;
        *wolfe = PETSC_TRUE;
        PetscFunctionReturn(0);
      }
      if (trial.gtd * (hi.t - lo.t) >= 0) hi = lo;
      lo = trial;
    }
  }
  *acc = lo; /* out of evaluations or bracket: the lowest point with sufficient decrease */
  PetscFunctionReturn(0);
}

/* Two-loop recursion (Alg. 7.4): dir = -H g0 with H the L-BFGS inverse Hessian built from the
 * stored pairs on top of H0 = gamma I, gamma = s^T y / y^T y of the newest pair. */
static void TwoLoop(PhynnOptimizer opt)
{
  const long n = opt->n, m = opt->setup_m, k = opt->hist_len;
  double    *q = opt->dir;

  for (long i = 0; i < n; i++) q[i] = opt->g0[i];
  for (long j = 0; j < k; j++) { /* newest to oldest */
    long          idx = (opt->hist_next - 1 - j + 2 * m) % m;
    const double *s = opt->S + idx * n, *y = opt->Y + idx * n;
    double        a = opt->rho[idx] * PhynnOptimDot(n, s, q);
    opt->alpha[idx] = a;
    for (long i = 0; i < n; i++) q[i] -= a * y[i];
  }
  for (long i = 0; i < n; i++) q[i] *= opt->gamma; /* r = H0 q */
  for (long j = k - 1; j >= 0; j--) {            /* oldest to newest */
    long          idx = (opt->hist_next - 1 - j + 2 * m) % m;
    const double *s = opt->S + idx * n, *y = opt->Y + idx * n;
    double        b = opt->rho[idx] * PhynnOptimDot(n, y, q);
    for (long i = 0; i < n; i++) q[i] += s[i] * (opt->alpha[idx] - b);
  }
  for (long i = 0; i < n; i++) q[i] = -q[i];
}

static void ResetHistory(PhynnOptimizer opt)
{
  opt->hist_len  = 0;
  opt->hist_next = 0;
  opt->gamma     = 1;
}

PetscErrorCode PhynnOptimStepLBFGS(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss, PetscBool *converged)
{
  const long n = opt->n;
  double     gtd, t_init, fold, gmax;
  LinePoint  acc = {0, 0, 0, NULL};
  PetscBool  wolfe;

  PetscFunctionBegin;
  *converged = PETSC_FALSE;
  /* The loss and gradient at theta: those of the point the last line search accepted when theta
   * is still bitwise that point (saves one evaluation per iteration), else a fresh evaluation. */
  if (!opt->have_cache || memcmp(opt->x0, theta, (size_t)n * sizeof(double))) {
    PetscCall(PetscArraycpy(opt->x0, theta, n));
    PetscCall(fn(ctx, opt->x0, &opt->f0, opt->g0));
    opt->nfev++;
    opt->have_cache = PETSC_TRUE;
  }
  *loss = opt->f0;
  gmax  = MaxAbs(n, opt->g0);
  PetscCheck(isfinite(opt->f0) && isfinite(gmax), opt->comm, PHYNN_ERR_NUMERIC,
             "L-BFGS iteration %ld: the loss (%g) or gradient at the current parameters is not finite; check the model and data, or start with a few Adam steps", opt->it, opt->f0);
  if (gmax <= opt->lbfgs_gtol) {
    *converged = PETSC_TRUE;
    PetscFunctionReturn(0);
  }

  for (int attempt = 0;; attempt++) {
    if (opt->hist_len > 0) TwoLoop(opt);
    else
      for (long i = 0; i < n; i++) opt->dir[i] = -opt->g0[i];
    gtd = PhynnOptimDot(n, opt->g0, opt->dir);
    if (!(gtd < 0)) { /* H lost positive definiteness to roundoff: restart from steepest descent */
      ResetHistory(opt);
      for (long i = 0; i < n; i++) opt->dir[i] = -opt->g0[i];
      gtd = PhynnOptimDot(n, opt->g0, opt->dir);
    }
    /* Step 1 is the natural quasi-Newton step; without curvature information the direction has
     * no scale, so the first trial is min(1, 1/|g|_1) (as PyTorch does). */
    t_init = 1;
    if (opt->hist_len == 0) {
      double g1 = 0;
      for (long i = 0; i < n; i++) g1 += fabs(opt->g0[i]);
      t_init = isfinite(g1) ? PetscMin(1.0, 1.0 / g1) : 1.0 / ((double)n * gmax); /* |g|_1 overflowed */
    }
    PetscCall(LineSearch(opt, fn, ctx, gtd, t_init, &acc, &wolfe));
    if (acc.t > 0 && acc.f < opt->f0) break;
    /* No decrease along the quasi-Newton direction: retry once along -g; if steepest descent
     * cannot decrease the loss either, we are at the resolution of floating point. */
    if (opt->hist_len == 0 || attempt > 0) {
      ResetHistory(opt);
      *converged = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
    ResetHistory(opt);
  }

  /* Accept: xt = x_new, dir <- s = x_new - x0, y = g_new - g0 into the spare gradient buffer. */
  {
    double *gnew = acc.g, *y = OtherBuffer(opt, gnew), *s = opt->dir, sy, yy, ss;
    TrialPoint(opt, acc.t);
    for (long i = 0; i < n; i++) {
      s[i] = opt->xt[i] - opt->x0[i];
      y[i] = gnew[i] - opt->g0[i];
    }
    sy = PhynnOptimDot(n, s, y);
    yy = PhynnOptimDot(n, y, y);
    ss = PhynnOptimDot(n, s, s);
    /* Keep the pair only with clearly positive curvature, so H stays positive definite (the
     * strong Wolfe conditions guarantee s^T y > 0 in exact arithmetic, not in roundoff, and not
     * after a line search that ran out of evaluations). */
    if (sy > 1e-10 * sqrt(ss) * sqrt(yy)) {
      long m = opt->setup_m, slot = opt->hist_next;
      PetscCall(PetscArraycpy(opt->S + slot * n, s, n));
      PetscCall(PetscArraycpy(opt->Y + slot * n, y, n));
      opt->rho[slot] = 1 / sy;
      opt->gamma     = sy / yy;
      opt->hist_next = (slot + 1) % m;
      opt->hist_len  = PetscMin(opt->hist_len + 1, m);
    }
    fold = opt->f0;
    PetscCall(PetscArraycpy(opt->x0, opt->xt, n));
    PetscCall(PetscArraycpy(opt->g0, gnew, n));
    opt->f0 = acc.f;
    PetscCall(PetscArraycpy(theta, opt->x0, n));
  }
  /* Converged: gradient small, or the loss stopped changing relative to its size. */
  gmax = MaxAbs(n, opt->g0);
  if (gmax <= opt->lbfgs_gtol || fabs(fold - opt->f0) <= opt->lbfgs_ftol * PetscMax(fabs(fold), fabs(opt->f0))) *converged = PETSC_TRUE;
  PetscFunctionReturn(0);
}
