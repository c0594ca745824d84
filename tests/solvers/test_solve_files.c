/* Checks the files the `phynn solve` setup tests wrote (in the current directory):
 *   heat.nc:     max |u - exp(-0.4 pi^2 t) sin(pi x)| < 1e-5 on the 101 x 256 output grid;
 *   nls.nc:      mass(t) = 7.99927326 (1e-9 relative) at every t; |h(pi/4, 0)| = 3.9988 (1e-4);
 *   pendulum.nc: energy constant to 1e-10 relative; theta(0) = pi/4;
 *   heat_samples.nc (-nsamples 4 -nx 64 -nt 11, Dirichlet): the shapes the command line asked
 *     for, every u0 vanishes at both ends, u(t = 0) = u0, and u is Crank-Nicolson's exact discrete
 *     solution (below);
 *   pendulum_images.nc: the tutorial's 100 frames t_i = 0.021 i of 160 x 160 pixels from
 *     theta0 = 20 degrees; in every frame the pixels within 2.5 pixels of the bob centre
 *     l (sin theta, -cos theta) are bright (>= 0.95), and every pixel is in [0, 1].
 * and the single-rank runs the 2- and 3-rank runs are compared with (solver_cli_ranks_agree_np*),
 * so that those comparisons are against files that are right, not only alike:
 *   heat_np1.nc (default problem): exp(-0.4 pi^2 t) sin(pi x) to 1e-5, and CN's discrete solution;
 *   heat_samples_np1.nc (-nsamples 5 -nx 64 -nt 21 -seed 3): shapes; CN's discrete solution;
 *   nls_samples_np1.nc (-nsamples 4 -nx 64 -nt 21): shapes; h(t = 0) = h0 exactly; the discrete
 *     mass sum |h|^2 dx of every sample conserved (both split-step parts are unitary) and equal
 *     to the file's mass variable;
 *   pendulum_ntraj_np1.nc (-ntraj 12 -seed 7): theta0, omega0 are PhynnPendulumSample(seed 7, i),
 *     theta(i, 0) = theta0(i), and the energy of every trajectory is conserved.
 *
 * CN's discrete solution: with the ends held at 0, the interior sine vectors
 * phi_m(i) = sin(m pi i/(nx - 1)), m = 1 .. nx - 2, are eigenvectors of the solver's matrix
 * A = k/h^2 tridiag(1, -2, 1) with eigenvalues lam_m = -4 k/h^2 sin^2(m pi/(2 (nx - 1))), and a
 * Crank-Nicolson step of length dt multiplies mode m by G_m = (1 + dt lam_m/2)/(1 - dt lam_m/2).
 * So u(t_j) = sum_m a_m G_m^(substeps j) phi_m, a_m the discrete sine coefficients of u0: exact
 * up to rounding for every initial condition, rough random ones included. */
#include <string.h>

#include "phynn/ncfile.h"
#include "phynn/pendulum.h"
#include "phynn_test.h"

static PetscErrorCode Read(const char *path, const char *var, double **v, size_t *n)
{
  int id;
  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &id));
  PetscCall(PhynnNcReadDoubles(id, path, var, v, n));
  nc_close(id);
  PetscFunctionReturn(0);
}

/* The shape of `var` in `path` is exactly want[0..nd): the lengths the command line asked for,
 * not lengths inferred from the data. */
static PetscErrorCode CheckShape(const char *path, const char *var, int nd, const size_t *want)
{
  int    id, vid, got_nd;
  size_t got[8];
  char   gs[128] = "", ws[128] = "";

  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &id));
  PetscCall(PhynnNcVar(id, path, var, &vid));
  PetscCall(PhynnNcVarShape(id, path, vid, &got_nd, got));
  nc_close(id);
  int ok = got_nd == nd;
  for (int k = 0; k < got_nd; k++) snprintf(gs + strlen(gs), sizeof(gs) - strlen(gs), "%s%zu", k ? " x " : "", got[k]);
  for (int k = 0; k < nd; k++) {
    snprintf(ws + strlen(ws), sizeof(ws) - strlen(ws), "%s%zu", k ? " x " : "", want[k]);
    ok = ok && got[k] == want[k];
  }
  CHECK(ok, "%s: %s has shape %s, the command line asked for %s", path, var, gs, ws);
  if (ok) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ok   %s: %s is %s\n", path, var, ws));
  PetscFunctionReturn(0);
}

/* max |u - CN's discrete solution| over ns samples of u(sample, t, x) from u0(sample, x)
 * (see the header), for the Dirichlet problem on [0, 1] with tf = 1. */
static PetscErrorCode CnError(long ns, long nt, long nx, double k, long substeps, const double *u0, const double *u, double *err)
{
  const long   n = nx - 1, nm = nx - 2;
  const double h = 1.0 / (double)n, dt = 1.0 / (double)((nt - 1) * substeps);
  double      *phi, *a, *g, *gj;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(nm * nx, &phi, nm, &a, nm, &g, nm, &gj));
  for (long m = 1; m <= nm; m++) {
    const double s = sin((double)m * M_PI / (2.0 * (double)n)), lam = -4.0 * k / (h * h) * s * s;
    g[m - 1] = pow((1 + 0.5 * dt * lam) / (1 - 0.5 * dt * lam), (double)substeps); /* one output interval */
    for (long i = 0; i < nx; i++) phi[(m - 1) * nx + i] = sin((double)(m * i % (2 * n)) * M_PI / (double)n);
  }
  *err = 0;
  for (long smp = 0; smp < ns; smp++) {
    for (long m = 0; m < nm; m++) {
      a[m] = 0;
      for (long i = 1; i < nx - 1; i++) a[m] += u0[smp * nx + i] * phi[m * nx + i];
      a[m] *= 2.0 / (double)n;
      gj[m] = 1;
    }
    for (long j = 0; j < nt; j++) {
      for (long i = 0; i < nx; i++) {
        double v = 0;
        for (long m = 0; m < nm; m++) v += a[m] * gj[m] * phi[m * nx + i];
        *err = fmax(*err, fabs(u[(smp * nt + j) * nx + i] - v));
      }
      for (long m = 0; m < nm; m++) gj[m] *= g[m];
    }
  }
  PetscCall(PetscFree4(phi, a, g, gj));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestFiles(MPI_Comm comm)
{
  double *t, *x, *u, *re, *im, *m, *e, *th, err = 0;
  size_t  nt, nx, n;

  PetscFunctionBegin;
  PetscCall(Read("heat.nc", "t", &t, &nt));
  PetscCall(Read("heat.nc", "x", &x, &nx));
  PetscCall(Read("heat.nc", "u", &u, &n));
  CHECK(nt == 101 && nx == 256 && n == nt * nx, "heat.nc: expected 101 x 256, got %zu x %zu", nt, nx);
  for (size_t j = 0; j < nt; j++)
    for (size_t i = 0; i < nx; i++) err = fmax(err, fabs(u[j * nx + i] - exp(-0.4 * M_PI * M_PI * t[j]) * sin(M_PI * x[i])));
  CHECK_CLOSE("heat.nc: max |u - exp(-0.4 pi^2 t) sin(pi x)|", err, 0, 0, 1e-5);
  PetscCall(PetscFree(t));
  PetscCall(PetscFree(x));
  PetscCall(PetscFree(u));

  PetscCall(Read("nls.nc", "h_re", &re, &n));
  PetscCall(Read("nls.nc", "h_im", &im, &n));
  PetscCall(Read("nls.nc", "mass", &m, &nt));
  CHECK(nt == 201 && n == 201 * 256, "nls.nc: expected 201 x 256 values");
  double dm = 0;
  for (size_t j = 0; j < nt; j++) dm = fmax(dm, fabs(m[j] - 7.99927326));
  CHECK_CLOSE("nls.nc: max |mass(t) - 7.99927326|", dm, 0, 0, 8e-9);
  CHECK_CLOSE("nls.nc: |h(pi/4, 0)|", hypot(re[100 * 256 + 128], im[100 * 256 + 128]), 3.9988, 0, 1e-4);
  PetscCall(PetscFree(re));
  PetscCall(PetscFree(im));
  PetscCall(PetscFree(m));

  PetscCall(Read("pendulum.nc", "energy", &e, &nt));
  PetscCall(Read("pendulum.nc", "theta", &th, &n));
  double de = 0;
  for (size_t j = 0; j < nt; j++) de = fmax(de, fabs(e[j] - e[0]) / fabs(e[0]));
  CHECK_CLOSE("pendulum.nc: max relative energy change", de, 0, 0, 1e-10);
  CHECK_CLOSE("pendulum.nc: theta(0)", th[0], M_PI / 4, 0, 1e-15);
  PetscCall(PetscFree(e));
  PetscCall(PetscFree(th));

  double *u0;
  size_t  n0;
  {
    /* -nsamples 4 -nx 64 -nt 11 (solver_cli_default_runs) */
    const size_t ns = 4, snx = 64, snt = 11, s_u0[] = {ns, snx}, s_u[] = {ns, snt, snx};
    PetscCall(CheckShape("heat_samples.nc", "sample", 1, &ns));
    PetscCall(CheckShape("heat_samples.nc", "t", 1, &snt));
    PetscCall(CheckShape("heat_samples.nc", "x", 1, &snx));
    PetscCall(CheckShape("heat_samples.nc", "u0", 2, s_u0));
    PetscCall(CheckShape("heat_samples.nc", "u", 3, s_u));
    PetscCall(Read("heat_samples.nc", "u0", &u0, &n0));
    PetscCall(Read("heat_samples.nc", "u", &u, &n));
    PetscCheck(n0 == ns * snx && n == ns * snt * snx, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "heat_samples.nc: %zu values of u0 and %zu of u, expected %zu and %zu", n0, n, ns * snx, ns * snt * snx);
    nx = snx, nt = snt;
    double ends = 0, first = 0, amp = 0, cn;
    for (size_t s = 0; s < ns; s++) {
      ends = fmax(ends, fmax(fabs(u0[s * nx]), fabs(u0[s * nx + nx - 1])));
      for (size_t i = 0; i < nx; i++) {
        first = fmax(first, fabs(u[s * nt * nx + i] - u0[s * nx + i]));
        amp   = fmax(amp, fabs(u0[s * nx + i]));
      }
    }
    CHECK_CLOSE("heat_samples.nc: max |u0| at the ends (Dirichlet)", ends, 0, 0, 0);
    CHECK_CLOSE("heat_samples.nc: max |u(sample, t = 0) - u0(sample)|", first, 0, 0, 0);
    CHECK(amp > 0.3 && amp < 10, "heat_samples.nc: random initial conditions have max amplitude %g, expected O(1)", amp);
    PetscCall(CnError((long)ns, (long)nt, (long)nx, 0.4, 10, u0, u, &cn));
    /* rounding only (the LU solves of 100 steps): measured 2.2e-15; 100x margin */
    CHECK_CLOSE("heat_samples.nc: max |u - Crank-Nicolson's discrete solution|", cn, 0, 0, 2e-13);
    PetscCall(PetscFree(u0));
    PetscCall(PetscFree(u));
  }

  /* heat_np1.nc: the default problem (k = 0.4, 256 points, 101 times, 10 CN steps each) */
  {
    const size_t hnt = 101, hnx = 256, s_u[] = {hnt, hnx};
    double       cn, ex = 0;
    PetscCall(CheckShape("heat_np1.nc", "u", 2, s_u));
    PetscCall(Read("heat_np1.nc", "t", &t, &nt));
    PetscCall(Read("heat_np1.nc", "x", &x, &nx));
    PetscCall(Read("heat_np1.nc", "u", &u, &n));
    PetscCheck(nt == hnt && nx == hnx && n == hnt * hnx, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "heat_np1.nc: %zu x %zu, expected 101 x 256", nt, nx);
    PetscCall(PetscMalloc1(nx, &u0));
    for (size_t i = 0; i < nx; i++) u0[i] = sin(M_PI * x[i]);
    for (size_t j = 0; j < nt; j++)
      for (size_t i = 0; i < nx; i++) ex = fmax(ex, fabs(u[j * nx + i] - exp(-0.4 * M_PI * M_PI * t[j]) * sin(M_PI * x[i])));
    /* measured 4.2e-6: the O(h^2) space and O(dt^2) time errors (solvers/heat_ts.c) */
    CHECK_CLOSE("heat_np1.nc: max |u - exp(-0.4 pi^2 t) sin(pi x)|", ex, 0, 0, 1e-5);
    PetscCall(CnError(1, (long)nt, (long)nx, 0.4, 10, u0, u, &cn));
    /* rounding only (1000 steps): measured 2.1e-15; 100x margin */
    CHECK_CLOSE("heat_np1.nc: max |u - Crank-Nicolson's discrete solution|", cn, 0, 0, 2e-13);
    PetscCall(PetscFree(t));
    PetscCall(PetscFree(x));
    PetscCall(PetscFree(u));
    PetscCall(PetscFree(u0));
  }

  /* heat_samples_np1.nc: -nsamples 5 -nx 64 -nt 21 -seed 3 */
  {
    const size_t ns = 5, snx = 64, snt = 21, s_u0[] = {ns, snx}, s_u[] = {ns, snt, snx};
    double       cn, first = 0;
    PetscCall(CheckShape("heat_samples_np1.nc", "u0", 2, s_u0));
    PetscCall(CheckShape("heat_samples_np1.nc", "u", 3, s_u));
    PetscCall(Read("heat_samples_np1.nc", "u0", &u0, &n0));
    PetscCall(Read("heat_samples_np1.nc", "u", &u, &n));
    PetscCheck(n0 == ns * snx && n == ns * snt * snx, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "heat_samples_np1.nc: %zu values of u0 and %zu of u, expected %zu and %zu", n0, n, ns * snx, ns * snt * snx);
    for (size_t s = 0; s < ns; s++)
      for (size_t i = 0; i < snx; i++) first = fmax(first, fabs(u[s * snt * snx + i] - u0[s * snx + i]));
    CHECK_CLOSE("heat_samples_np1.nc: max |u(sample, t = 0) - u0(sample)|", first, 0, 0, 0);
    PetscCall(CnError((long)ns, (long)snt, (long)snx, 0.4, 10, u0, u, &cn));
    /* rounding only (200 steps): measured 1.3e-15; 150x margin */
    CHECK_CLOSE("heat_samples_np1.nc: max |u - Crank-Nicolson's discrete solution|", cn, 0, 0, 2e-13);
    PetscCall(PetscFree(u0));
    PetscCall(PetscFree(u));
  }

  /* nls_samples_np1.nc: -nsamples 4 -nx 64 -nt 21 -substeps 8 -seed 3, on [-5, 5) */
  {
    const size_t ns = 4, snx = 64, snt = 21, s_h0[] = {ns, snx}, s_h[] = {ns, snt, snx}, s_m[] = {ns, snt};
    double      *h0re, *h0im, *mass, first = 0, dm = 0, dmv = 0;
    size_t       nm;
    PetscCall(CheckShape("nls_samples_np1.nc", "h0_re", 2, s_h0));
    PetscCall(CheckShape("nls_samples_np1.nc", "h0_im", 2, s_h0));
    PetscCall(CheckShape("nls_samples_np1.nc", "h_re", 3, s_h));
    PetscCall(CheckShape("nls_samples_np1.nc", "h_im", 3, s_h));
    PetscCall(CheckShape("nls_samples_np1.nc", "mass", 2, s_m));
    PetscCall(Read("nls_samples_np1.nc", "h0_re", &h0re, &n0));
    PetscCall(Read("nls_samples_np1.nc", "h0_im", &h0im, &n0));
    PetscCall(Read("nls_samples_np1.nc", "h_re", &re, &n));
    PetscCall(Read("nls_samples_np1.nc", "h_im", &im, &n));
    PetscCall(Read("nls_samples_np1.nc", "mass", &mass, &nm));
    PetscCheck(n0 == ns * snx && n == ns * snt * snx && nm == ns * snt, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "nls_samples_np1.nc: unexpected value counts");
    const double dx = 10.0 / (double)snx;
    for (size_t s = 0; s < ns; s++) {
      double m0 = 0;
      for (size_t i = 0; i < snx; i++) {
        const size_t q = s * snt * snx + i;
        first = fmax(first, fmax(fabs(re[q] - h0re[s * snx + i]), fabs(im[q] - h0im[s * snx + i])));
        m0 += (h0re[s * snx + i] * h0re[s * snx + i] + h0im[s * snx + i] * h0im[s * snx + i]) * dx;
      }
      for (size_t j = 0; j < snt; j++) {
        double mj = 0;
        for (size_t i = 0; i < snx; i++) {
          const size_t q = (s * snt + j) * snx + i;
          mj += (re[q] * re[q] + im[q] * im[q]) * dx;
        }
        dm  = fmax(dm, fabs(mj - m0) / m0);
        dmv = fmax(dmv, fabs(mass[s * snt + j] - mj) / m0);
      }
    }
    CHECK_CLOSE("nls_samples_np1.nc: max |h(sample, t = 0) - h0(sample)|", first, 0, 0, 0);
    /* rounding of 160 unitary steps (FFTs): measured 5.8e-14; 100x margin */
    CHECK_CLOSE("nls_samples_np1.nc: max relative change of sum |h|^2 dx of a sample", dm, 0, 0, 5e-12);
    /* the same sum in another order: measured 8.5e-16; 100x margin */
    CHECK_CLOSE("nls_samples_np1.nc: max relative |mass(sample, t) - sum |h|^2 dx|", dmv, 0, 0, 1e-13);
    PetscCall(PetscFree(h0re));
    PetscCall(PetscFree(h0im));
    PetscCall(PetscFree(re));
    PetscCall(PetscFree(im));
    PetscCall(PetscFree(mass));
  }

  /* pendulum_ntraj_np1.nc: -ntraj 12 -seed 7 -tf 5 -nt 251 */
  {
    const size_t         ntr = 12, pnt = 251, s_th[] = {ntr, pnt};
    PhynnPendulum        pp  = {.g = 9.81, .l = 1.0};
    PhynnPendulumSampler smp = {.seed = 7, .theta_max = M_PI, .omega_max = 2.1 * sqrt(9.81), .accept = 0.99};
    double              *th0, *om0, *om, sdiff = 0, first = 0;
    PetscCall(CheckShape("pendulum_ntraj_np1.nc", "theta", 2, s_th));
    PetscCall(CheckShape("pendulum_ntraj_np1.nc", "theta0", 1, &ntr));
    PetscCall(Read("pendulum_ntraj_np1.nc", "theta0", &th0, &n0));
    PetscCall(Read("pendulum_ntraj_np1.nc", "omega0", &om0, &n0));
    PetscCall(Read("pendulum_ntraj_np1.nc", "theta", &th, &n));
    PetscCall(Read("pendulum_ntraj_np1.nc", "omega", &om, &n));
    PetscCheck(n0 == ntr && n == ntr * pnt, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "pendulum_ntraj_np1.nc: unexpected value counts");
    de = 0;
    for (size_t i = 0; i < ntr; i++) {
      double a, b;
      PetscCall(PhynnPendulumSample(&pp, &smp, (long)i, &a, &b));
      sdiff = fmax(sdiff, fmax(fabs(th0[i] - a), fabs(om0[i] - b)));
      first = fmax(first, fmax(fabs(th[i * pnt] - th0[i]), fabs(om[i * pnt] - om0[i])));
      const double E0 = PhynnPendulumEnergy(&pp, th0[i], om0[i]);
      for (size_t j = 0; j < pnt; j++) de = fmax(de, fabs(PhynnPendulumEnergy(&pp, th[i * pnt + j], om[i * pnt + j]) - E0) / (9.81 * 1.0));
    }
    CHECK_CLOSE("pendulum_ntraj_np1.nc: max |(theta0, omega0)(i) - PhynnPendulumSample(seed 7, i)|", sdiff, 0, 0, 0);
    CHECK_CLOSE("pendulum_ntraj_np1.nc: max |(theta, omega)(i, t = 0) - (theta0, omega0)(i)|", first, 0, 0, 0);
    /* RK5(4) at rtol = atol = 1e-13: measured 1.1e-12; 100x margin */
    CHECK_CLOSE("pendulum_ntraj_np1.nc: max |E(t) - E(0)|/(g/l) over the trajectories", de, 0, 0, 1e-10);
    PetscCall(PetscFree(th0));
    PetscCall(PetscFree(om0));
    PetscCall(PetscFree(th));
    PetscCall(PetscFree(om));
  }

  double *px, *py, *img;
  size_t  npx, npy;
  PetscCall(Read("pendulum_images.nc", "t", &t, &nt));
  PetscCall(Read("pendulum_images.nc", "theta", &th, &n));
  PetscCall(Read("pendulum_images.nc", "x", &px, &npx));
  PetscCall(Read("pendulum_images.nc", "y", &py, &npy));
  PetscCall(Read("pendulum_images.nc", "image", &img, &n));
  CHECK(nt == 100 && npx == 160 && npy == 160 && n == nt * npx * npy, "pendulum_images.nc: expected 100 frames of 160 x 160, got %zu of %zu x %zu", nt, npy, npx);
  double dt = 0, bob = 1, lo = 1, hi = 0;
  long   nbob = 0;
  for (size_t k = 0; k < nt; k++) {
    dt = fmax(dt, fabs(t[k] - 0.021 * (double)k));
    for (size_t q = 0; q < npx * npy; q++) {
      const double v = img[k * npx * npy + q];
      lo             = fmin(lo, v);
      hi             = fmax(hi, v);
      if (hypot(px[q % npx] - sin(th[k]), py[q / npx] + cos(th[k])) <= 2.5 / 160) {
        bob = fmin(bob, v);
        nbob++;
      }
    }
  }
  CHECK_CLOSE("pendulum_images.nc: max |t_i - 2.1 i/100|", dt, 0, 0, 1e-12);
  CHECK_CLOSE("pendulum_images.nc: theta(0) (20 degrees)", th[0], M_PI / 9, 0, 1e-15);
  CHECK(nbob >= 10 * (long)nt, "pendulum_images.nc: only %ld pixels within 2.5 pixels of the bob in %zu frames", nbob, nt);
  CHECK_CLOSE("pendulum_images.nc: darkest pixel within 2.5 pixels of the bob centre", bob, 1, 0, 0.05);
  CHECK(lo >= 0 && hi <= 1, "pendulum_images.nc: pixels leave [0, 1]: [%g, %g]", lo, hi);
  PetscCall(PetscFree(t));
  PetscCall(PetscFree(th));
  PetscCall(PetscFree(px));
  PetscCall(PetscFree(py));
  PetscCall(PetscFree(img));
  (void)comm;
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(TestFiles)
