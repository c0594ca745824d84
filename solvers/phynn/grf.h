/* Random initial conditions for solution families: Gaussian random fields (solvers/grf.c). */
#ifndef PHYNN_GRF_H
#define PHYNN_GRF_H

#include "phynn/sys.h"

typedef struct {
  uint64_t seed;
  uint64_t stream; /* >= PHYNN_STREAM_USER; distinct fields (e.g. Re h and Im h) use distinct streams */
  double   length; /* correlation length ell of the squared-exponential covariance */
  double   sigma;  /* standard deviation (periodic: exactly, at every x) */
} PhynnGrf;

/* Periodic field on [xmin, xmin + L): u(x) = sigma/Z sum_{m=0}^{M} sqrt(S_m) (a_m cos kappa_m (x-xmin)
 * + b_m sin kappa_m (x-xmin)), kappa_m = 2 pi m/L, S_m = exp(-(kappa_m ell)^2/2), a_m, b_m ~ N(0,1)
 * (b_0 = 0), M = nx/2 - 1, Z^2 = sum S_m. Evaluated at the nx points x[]. Sample s uses Philox
 * indices [s 2^24, (s + 1) 2^24) of the stream, so it is the same on any rank. */
void PhynnGrfPeriodic(const PhynnGrf *g, long sample, double xmin, double L, long nx, const double *x, double *u);
/* Field vanishing at both ends of [xmin, xmin + L): a random sine series
 * u(x) = sigma/Z sum_{m=1}^{M} sqrt(S_m) a_m sin(kappa_m (x-xmin)), kappa_m = m pi/L, M = nx - 2. */
void PhynnGrfSine(const PhynnGrf *g, long sample, double xmin, double L, long nx, const double *x, double *u);
/* Periodic field on the square [xmin, xmin + L)^2 at the nx x nx points (xmin + i L/nx, xmin + j L/nx),
 * u[j nx + i] = u(x_i, y_j):
 *   u = sigma/Z sum_{(m,n) in H} sqrt(S_mn) (a_mn cos th_mn + b_mn sin th_mn), th_mn = kappa_m (x-xmin) + kappa_n (y-xmin),
 * kappa_m = 2 pi m/L, S_mn = exp(-(kappa_m^2 + kappa_n^2) ell^2/2), a_mn, b_mn ~ N(0,1) (b_00 = 0),
 * H = one of each pair +-(m, n) with |m|, |n| <= M = (nx-1)/2 (m > 0, or m = 0 and n >= 0),
 * Z^2 = sum_H S_mn (so the variance is sigma^2 at every point). The draws of mode (m, n) of sample
 * s are at PhynnGrfIndex2d(s, m, n) (a_mn) and the index after it (b_mn): the same on any rank
 * and, up to Z, on any grid that resolves the mode. Needs sample < 2^21 and nx < 2^20. Evaluated
 * with one serial FFTW c2r transform (FFTW_ESTIMATE). */
PetscErrorCode PhynnGrfPeriodic2d(const PhynnGrf *g, long sample, double L, long nx, double *u);
/* The Philox index of a_mn of sample s: s 2^43 + m 2^22 + (n + 2^20) 2 (0 <= m < 2^20, |n| < 2^20, s < 2^21). */
uint64_t PhynnGrfIndex2d(long sample, long m, long n);

#endif
