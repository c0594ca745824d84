/* The pendulum reference solver against exact results:
 *   - small angle: theta = theta0 cos(w t) to 1e-9 (absolute), w = sqrt(g/l);
 *   - large angle (theta0 = 2.5, g = 9.81, l = 1, 100 s): the period measured from the zero
 *     crossings (cubic Hermite interpolation with theta' = omega) equals 4 K(k)/w, k = sin(theta0/2),
 *     K from the arithmetic-geometric mean, to 1e-7 relative; energy drift <= 1e-7 relative;
 *   - Champion et al. sampling: every accepted initial condition obeys the rule, and a trajectory's
 *     draw does not depend on anything but (seed, index). */
#include "phynn/pendulum.h"
#include "phynn_test.h"

/* K(k) = pi / (2 AGM(1, sqrt(1 - k^2))) */
static double EllipticK(double k)
{
  double a = 1.0, b = sqrt(1.0 - k * k);
  for (int i = 0; i < 40 && fabs(a - b) > 1e-17 * a; i++) {
    double an = 0.5 * (a + b);
    b = sqrt(a * b);
    a = an;
  }
  return M_PI / (2.0 * a);
}

/* Root in [0, h] of the cubic Hermite interpolant with values y0, y1 and slopes d0, d1. */
static double HermiteRoot(double h, double y0, double y1, double d0, double d1)
{
  double lo = 0, hi = h;
  for (int it = 0; it < 200; it++) {
    double t = 0.5 * (lo + hi), s = t / h;
    double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
    double y = h00 * y0 + h10 * h * d0 + h01 * y1 + h11 * h * d1;
    if ((y > 0) == (y0 > 0)) lo = t;
    else hi = t;
  }
  return 0.5 * (lo + hi);
}

static PetscErrorCode TestPendulum(MPI_Comm comm)
{
  PhynnPendulum       p = {.g = 9.81, .l = 1.0, .linear = PETSC_TRUE, .rtol = 1e-13, .atol = 1e-13};
  PhynnPendulumSolver s;
  const long          nt = 10001;
  const double        tf = 100.0, w = sqrt(p.g / p.l);
  double             *th, *om, err = 0;
  long                steps;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(nt, &th, nt, &om));
  /* Small angle */
  PetscCall(PhynnPendulumSolverCreate(&p, &s));
  PetscCall(PhynnPendulumSolverRun(s, 0.1, 0.0, 10.0, 1001, th, om, &steps));
  for (long i = 0; i < 1001; i++) err = fmax(err, fabs(th[i] - 0.1 * cos(w * 10.0 * (double)i / 1000.0)));
  CHECK_CLOSE("linear: max |theta - theta0 cos(w t)| over [0, 10] s", err, 0.0, 0, 1e-9);
  PetscCall(PhynnPendulumSolverDestroy(&s));

  /* Large angle: period and energy */
  p.linear = PETSC_FALSE;
  double t0 = PhynnTime();
  PetscCall(PhynnPendulumSolverCreate(&p, &s));
  PetscCall(PhynnPendulumSolverRun(s, 2.5, 0.0, tf, nt, th, om, &steps));
  PetscCall(PetscPrintf(comm, "nonlinear theta0 = 2.5 over 100 s: %ld steps, %.3f s\n", steps, PhynnTime() - t0));
  double E0 = PhynnPendulumEnergy(&p, th[0], om[0]), drift = 0, first = -1, last = -1;
  long   ncross = 0;
  for (long i = 0; i < nt; i++) drift = fmax(drift, fabs(PhynnPendulumEnergy(&p, th[i], om[i]) - E0) / fabs(E0));
  const double dt = tf / (double)(nt - 1);
  for (long i = 0; i + 1 < nt; i++) {
    if ((th[i] > 0) != (th[i + 1] > 0)) {
      double tc = (double)i * dt + HermiteRoot(dt, th[i], th[i + 1], om[i], om[i + 1]);
      if (first < 0) first = tc;
      last = tc;
      ncross++;
    }
  }
  double T = 2.0 * (last - first) / (double)(ncross - 1), Texact = 4.0 * EllipticK(sin(1.25)) / w;
  CHECK(ncross > 50, "expected > 50 zero crossings, got %ld", ncross);
  CHECK_CLOSE("exact period 4K(sin(1.25))/sqrt(9.81) (literature 3.2959 s)", Texact, 3.2959, 0, 5e-5);
  CHECK_CLOSE("nonlinear period from zero crossings over 100 s", T, Texact, 1e-7, 0);
  CHECK_CLOSE("max relative energy drift over 100 s", drift, 0.0, 0, 1e-7);
  PetscCall(PhynnPendulumSolverDestroy(&s));

  /* Sampling */
  PhynnPendulumSampler smp = {.seed = 42, .theta_max = M_PI, .omega_max = 2.1 * w, .accept = 0.99};
  int                  bad = 0, same = 1;
  for (long i = 0; i < 1000; i++) {
    double a, b, a2, b2;
    PetscCall(PhynnPendulumSample(&p, &smp, i, &a, &b));
    PetscCall(PhynnPendulumSample(&p, &smp, i, &a2, &b2));
    if (fabs(0.5 * b * b - p.g / p.l * cos(a)) > 0.99 * p.g / p.l || fabs(a) > M_PI || fabs(b) > 2.1 * w) bad++;
    if (a != a2 || b != b2) same = 0;
  }
  CHECK(bad == 0, "%d sampled initial conditions break Champion's acceptance rule", bad);
  CHECK(same, "the sampler is not a pure function of (seed, index)");
  PetscCall(PetscFree2(th, om));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestPendulum)
