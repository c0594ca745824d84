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

#endif
