/* Gaussian random fields for random initial conditions (operator-learning data sets).
 *
 * A stationary field with squared-exponential covariance C(r) = sigma^2 exp(-r^2/(2 ell^2)) has
 * spectral density proportional to exp(-(kappa ell)^2/2). On a periodic interval its Karhunen-Loeve
 * expansion is the Fourier series with independent N(0, S_m) coefficients, truncated at the grid's
 * resolvable modes; for Dirichlet problems the sine series has the same spectrum and vanishes at
 * both ends. Coefficient m of sample s is draw number s 2^24 + m of the stream (Philox, counter
 * based), so a sample does not depend on the rank that draws it or on the other samples.
 * In 2D, the draws of mode (m, n) of sample s sit at an index built from (s, m, n) alone. */
#include <fftw3.h>
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

/* Mode (m, n) of sample s, 0 <= m < 2^20, |n| < 2^20, s < 2^21: a_mn at the even index, b_mn at the odd one. */
uint64_t PhynnGrfIndex2d(long sample, long m, long n) { return ((uint64_t)sample << 43) | ((uint64_t)m << 22) | ((uint64_t)(n + (1L << 20)) << 1); }

PetscErrorCode PhynnGrfPeriodic2d(const PhynnGrf *g, long sample, double L, long nx, double *u)
{
  const long    N = nx, nc = nx / 2 + 1, M = (nx - 1) / 2; /* every mode below the Nyquist frequency */
  double        z2 = 0, *r;
  fftw_complex *c;
  fftw_plan     plan;

  PetscFunctionBegin;
  PetscCheck(sample >= 0 && sample < (1L << 21) && nx >= 2 && nx < (1L << 20), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "2D random field: sample %ld (< 2^21) or nx %ld (< 2^20) out of range", sample, nx);
  c = fftw_alloc_complex((size_t)(N * nc));
  r = fftw_alloc_real((size_t)(N * N));
  PetscCheck(c && r, PETSC_COMM_SELF, PETSC_ERR_MEM, "2D random field: out of memory for %ld x %ld points", nx, nx);
  plan = fftw_plan_dft_c2r_2d((int)N, (int)N, c, r, FFTW_ESTIMATE); /* ESTIMATE does not touch the arrays */
  for (long q = 0; q < N * nc; q++) c[q][0] = c[q][1] = 0.0;
  /* c_mn = (w/2)(a - i b) and c_{-m,-n} = conj(c_mn) give w (a cos th + b sin th); c2r stores m >= 0 only
   * and reads the m = 0 column whole, so there the partner (0, -n) is stored too. */
  for (long m = 0; m <= M; m++)
    for (long n = m == 0 ? 0 : -M; n <= M; n++) {
      const double km = 2 * M_PI * (double)m / L, kn = 2 * M_PI * (double)n / L;
      const double S = exp(-0.5 * (km * km + kn * kn) * g->length * g->length), w = sqrt(S);
      const double a = PhynnNormal(g->seed, g->stream, PhynnGrfIndex2d(sample, m, n)), b = m || n ? PhynnNormal(g->seed, g->stream, PhynnGrfIndex2d(sample, m, n) + 1) : 0.0;
      const long   row = n >= 0 ? n : n + N;
      z2 += S;
      if (!m && !n) c[0][0] = w * a;
      else {
        c[row * nc + m][0] = 0.5 * w * a;
        c[row * nc + m][1] = -0.5 * w * b;
        if (!m) {
          c[(N - n) * nc][0] = 0.5 * w * a;
          c[(N - n) * nc][1] = 0.5 * w * b;
        }
      }
    }
  fftw_execute(plan); /* unnormalised backward transform: u_ji = sum c_nm e^{2 pi i (m i + n j)/N} */
  for (long q = 0; q < N * N; q++) u[q] = r[q] * g->sigma / sqrt(z2);
  fftw_destroy_plan(plan);
  fftw_free(c);
  fftw_free(r);
  PetscFunctionReturn(0);
}
