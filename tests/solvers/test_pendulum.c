/* The pendulum reference solver against exact results:
 *   - small angle: theta = theta0 cos(w t) to 3e-11 (absolute), w = sqrt(g/l);
 *   - large angle (theta0 = 2.5, g = 9.81, l = 1, 100 s): the period measured from the zero
 *     crossings (cubic Hermite interpolation with theta' = omega) equals 4 K(k)/w, k = sin(theta0/2),
 *     K from the arithmetic-geometric mean, to 3e-10 relative; energy drift <= 7e-10 relative;
 *   - Champion et al. sampling: every accepted initial condition obeys the rule, a trajectory's
 *     draw does not depend on anything but (seed, index), and the draws have the distribution
 *     the rule defines: uniform on the accepted region (chi-square and Kolmogorov-Smirnov bounds
 *     on 10^5 draws, see SamplerDistribution).
 * The solver tolerances are about 100x the errors measured at rtol = atol = 1e-13 (quoted at each
 * check), so a 1000x loss of accuracy (rtol 1e-13 -> 1e-10, say) fails. */
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

/* The accepted draws are uniform on Champion's region
 *   A = {|theta| <= pi, |omega| <= 2.1 w, |omega^2/2 - w^2 cos theta| <= 0.99 w^2}, w = sqrt(g/l).
 * In v = omega/w, for a given theta the accepted |v| fill [lo, hi], lo = sqrt(max(0, 2(cos theta
 * - a))), hi = sqrt(max(0, 2(cos theta + a))) (hi <= sqrt(3.98) < 2.1: the box never clips), so
 * the theta marginal has density proportional to hi - lo. The map
 *   U1 = F(theta) (F the CDF of that marginal, by the trapezoid rule on 2e5 intervals: error
 *        ~1e-7, far below the statistical resolution 1/sqrt(N) ~ 3e-3),
 *   U2 = (|v| - lo)/(hi - lo), S = sign(omega)
 * takes the target distribution to U1, U2 independent uniform on [0, 1] and S a fair sign,
 * independent of them. With N = 10^5 draws (indices 0 .. N-1, seed 42) the test bounds:
 *   - chi-square of (U1, U2, S) in 10 x 10 x 2 cells (500 expected each), 199 degrees of freedom:
 *     <= 308.6, its 1e-6 upper quantile;
 *   - Kolmogorov-Smirnov distance of U1 and of U2 to U(0, 1): <= 0.00852, the asymptotic 1e-6
 *     quantile sqrt(ln(2/1e-6)/(2N));
 *   - chi-square of consecutive pairs (U1(2k), U1(2k+1)) in 10 x 10 cells (500 expected each), 99
 *     degrees of freedom: <= 180.8, its 1e-6 upper quantile (draws of neighbouring indices are
 *     independent).
 * The sampler is a deterministic counter-based generator (Philox on (seed, stream, index)), so
 * these statistics are fixed numbers and the test is reproducible: it does not flake. The bounds
 * are where an exact sampler with a random seed would fail with probability about 1e-6 each, so a
 * biased sampler (a wrong acceptance rule, theta and omega from one uniform, a skewed sign,
 * correlated indices) fails while a right one passes with every seed but a one-in-a-million one. */
static PetscErrorCode SamplerDistribution(const PhynnPendulum *p, const PhynnPendulumSampler *smp)
{
  const long   N = 100000, NG = 200000;
  const double a = smp->accept, w = sqrt(p->g / p->l);
  double      *cdf, *u1, *u2, chi = 0, chip = 0, ks1 = 0, ks2 = 0;
  long         cell[200] = {0}, pair[100] = {0};

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(NG + 1, &cdf, N, &u1, N, &u2));
  /* F on the grid theta_g = -pi + 2 pi g/NG */
  cdf[0] = 0;
  for (long g = 1; g <= NG; g++) {
    double th0 = -M_PI + 2 * M_PI * (double)(g - 1) / (double)NG, th1 = -M_PI + 2 * M_PI * (double)g / (double)NG, d[2];
    for (int e = 0; e < 2; e++) {
      const double c = cos(e ? th1 : th0);
      d[e]           = sqrt(fmax(0, 2 * (c + a))) - sqrt(fmax(0, 2 * (c - a)));
    }
    cdf[g] = cdf[g - 1] + 0.5 * (d[0] + d[1]);
  }
  for (long g = 1; g <= NG; g++) cdf[g] /= cdf[NG];
  for (long i = 0; i < N; i++) {
    double th, om;
    PetscCall(PhynnPendulumSample(p, smp, i, &th, &om));
    const double x = (th + M_PI) / (2 * M_PI) * (double)NG, c = cos(th), v = fabs(om) / w;
    const long   g = PetscMin((long)x, NG - 1);
    const double lo = sqrt(fmax(0, 2 * (c - a))), hi = sqrt(fmax(0, 2 * (c + a)));
    u1[i] = cdf[g] + (x - (double)g) * (cdf[g + 1] - cdf[g]);
    u2[i] = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const int b1 = PetscMin((int)(10 * u1[i]), 9), b2 = PetscMin((int)(10 * u2[i]), 9);
    cell[(om > 0 ? 100 : 0) + 10 * b1 + b2]++;
    if (i % 2) pair[10 * PetscMin((int)(10 * u1[i - 1]), 9) + b1]++;
  }
  for (int k = 0; k < 200; k++) chi += (cell[k] - 500.0) * (cell[k] - 500.0) / 500.0;
  for (int k = 0; k < 100; k++) chip += (pair[k] - 500.0) * (pair[k] - 500.0) / 500.0;
  for (int r = 0; r < 2; r++) { /* KS: sort, then the largest gap to the uniform CDF */
    double *u = r ? u2 : u1, dmax = 0;
    PetscCall(PetscSortReal((PetscInt)N, u));
    for (long i = 0; i < N; i++) dmax = fmax(dmax, fmax((double)(i + 1) / (double)N - u[i], u[i] - (double)i / (double)N));
    if (r) ks2 = dmax;
    else ks1 = dmax;
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "sampler, 1e5 draws (seed %llu): chi-square %.1f (199 dof), pairs %.1f (99 dof), KS %.5f (theta), %.5f (omega)\n", (unsigned long long)smp->seed, chi, chip, ks1, ks2));
  CHECK(chi <= 308.6, "sampler: chi-square of (F(theta), omega within its accepted interval, sign) is %.1f > 308.6 (199 dof, p = 1e-6)", chi);
  CHECK(chip <= 180.8, "sampler: chi-square of consecutive pairs is %.1f > 180.8 (99 dof, p = 1e-6)", chip);
  CHECK(ks1 <= 0.00852, "sampler: Kolmogorov-Smirnov distance of F(theta) is %.5f > 0.00852 (p = 1e-6)", ks1);
  CHECK(ks2 <= 0.00852, "sampler: Kolmogorov-Smirnov distance of omega within its interval is %.5f > 0.00852 (p = 1e-6)", ks2);
  PetscCall(PetscFree3(cdf, u1, u2));
  PetscFunctionReturn(0);
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
  /* measured 3.3e-13; 100x margin */
  CHECK_CLOSE("linear: max |theta - theta0 cos(w t)| over [0, 10] s", err, 0.0, 0, 3e-11);
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
  /* measured 2.7e-12 relative; 100x margin */
  CHECK_CLOSE("nonlinear period from zero crossings over 100 s", T, Texact, 3e-10, 0);
  /* measured 7.4e-12; 100x margin */
  CHECK_CLOSE("max relative energy drift over 100 s", drift, 0.0, 0, 7e-10);
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
  PetscCall(SamplerDistribution(&p, &smp));
  PetscCall(PetscFree2(th, om));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestPendulum)
