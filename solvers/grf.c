/* Gaussian random fields for random initial conditions (operator-learning data sets).
 *
 * A stationary field with squared-exponential covariance C(r) = sigma^2 exp(-r^2/(2 ell^2)) has
 * spectral density proportional to exp(-(kappa ell)^2/2). On a periodic interval its Karhunen-Loeve
 * expansion is the Fourier series with independent N(0, S_m) coefficients, truncated at the grid's
 * resolvable modes; for Dirichlet problems the sine series has the same spectrum and vanishes at
 * both ends. Coefficient m of sample s is draw number s 2^24 + m of the stream (Philox, counter
 * based), so a sample does not depend on the rank that draws it or on the other samples. */
#include <math.h>

#include "phynn/grf.h"
#include "phynn/random.h"

static uint64_t Index(long sample, long k) { return ((uint64_t)sample << 24) + (uint64_t)k; }

void PhynnGrfPeriodic(const PhynnGrf *g, long sample, double xmin, double L, long nx, const double *x, double *u)
{
  const long M = nx / 2 - 1 > 1 ? nx / 2 - 1 : 1;
  double     z2 = 0;

  for (long i = 0; i < nx; i++) u[i] = 0;
  for (long m = 0; m <= M; m++) {
    const double kappa = 2 * M_PI * (double)m / L, S = exp(-0.5 * kappa * kappa * g->length * g->length), w = sqrt(S);
    const double a = PhynnNormal(g->seed, g->stream, Index(sample, 2 * m)), b = m ? PhynnNormal(g->seed, g->stream, Index(sample, 2 * m + 1)) : 0.0;
    z2 += S;
    for (long i = 0; i < nx; i++) u[i] += w * (a * cos(kappa * (x[i] - xmin)) + b * sin(kappa * (x[i] - xmin)));
  }
  for (long i = 0; i < nx; i++) u[i] *= g->sigma / sqrt(z2);
}

void PhynnGrfSine(const PhynnGrf *g, long sample, double xmin, double L, long nx, const double *x, double *u)
{
  const long M = nx - 2 > 1 ? nx - 2 : 1;
  double     z2 = 0;

  for (long i = 0; i < nx; i++) u[i] = 0;
  for (long m = 1; m <= M; m++) {
    const double kappa = M_PI * (double)m / L, S = exp(-0.5 * kappa * kappa * g->length * g->length), w = sqrt(S);
    const double a = PhynnNormal(g->seed, g->stream, Index(sample, m));
    if (S < 1e-300) break; /* the remaining modes are below double precision */
    z2 += S;
    for (long i = 0; i < nx; i++) u[i] += w * a * sin(kappa * (x[i] - xmin));
  }
  for (long i = 0; i < nx; i++) u[i] *= g->sigma / sqrt(z2);
}
