/* The SINDy validation's integration and period (validation/validate_sindy_integrate.c) against
 * laws whose answers are known:
 *   - K(k) by the AGM: K(0) = pi/2, K(1/sqrt 2) = 1.8540746773013719 (Gamma(1/4)^2 / (4 sqrt pi));
 *   - the pendulum law z0'' = -w2 sin(z0) in the default library (the sin(z0) coefficient -w2,
 *     every other 0): the measured period equals 4 K(sin(theta_max/2)) / sqrt(w2) to 1e-6
 *     relative at amplitudes from 0.05 to 3 rad, from rest and with a velocity;
 *   - PhynnSindySimulate of that law equals the pendulum reference solver (solvers/pendulum.c)
 *     over 10 s to 1e-9;
 *   - an order-1 law of two latents z0' = z1, z1' = -4 z0 has the period pi (the order-1 signal
 *     path: z0' from the law, z0'' by a central difference along the flow);
 *   - a damped oscillator z'' = -z - 0.2 z' has its maxima 2 pi / sqrt(1 - 0.01) apart;
 *   - z'' = 0, z'' = -1 (one maximum) and a state at rest do not oscillate; z'' = z^3 blows up at
 *     t = K(1/sqrt 2) (divergence there, NaN after it), which the period measurement reports too;
 *   - the true period: a rotating pendulum has none; the linear one is 2 pi / sqrt(w2). */
#include "phynn/pendulum.h"
#include "phynn_test.h"
#include "validate_sindy_impl.h"

static int Term(const PhynnSindyLibrary *lib, const char *name)
{
  for (int k = 0; k < lib->nterms; k++) {
    char n[PHYNN_SINDY_NAME_MAX];
    PhynnSindyTermName(lib, k, n, sizeof(n));
    if (!strcmp(n, name)) return k;
  }
  return -1;
}

static PetscErrorCode TestPeriod(MPI_Comm comm)
{
  PhynnSindyLibrary lib, lib1;
  double            xi[PHYNN_SINDY_MAX_TERMS * 2] = {0};
  PhynnSindyPeriod  p;
  PhynnSindyRun     run;
  const double      w2 = 9.81;

  PetscFunctionBegin;
  (void)comm;
  CHECK_CLOSE("K(0) = pi/2", PhynnEllipticK(0), M_PI / 2, 1e-15, 0);
  CHECK_CLOSE("K(1/sqrt 2)", PhynnEllipticK(1 / sqrt(2.0)), 1.8540746773013719, 1e-15, 0);

  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 1, 2, 3, 1, 0, 1, 1, &lib)); /* the train sindy-ae default */
  CHECK(Term(&lib, "sin(z0)") >= 0, "the default library has no sin(z0)");
  xi[Term(&lib, "sin(z0)")] = -w2;
  {
    const double theta0[] = {0.05, 0.5, 1.5, 2.5, 3.0, 0.3}, omega0[] = {0, 0, 0, 0, 0, 2.0};
    for (int c = 0; c < 6; c++) {
      double y0[2] = {theta0[c], omega0[c]}, amp, T;
      char   what[128];
      CHECK(PhynnPendulumPeriod(w2, PETSC_FALSE, theta0[c], omega0[c], &amp, &T), "theta0 %g omega0 %g: the pendulum should swing", theta0[c], omega0[c]);
      PetscCall(PhynnSindyMeasurePeriod(&lib, xi, y0, 20 * T, T / 50, PHYNN_SINDY_PERIODS, &p));
      CHECK(p.status == PHYNN_SINDY_OSC_YES && p.ncross == PHYNN_SINDY_PERIODS + 1, "theta0 %g: status %d, %d crossings", theta0[c], (int)p.status, p.ncross);
      snprintf(what, sizeof(what), "period of z'' = -9.81 sin z from (%g, %g), amplitude %.4f, against 4 K(sin(theta_max/2))/sqrt(g/l)", theta0[c], omega0[c], amp);
      CHECK_CLOSE(what, p.period, T, 1e-6, 0);
    }
  }
  { /* the simulation against the pendulum reference solver */
    PhynnPendulum       pp = {.g = w2, .l = 1.0, .linear = PETSC_FALSE, .rtol = 1e-13, .atol = 1e-13};
    PhynnPendulumSolver s;
    const long          n = 1001;
    double              th[1001], om[1001], t[1001], y[2002], y0[2] = {2.5, 0.3}, err = 0;
    PetscCall(PhynnPendulumSolverCreate(&pp, &s));
    PetscCall(PhynnPendulumSolverRun(s, y0[0], y0[1], 10.0, n, th, om, NULL));
    PetscCall(PhynnPendulumSolverDestroy(&s));
    for (long i = 0; i < n; i++) t[i] = 10.0 * (double)i / (double)(n - 1);
    PetscCall(PhynnSindySimulate(&lib, xi, y0, n, t, y, &run));
    CHECK(run.status == PHYNN_SINDY_RUN_OK, "the pendulum law: simulation status %d", (int)run.status);
    for (long i = 0; i < n; i++) err = PetscMax(err, PetscMax(fabs(y[2 * i] - th[i]), fabs(y[2 * i + 1] - om[i])));
    CHECK_CLOSE("max |simulated (z, z') - pendulum solver (theta, omega)| over 10 s", err, 0, 0, 1e-9);
  }
  { /* a damped oscillator: the maxima are the damped period apart */
    double y0[2] = {1.0, 0.0};
    PetscCall(PetscArrayzero(xi, lib.nterms));
    xi[Term(&lib, "z0")]  = -1;
    xi[Term(&lib, "dz0")] = -0.2;
    PetscCall(PhynnSindyMeasurePeriod(&lib, xi, y0, 100, 0.05, PHYNN_SINDY_PERIODS, &p));
    CHECK_CLOSE("damped oscillator z'' = -z - 0.2 z': spacing of the maxima, 2 pi / sqrt(0.99)", p.period, 2 * M_PI / sqrt(0.99), 1e-6, 0);
  }
  { /* no oscillation */
    double y0[2] = {1.0, 0.5}, rest[2] = {0, 0};
    PetscCall(PetscArrayzero(xi, lib.nterms));
    PetscCall(PhynnSindyMeasurePeriod(&lib, xi, y0, 50, 0.1, PHYNN_SINDY_PERIODS, &p));
    CHECK(p.status == PHYNN_SINDY_OSC_NO && p.ncross == 0 && !isfinite(p.period), "z'' = 0: status %d (%s), %d crossings", (int)p.status, PhynnSindyOscillationText(p.status), p.ncross);
    PetscCall(PhynnSindyMeasurePeriod(&lib, xi, rest, 50, 0.1, PHYNN_SINDY_PERIODS, &p));
    CHECK(p.status == PHYNN_SINDY_OSC_NO, "z'' = 0 at rest: status %d (%s)", (int)p.status, PhynnSindyOscillationText(p.status));
    xi[Term(&lib, "1")] = -1;
    PetscCall(PhynnSindyMeasurePeriod(&lib, xi, y0, 50, 0.1, PHYNN_SINDY_PERIODS, &p));
    CHECK(p.status == PHYNN_SINDY_OSC_NO && p.ncross == 1, "z'' = -1: status %d (%s), %d crossings (one maximum)", (int)p.status, PhynnSindyOscillationText(p.status), p.ncross);
    printf("ok   z'' = 0 and z'' = -1 do not oscillate (%d crossing(s) within %g)\n", p.ncross, p.horizon);
  }
  { /* blow-up: z'' = z^3 from (1, 0) reaches infinity at t = 1.854... (a finite time) */
    double y0[2] = {1.0, 0.0}, t[11], y[22];
    PetscCall(PetscArrayzero(xi, lib.nterms));
    xi[Term(&lib, "z0^3")] = 1;
    for (int i = 0; i < 11; i++) t[i] = 0.5 * i;
    PetscCall(PhynnSindySimulate(&lib, xi, y0, 11, t, y, &run));
    CHECK(run.status == PHYNN_SINDY_RUN_DIVERGED && isnan(y[2 * 10]) && isfinite(y[2 * 3]), "z'' = z^3: status %d, stopped at %g, z(5) = %g, z(1.5) = %g", (int)run.status, run.t_stop, y[20], y[6]);
    /* z' = sqrt((z^4 - 1)/2), so z reaches infinity at t* = sqrt 2 int_1^inf dz / sqrt(z^4 - 1) = K(1/sqrt 2);
     * the run stops at the first step whose state is beyond the bound or not finite (an RK stage
     * past t* overflows), within a few steps of t* */
    CHECK_CLOSE("z'' = z^3 from (1, 0): the run stops at the blow-up time K(1/sqrt 2)", run.t_stop, PhynnEllipticK(1 / sqrt(2.0)), 1e-3, 0);
    PetscCall(PhynnSindyMeasurePeriod(&lib, xi, y0, 50, 0.1, PHYNN_SINDY_PERIODS, &p));
    CHECK(p.status == PHYNN_SINDY_OSC_DIVERGED, "z'' = z^3: period status %d (%s)", (int)p.status, PhynnSindyOscillationText(p.status));
  }
  { /* order 1, two latents: a harmonic oscillator of angular frequency 2 */
    double y0[2] = {0.7, 0.0};
    PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, "test", 2, 1, 1, 0, 0, 0, 1, &lib1)); /* terms z0, z1 */
    PetscCall(PetscArrayzero(xi, 2 * lib1.nterms));
    xi[0 * lib1.nterms + Term(&lib1, "z1")] = 1;
    xi[1 * lib1.nterms + Term(&lib1, "z0")] = -4;
    PetscCall(PhynnSindyMeasurePeriod(&lib1, xi, y0, 50, 0.05, PHYNN_SINDY_PERIODS, &p));
    CHECK_CLOSE("order 1: z0' = z1, z1' = -4 z0 has the period pi", p.period, M_PI, 1e-6, 0);
  }
  { /* the truth */
    double amp, T;
    CHECK(!PhynnPendulumPeriod(1, PETSC_FALSE, 0, 3, &amp, &T) && isnan(T), "a rotating pendulum (energy above the separatrix) has no period");
    CHECK(PhynnPendulumPeriod(4, PETSC_TRUE, 0.1, 0.2, &amp, &T), "the linear pendulum swings");
    CHECK_CLOSE("linear pendulum period 2 pi / sqrt(4)", T, M_PI, 1e-15, 0);
    CHECK_CLOSE("linear pendulum amplitude sqrt(theta0^2 + omega0^2 / w2)", amp, sqrt(0.01 + 0.04 / 4), 1e-15, 0);
  }
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestPeriod)
