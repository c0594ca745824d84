/* The NLS split-step solver against exact solutions and invariants:
 *   - Raissi's default problem (2 sech x on [-5, 5), 256 points, t in [0, pi/2], 201 times):
 *     discrete mass 7.99927326, conserved to 1e-10 relative; Hamiltonian conserved to 1e-8
 *     relative; peak |h| at x = 0, t = pi/4 about 3.9988;
 *   - Satsuma-Yajima breather on [-25, 25) with 1280 points (2 sech 25 = 3e-11): max |h - exact| <= 1e-8 over t in [0, pi/2];
 *   - travelling soliton a = 1.5, c = 1 on [-30, 30): max |h - exact| <= 1e-8 up to t = 2;
 *   - fourth order in the time step (breather, against the exact solution): observed order 3.8 to 4.2. */
#include "phynn/nls.h"
#include "phynn_test.h"

typedef struct {
  double re, im;
} Cplx;

static Cplx Breather(double t, double x)
{
  /* 4 e^{it/2} (cosh 3x + 3 e^{4it} cosh x) / (cosh 4x + 4 cosh 2x + 3 cos 4t) */
  double nre = cosh(3 * x) + 3 * cos(4 * t) * cosh(x), nim = 3 * sin(4 * t) * cosh(x), d = cosh(4 * x) + 4 * cosh(2 * x) + 3 * cos(4 * t);
  double c = cos(t / 2), s = sin(t / 2);
  Cplx   r = {4 * (c * nre - s * nim) / d, 4 * (s * nre + c * nim) / d};
  return r;
}

static Cplx Soliton(double a, double c, double t, double x)
{
  double amp = a / cosh(a * (x - c * t)), ph = c * x + 0.5 * (a * a - c * c) * t;
  Cplx   r   = {amp * cos(ph), amp * sin(ph)};
  return r;
}

static PetscErrorCode Run(const PhynnNls *p, int ic, double **re, double **im)
{
  double *r0, *i0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(p->nx, &r0, p->nx, &i0));
  PetscCall(PetscMalloc2(p->nx * p->nt, re, p->nx * p->nt, im));
  for (long i = 0; i < p->nx; i++) {
    double x = PhynnNlsX(p, i);
    Cplx   s = Soliton(1.5, 1.0, 0, x);
    r0[i]    = ic == 0 ? 2 / cosh(x) : s.re;
    i0[i]    = ic == 0 ? 0 : s.im;
  }
  PetscCall(PhynnNlsSolve(p, r0, i0, *re, *im));
  PetscCall(PetscFree2(r0, i0));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestNls(MPI_Comm comm)
{
  PhynnNls p = {.xmin = -5, .xmax = 5, .tf = M_PI / 2, .nx = 256, .nt = 201, .substeps = 32};
  double  *re, *im, M0, H0, dM = 0, dH = 0, err = 0;

  PetscFunctionBegin;
  double t0 = PhynnTime();
  PetscCall(Run(&p, 0, &re, &im));
  PetscCall(PetscPrintf(comm, "default NLS problem (256 x 201, %ld steps per interval): %.3f s\n", p.substeps, PhynnTime() - t0));
  PetscCall(PhynnNlsInvariants(&p, re, im, &M0, &H0));
  for (long j = 1; j < p.nt; j++) {
    double M, H;
    PetscCall(PhynnNlsInvariants(&p, re + j * p.nx, im + j * p.nx, &M, &H));
    dM = fmax(dM, fabs(M - M0) / M0);
    dH = fmax(dH, fabs(H - H0) / fabs(H0));
  }
  CHECK_CLOSE("default: discrete mass sum |h|^2 dx at t = 0", M0, 7.99927326, 1e-9, 0);
  /* rounding of 6400 unitary steps (FFTs, whose kernels differ between CPUs): measured 1.6e-12;
   * 60x margin, so a 1000x loss (a step that is no longer unitary to rounding) fails */
  CHECK_CLOSE("default: max relative mass change", dM, 0, 0, 1e-10);
  /* the O(s^4) splitting error: measured 3.7e-10; 27x margin (1000x would be 3.7e-7) */
  CHECK_CLOSE("default: max relative Hamiltonian change", dH, 0, 0, 1e-8);
  CHECK_CLOSE("default: |h(pi/4, 0)|", hypot(re[100 * p.nx + 128], im[100 * p.nx + 128]), 3.9988, 0, 1e-4);
  PetscCall(PetscFree2(re, im));

  /* Satsuma-Yajima on a wide domain: exact to 1e-8, and fourth order in the step */
  PhynnNls q = {.xmin = -25, .xmax = 25, .tf = M_PI / 2, .nx = 1280, .nt = 21, .substeps = 16};
  double   e[4];
  for (int k = 0; k < 4; k++) {
    q.substeps = k < 3 ? 16L << k : 320;
    PetscCall(Run(&q, 0, &re, &im));
    e[k] = 0;
    for (long j = 0; j < q.nt; j++)
      for (long i = 0; i < q.nx; i++) {
        Cplx x = Breather(PhynnNlsT(&q, j), PhynnNlsX(&q, i));
        e[k]   = fmax(e[k], hypot(re[j * q.nx + i] - x.re, im[j * q.nx + i] - x.im));
      }
    PetscCall(PetscPrintf(comm, "  breather, step %.3e: max |h - exact| %.3e\n", q.tf / (double)(q.nt - 1) / (double)q.substeps, e[k]));
    PetscCall(PetscFree2(re, im));
  }
  CHECK_CLOSE("observed order in time (breather), s -> s/2", log2(e[0] / e[1]), 4.0, 0, 0.2);
  CHECK_CLOSE("observed order in time (breather), s/2 -> s/4", log2(e[1] / e[2]), 4.0, 0, 0.2);
  /* the O(s^4) time error: measured 2.6e-9 (order 4: a 2x larger step gives 16x) */
  CHECK_CLOSE("Satsuma-Yajima breather on [-25, 25), 1280 points, step 2.45e-4: max |h - exact|", e[3], 0, 0, 1e-8);

  /* Travelling soliton */
  PhynnNls sl = {.xmin = -30, .xmax = 30, .tf = 2, .nx = 1024, .nt = 21, .substeps = 64};
  err = 0;
  PetscCall(Run(&sl, 1, &re, &im));
  for (long j = 0; j < sl.nt; j++)
    for (long i = 0; i < sl.nx; i++) {
      Cplx x = Soliton(1.5, 1.0, PhynnNlsT(&sl, j), PhynnNlsX(&sl, i));
      err    = fmax(err, hypot(re[j * sl.nx + i] - x.re, im[j * sl.nx + i] - x.im));
    }
  /* measured 8.6e-10; 12x margin */
  CHECK_CLOSE("soliton a = 1.5, c = 1 on [-30, 30), t <= 2: max |h - exact|", err, 0, 0, 1e-8);
  PetscCall(PetscFree2(re, im));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestNls)
