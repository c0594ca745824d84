/* The 2D periodic heat solver (FFTW MPI slabs) against independent answers. Registered with NP 1,
 * 2, 3; each rank checks its own rows and the maxima are taken over all ranks.
 *   - sin(2 pi 2 x) sin(2 pi 3 y) on [0, 1)^2, 40 points (slabs 14, 14, 12 on 3 ranks), k = 0.05:
 *     u = exp(-k (kx^2 + ky^2) t) u0 to 1e-13 at t = 0.1, 0.5, 2;
 *   - an off-centre Gaussian on [-1, 2)^2 against a naive O(n^4) DFT (damp each mode, sum the
 *     series back) to 1e-13, for nx = 12, 9 (odd: no Nyquist mode), 10 (slabs 4, 4, 2) and 4
 *     (slabs 2, 2, 0: a rank with no rows);
 *   - t = 0 gives u0 back bit for bit;
 *   - the 2D random field (PhynnGrfPeriodic2d, one c2r transform) equals its series summed
 *     directly from the documented draws to 1e-13, for nx = 12 and 9; its modes above (nx-1)/2
 *     are zero;
 * and, as `test_heat2d exact FILE MX MY`, a `phynn solve heat2d -ic sin -ic_mode MX,MY` file
 * against the exact solution to 1e-10 (max over t, y, x). */
#include <string.h>

#include "phynn/grf.h"
#include "phynn/heat2d.h"
#include "phynn/ncfile.h"
#include "phynn/random.h"
#include "phynn_test.h"

static int    g_argc;
static char **g_argv;

static double MaxAll(MPI_Comm comm, double v)
{
  double g = v;
  MPI_Allreduce(&v, &g, 1, MPI_DOUBLE, MPI_MAX, comm);
  return g;
}

static double Freq(long m, long n) { return (double)(m <= n / 2 ? m : m - n); }

/* u(t) from u0 (the whole n x n field) by the definition of the DFT, O(n^4): the check owes
 * nothing to FFTW. */
static void NaiveSolve(const PhynnHeat2d *p, const double *u0, double t, double *u)
{
  const long   n = p->nx;
  const double L = p->xmax - p->xmin;
  for (long j = 0; j < n; j++)
    for (long i = 0; i < n; i++) u[j * n + i] = 0;
  for (long b = 0; b < n; b++)
    for (long a = 0; a < n; a++) {
      double re = 0, im = 0;
      for (long j = 0; j < n; j++)
        for (long i = 0; i < n; i++) {
          const double th = -2 * M_PI * (double)(a * i + b * j) / (double)n;
          re += u0[j * n + i] * cos(th), im += u0[j * n + i] * sin(th);
        }
      const double ka = 2 * M_PI * Freq(a, n) / L, kb = 2 * M_PI * Freq(b, n) / L, d = exp(-p->k * (ka * ka + kb * kb) * t) / (double)(n * n);
      for (long j = 0; j < n; j++)
        for (long i = 0; i < n; i++) {
          const double th = 2 * M_PI * (double)(a * i + b * j) / (double)n;
          u[j * n + i] += d * (re * cos(th) - im * sin(th));
        }
    }
}

static PetscErrorCode CheckSin(MPI_Comm comm)
{
  PhynnHeat2d         p = {.k = 0.05, .xmin = 0, .xmax = 1, .tf = 2, .nx = 40, .nt = 3};
  PhynnHeat2dSpectral s;
  const double        kx = 2 * M_PI * 2, ky = 2 * M_PI * 3, times[3] = {0.1, 0.5, 2.0};
  long                y0, ny;
  double             *u0, *u, err = 0;

  PetscFunctionBegin;
  PetscCall(PhynnHeat2dSpectralCreate(comm, &p, &s));
  PetscCall(PhynnHeat2dSpectralGetRows(s, &y0, &ny));
  PetscCall(PetscMalloc2(ny * p.nx + 1, &u0, ny * p.nx + 1, &u));
  for (long j = 0; j < ny; j++)
    for (long i = 0; i < p.nx; i++) u0[j * p.nx + i] = sin(kx * PhynnHeat2dX(&p, i)) * sin(ky * PhynnHeat2dX(&p, y0 + j));
  PetscCall(PhynnHeat2dSpectralSetInitial(s, u0));
  for (int q = 0; q < 3; q++) {
    PetscCall(PhynnHeat2dSpectralEvaluate(s, times[q], u));
    for (long k = 0; k < ny * p.nx; k++) err = fmax(err, fabs(u[k] - exp(-p.k * (kx * kx + ky * ky) * times[q]) * u0[k]));
  }
  CHECK_CLOSE("sin(4 pi x) sin(6 pi y), 40 x 40, t = 0.1, 0.5, 2: max |u - exp(-k |kappa|^2 t) u0|", MaxAll(comm, err), 0, 0, 1e-13);
  PetscCall(PetscFree2(u0, u));
  PetscCall(PhynnHeat2dSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckGaussian(MPI_Comm comm, long nx)
{
  PhynnHeat2d         p = {.k = 0.02, .xmin = -1, .xmax = 2, .tf = 1, .nx = nx, .nt = 2};
  PhynnHeat2dSpectral s;
  const double        times[3] = {0.0, 0.3, 1.5};
  long                y0, ny;
  double             *whole, *ref, *u, err = 0, zero = 0;
  char                what[160];

  PetscFunctionBegin;
  PetscCall(PhynnHeat2dSpectralCreate(comm, &p, &s));
  PetscCall(PhynnHeat2dSpectralGetRows(s, &y0, &ny));
  PetscCall(PetscMalloc3(nx * nx, &whole, nx * nx, &ref, ny * nx + 1, &u));
  for (long j = 0; j < nx; j++)
    for (long i = 0; i < nx; i++) {
      const double dx = PhynnHeat2dX(&p, i) - 0.2, dy = PhynnHeat2dX(&p, j) - 0.9;
      whole[j * nx + i] = exp(-(dx * dx + 2 * dy * dy) / 0.5) + 0.1 * dx; /* not symmetric in x, y or either sign */
    }
  PetscCall(PhynnHeat2dSpectralSetInitial(s, ny ? whole + y0 * nx : whole)); /* a rank without rows passes nothing */
  for (int q = 0; q < 3; q++) {
    PetscCall(PhynnHeat2dSpectralEvaluate(s, times[q], u));
    NaiveSolve(&p, whole, times[q], ref);
    for (long k = 0; k < ny * nx; k++) {
      err = fmax(err, fabs(u[k] - ref[y0 * nx + k]));
      if (q == 0) zero = fmax(zero, fabs(u[k] - whole[y0 * nx + k]));
    }
  }
  snprintf(what, sizeof(what), "Gaussian, %ld x %ld on [-1, 2)^2 (%ld rows on rank 0), t = 0, 0.3, 1.5: max |u - naive DFT solution|", nx, nx, ny);
  CHECK_CLOSE(what, MaxAll(comm, err), 0, 0, 1e-13);
  snprintf(what, sizeof(what), "Gaussian, %ld x %ld: max |u(t = 0) - u0| (exactly)", nx, nx);
  CHECK_CLOSE(what, MaxAll(comm, zero), 0, 0, 0);
  PetscCall(PetscFree3(whole, ref, u));
  PetscCall(PhynnHeat2dSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

/* The random field's series summed term by term from the draws the header documents. */
static PetscErrorCode CheckGrf(MPI_Comm comm, long nx)
{
  const PhynnGrf g = {.seed = 11, .stream = PHYNN_STREAM_USER + 0x7f0, .length = 0.3, .sigma = 1.7};
  const double   L = 2.0;
  const long     M = (nx - 1) / 2;
  double        *u, *ref, z2 = 0, err = 0, high = 0, scale = 0;
  char           what[160];

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(nx * nx, &u, nx * nx, &ref));
  PetscCall(PhynnGrfPeriodic2d(&g, 5, L, nx, u));
  for (long q = 0; q < nx * nx; q++) ref[q] = 0;
  for (long m = 0; m <= M; m++)
    for (long n = m ? -M : 0; n <= M; n++) {
      const double km = 2 * M_PI * (double)m / L, kn = 2 * M_PI * (double)n / L, S = exp(-0.5 * (km * km + kn * kn) * g.length * g.length);
      const double a = PhynnNormal(g.seed, g.stream, PhynnGrfIndex2d(5, m, n)), b = m || n ? PhynnNormal(g.seed, g.stream, PhynnGrfIndex2d(5, m, n) + 1) : 0;
      z2 += S;
      for (long j = 0; j < nx; j++)
        for (long i = 0; i < nx; i++) {
          const double th = km * L * (double)i / (double)nx + kn * L * (double)j / (double)nx;
          ref[j * nx + i] += sqrt(S) * (a * cos(th) + b * sin(th));
        }
    }
  for (long q = 0; q < nx * nx; q++) {
    ref[q] *= g.sigma / sqrt(z2);
    err   = fmax(err, fabs(u[q] - ref[q]));
    scale = fmax(scale, fabs(ref[q]));
  }
  /* no energy above the cut: the DFT of u at |frequency| > M in either direction */
  for (long b = 0; b < nx; b++)
    for (long a = 0; a < nx; a++) {
      if (fabs(Freq(a, nx)) <= M && fabs(Freq(b, nx)) <= M) continue;
      double re = 0, im = 0;
      for (long j = 0; j < nx; j++)
        for (long i = 0; i < nx; i++) {
          const double th = -2 * M_PI * (double)(a * i + b * j) / (double)nx;
          re += u[j * nx + i] * cos(th), im += u[j * nx + i] * sin(th);
        }
      high = fmax(high, hypot(re, im) / (double)(nx * nx));
    }
  snprintf(what, sizeof(what), "2D random field, %ld x %ld: max |c2r field - series summed directly| (field max %.3g)", nx, nx, scale);
  CHECK_CLOSE(what, err, 0, 0, 1e-13);
  snprintf(what, sizeof(what), "2D random field, %ld x %ld: largest Fourier coefficient above (nx-1)/2", nx, nx);
  CHECK_CLOSE(what, high, 0, 0, 1e-14);
  CHECK(scale > 0.3 && scale < 10 * g.sigma, "2D random field, %ld x %ld: amplitude %g, expected O(sigma)", nx, nx, scale);
  PetscCall(PetscFree2(u, ref));
  (void)comm;
  PetscFunctionReturn(0);
}

/* A file from `phynn solve heat2d -ic sin -ic_mode MX,MY` against the exact solution. */
static PetscErrorCode CheckFile(const char *path, long mx, long my)
{
  int     id;
  double *t, *x, *y, *u, k, xmin, xmax, err = 0;
  size_t  nt, nx, ny, n;
  char    what[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &id));
  PetscCall(PhynnNcGetDouble(id, path, NC_GLOBAL, "k", &k));
  PetscCall(PhynnNcGetDouble(id, path, NC_GLOBAL, "xmin", &xmin));
  PetscCall(PhynnNcGetDouble(id, path, NC_GLOBAL, "xmax", &xmax));
  PetscCall(PhynnNcReadDoubles(id, path, "t", &t, &nt));
  PetscCall(PhynnNcReadDoubles(id, path, "x", &x, &nx));
  PetscCall(PhynnNcReadDoubles(id, path, "y", &y, &ny));
  PetscCall(PhynnNcReadDoubles(id, path, "u", &u, &n));
  nc_close(id);
  CHECK(n == nt * ny * nx && nt >= 2, "%s: u has %zu values, expected %zu x %zu x %zu", path, n, nt, ny, nx);
  const double kx = 2 * M_PI * (double)mx / (xmax - xmin), ky = 2 * M_PI * (double)my / (xmax - xmin);
  for (size_t j = 0; j < nt && n == nt * ny * nx; j++)
    for (size_t b = 0; b < ny; b++)
      for (size_t a = 0; a < nx; a++) {
        const double exact = exp(-k * (kx * kx + ky * ky) * t[j]) * sin(kx * (x[a] - xmin)) * sin(ky * (y[b] - xmin));
        err                = fmax(err, fabs(u[(j * ny + b) * nx + a] - exact));
      }
  snprintf(what, sizeof(what), "%s: max |u - exp(-k |kappa|^2 t) u0| over t, y, x", path);
  CHECK_CLOSE(what, err, 0, 0, 1e-10);
  PetscCall(PetscFree(t));
  PetscCall(PetscFree(x));
  PetscCall(PetscFree(y));
  PetscCall(PetscFree(u));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestHeat2d(MPI_Comm comm)
{
  PetscFunctionBegin;
  if (g_argc == 5 && !strcmp(g_argv[1], "exact")) {
    PetscCall(CheckFile(g_argv[2], atol(g_argv[3]), atol(g_argv[4])));
    PetscFunctionReturn(0);
  }
  PetscCall(CheckSin(comm));
  PetscCall(CheckGaussian(comm, 12));
  PetscCall(CheckGaussian(comm, 9));
  PetscCall(CheckGaussian(comm, 10));
  PetscCall(CheckGaussian(comm, 4));
  PetscCall(CheckGrf(comm, 12));
  PetscCall(CheckGrf(comm, 9));
  PetscFunctionReturn(0);
}

#define main(c, v) main_inner(c, v)
PHYNN_TEST_MAIN(TestHeat2d)
#undef main
int main(int argc, char **argv)
{
  g_argc = argc;
  g_argv = argv;
  return main_inner(argc, argv);
}
