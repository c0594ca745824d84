/* The nonlinear Schrodinger equation by split-step Fourier, fourth order in time.
 *
 *   PDE:    i h_t + 0.5 h_xx + |h|^2 h = 0,  x in [xmin, xmax) periodic, t in [0, tf]
 *   IC:     h(0, x) = h0(x); Raissi et al.'s default: 2 sech(x) on [-5, 5), t in [0, pi/2]
 *   Exact:  soliton   h = a sech(a (x - c t)) exp(i (c x + (a^2 - c^2) t/2));
 *           breather  h0 = 2 sech x gives the Satsuma-Yajima solution on the whole line
 *             h = 4 e^{it/2} (cosh 3x + 3 e^{4it} cosh x) / (cosh 4x + 4 cosh 2x + 3 cos 4t),
 *             period pi/2 in |h|, peak |h(pi/4, 0)| = 4.
 *   Invariants: mass M = int |h|^2 dx, Hamiltonian H = int (|h_x|^2/2 - |h|^4/2) dx.
 *
 * Method: h_t = L h + N(h) with L = (i/2) d_xx and N(h) = i |h|^2 h. Both parts are solved exactly:
 *   linear    F[h]_m(t + s) = exp(-i kappa_m^2 s/2) F[h]_m(t), kappa_m = 2 pi m/L (FFTW),
 *   nonlinear h(t + s) = h exp(i |h|^2 s)  (|h| is constant under N, so the phase is exact).
 * Strang: S2(s) = N(s/2) L(s) N(s/2), second order. Yoshida's triple jump
 *   S4(s) = S2(w1 s) S2(w0 s) S2(w1 s), w1 = 1/(2 - 2^{1/3}), w0 = 1 - 2 w1,
 * is fourth order; both parts are unitary, so the discrete mass is conserved to rounding, and
 * the Hamiltonian to the O(s^4) splitting error. Adjacent nonlinear half steps are merged
 * (N(a) N(b) = N(a + b) because |h| does not change under N).
 *
 * The grid is the Fourier grid: nx modes give nx points; on [-5, 5) the periodic extension of
 * 2 sech x has a slope kink at the ends (2 sech 5 = 0.027), so the 256-mode solution differs from
 * the fully resolved periodic one by ~2e-5 relative: we output the 256-mode problem exactly as
 * Raissi's reference does (the data a network is judged on), solved to ~1e-10 in time.
 *
 * Serial by design: a 256-point complex FFT takes about a microsecond; fftw_mpi would need
 * all-to-all transposes for every one of the ~6 FFTs per step, costing far more than the whole
 * serial solve. The CLI computes a single problem on rank 0 and splits -nsamples families by
 * whole samples over the ranks. Plans are made with FFTW_ESTIMATE for reproducibility. */
#include <fftw3.h>
#include <math.h>

#include "phynn/nls.h"

double PhynnNlsX(const PhynnNls *p, long i) { return p->xmin + (p->xmax - p->xmin) * (double)i / (double)p->nx; }
double PhynnNlsT(const PhynnNls *p, long j) { return j == p->nt - 1 ? p->tf : p->tf * (double)j / (double)(p->nt - 1); }

/* Wavenumber of FFTW's output index m (0..n/2, then negative). */
static double Kappa(long m, long n, double L) { return 2.0 * M_PI * (double)(m <= n / 2 ? m : m - n) / L; }

/* h <- h exp(i |h|^2 s) */
static void Nonlinear(long n, fftw_complex *h, double s)
{
  for (long i = 0; i < n; i++) {
    const double re = h[i][0], im = h[i][1], ph = (re * re + im * im) * s, c = cos(ph), sn = sin(ph);
    h[i][0] = re * c - im * sn;
    h[i][1] = re * sn + im * c;
  }
}

/* h <- F^-1[ e F[h] ], e = exp(-i kappa^2 s/2)/n (the 1/n undoes FFTW's unnormalised pair) */
static void Linear(long n, fftw_complex *h, fftw_plan fwd, fftw_plan bwd, fftw_complex *e)
{
  fftw_execute(fwd);
  for (long m = 0; m < n; m++) {
    const double re = h[m][0], im = h[m][1];
    h[m][0] = re * e[m][0] - im * e[m][1];
    h[m][1] = re * e[m][1] + im * e[m][0];
  }
  fftw_execute(bwd);
}

PetscErrorCode PhynnNlsSolve(const PhynnNls *p, const double *h0re, const double *h0im, double *hre, double *him)
{
  const long    n = p->nx;
  const double  L = p->xmax - p->xmin, cbrt2 = cbrt(2.0), w1 = 1.0 / (2.0 - cbrt2), w0 = 1.0 - 2.0 * w1;
  fftw_complex *h, *e1, *e0;
  fftw_plan     fwd, bwd;

  PetscFunctionBegin;
  PetscCheck(n >= 4 && p->nt >= 2 && p->substeps >= 1 && p->tf > 0 && L > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "nls: need nx >= 4, nt >= 2, substeps >= 1, tf > 0, xmax > xmin");
  h  = fftw_alloc_complex((size_t)n);
  e1 = fftw_alloc_complex((size_t)n);
  e0 = fftw_alloc_complex((size_t)n);
  PetscCheck(h && e1 && e0, PETSC_COMM_SELF, PETSC_ERR_MEM, "nls: out of memory for %ld points", n);
  /* In-place plans on h: FFTW_ESTIMATE does not touch the data while planning. */
  fwd = fftw_plan_dft_1d((int)n, h, h, FFTW_FORWARD, FFTW_ESTIMATE);
  bwd = fftw_plan_dft_1d((int)n, h, h, FFTW_BACKWARD, FFTW_ESTIMATE);
  for (long i = 0; i < n; i++) {
    h[i][0] = h0re[i];
    h[i][1] = h0im[i];
    hre[i]  = h0re[i];
    him[i]  = h0im[i];
  }
  double s_prev = -1;
  for (long j = 1; j < p->nt; j++) {
    const double s = (PhynnNlsT(p, j) - PhynnNlsT(p, j - 1)) / (double)p->substeps;
    if (s != s_prev) { /* the linear propagators for w1 s and w0 s */
      for (long m = 0; m < n; m++) {
        const double k2 = Kappa(m, n, L) * Kappa(m, n, L);
        e1[m][0] = cos(0.5 * k2 * w1 * s) / (double)n;
        e1[m][1] = -sin(0.5 * k2 * w1 * s) / (double)n;
        e0[m][0] = cos(0.5 * k2 * w0 * s) / (double)n;
        e0[m][1] = -sin(0.5 * k2 * w0 * s) / (double)n;
      }
      s_prev = s;
    }
    for (long k = 0; k < p->substeps; k++) {
      /* S2(w1 s) S2(w0 s) S2(w1 s) with merged nonlinear half steps */
      Nonlinear(n, h, 0.5 * w1 * s);
      Linear(n, h, fwd, bwd, e1);
      Nonlinear(n, h, 0.5 * (w1 + w0) * s);
      Linear(n, h, fwd, bwd, e0);
      Nonlinear(n, h, 0.5 * (w0 + w1) * s);
      Linear(n, h, fwd, bwd, e1);
      Nonlinear(n, h, 0.5 * w1 * s);
    }
    for (long i = 0; i < n; i++) {
      hre[j * n + i] = h[i][0];
      him[j * n + i] = h[i][1];
    }
  }
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(bwd);
  fftw_free(h);
  fftw_free(e1);
  fftw_free(e0);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNlsInvariants(const PhynnNls *p, const double *re, const double *im, double *mass, double *hamiltonian)
{
  const long    n = p->nx;
  const double  L = p->xmax - p->xmin, dx = L / (double)n;
  fftw_complex *h;
  fftw_plan     fwd;
  double        m2 = 0, grad = 0, quart = 0;

  PetscFunctionBegin;
  h = fftw_alloc_complex((size_t)n);
  PetscCheck(h, PETSC_COMM_SELF, PETSC_ERR_MEM, "nls: out of memory");
  fwd = fftw_plan_dft_1d((int)n, h, h, FFTW_FORWARD, FFTW_ESTIMATE);
  for (long i = 0; i < n; i++) {
    const double a2 = re[i] * re[i] + im[i] * im[i];
    h[i][0] = re[i];
    h[i][1] = im[i];
    m2 += a2;
    quart += a2 * a2;
  }
  fftw_execute(fwd);
  /* Parseval: sum_i |h_x(x_i)|^2 dx = (L / n^2) sum_m kappa_m^2 |c_m|^2 (the Nyquist mode counted
   * with its aliased wavenumber, as in the propagator). */
  for (long m = 0; m < n; m++) grad += Kappa(m, n, L) * Kappa(m, n, L) * (h[m][0] * h[m][0] + h[m][1] * h[m][1]);
  grad *= L / ((double)n * (double)n);
  *mass        = m2 * dx;
  *hamiltonian = 0.5 * grad - 0.5 * quart * dx;
  fftw_destroy_plan(fwd);
  fftw_free(h);
  PetscFunctionReturn(0);
}
