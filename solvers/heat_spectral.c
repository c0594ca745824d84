/* The periodic 1D heat equation solved exactly in time with FFTW.
 *
 *   PDE:    u_t = k u_xx,  x in [xmin, xmax) periodic, t in [0, tf]
 *   IC:     u(0, x) = u0(x) sampled at x_i = xmin + i L/nx
 *   Method: u = sum_m c_m e^{i kappa_m (x - xmin)}, kappa_m = 2 pi m/L, so each mode decays as
 *           c_m(t) = c_m(0) exp(-k kappa_m^2 t). One r2c transform of u0, then for each output time
 *           one c2r transform of the damped coefficients: no time stepping, no time error; the only
 *           error is that of representing u0 by nx modes (spectral for smooth periodic data).
 *   Exact:  u0 = sin(2 pi m (x - xmin)/L): u = exp(-k (2 pi m/L)^2 t) u0.
 *
 * Serial by design: one 1D FFT of a few hundred points takes microseconds, so distributing it would
 * only add communication; -nsamples families split whole samples over the ranks instead.
 * Plans use FFTW_ESTIMATE (never MEASURE) so results are reproducible run to run. */
#include <fftw3.h>
#include <math.h>

#include "phynn/heat.h"

PetscErrorCode PhynnHeatSpectral(const PhynnHeat *p, const double *u0, double *u)
{
  const long    n = p->nx, nc = n / 2 + 1;
  const double  L = p->xmax - p->xmin;
  double       *r;
  fftw_complex *c0, *c;
  fftw_plan     fwd, bwd;

  PetscFunctionBegin;
  PetscCheck(p->bc == PHYNN_HEAT_PERIODIC, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the spectral heat solver needs periodic boundaries; use -bc periodic or -method ts");
  r  = fftw_alloc_real((size_t)n);
  c0 = fftw_alloc_complex((size_t)nc);
  c  = fftw_alloc_complex((size_t)nc);
  PetscCheck(r && c0 && c, PETSC_COMM_SELF, PETSC_ERR_MEM, "heat spectral: out of memory for %ld points", n);
  fwd = fftw_plan_dft_r2c_1d((int)n, r, c0, FFTW_ESTIMATE);
  bwd = fftw_plan_dft_c2r_1d((int)n, c, r, FFTW_ESTIMATE);
  for (long i = 0; i < n; i++) r[i] = u0[i];
  fftw_execute(fwd);
  for (long j = 0; j < p->nt; j++) {
    const double t = PhynnHeatT(p, j);
    for (long m = 0; m < nc; m++) {
      const double kappa = 2.0 * M_PI * (double)m / L, damp = exp(-p->k * kappa * kappa * t) / (double)n; /* 1/n: FFTW is unnormalised */
      c[m][0] = c0[m][0] * damp;
      c[m][1] = c0[m][1] * damp;
    }
    if (n % 2 == 0) c[nc - 1][1] = 0.0; /* the Nyquist mode of real data is real */
    fftw_execute(bwd);                   /* c2r overwrites c: it is rebuilt from c0 each time */
    for (long i = 0; i < n; i++) u[j * n + i] = r[i];
  }
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(bwd);
  fftw_free(r);
  fftw_free(c0);
  fftw_free(c);
  PetscFunctionReturn(0);
}
