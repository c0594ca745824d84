/* Checks the files the default `phynn solve` runs wrote (in the current directory):
 *   heat.nc:     max |u - exp(-0.4 pi^2 t) sin(pi x)| < 1e-5 on the 101 x 256 output grid;
 *   nls.nc:      mass(t) = 7.99927326 (1e-9 relative) at every t; |h(pi/4, 0)| = 3.9988 (1e-4);
 *   pendulum.nc: energy constant to 1e-10 relative; theta(0) = pi/4;
 *   heat_samples.nc (-nsamples, Dirichlet): every u0 vanishes at both ends and u(t = 0) = u0;
 *   pendulum_images.nc: the tutorial's 100 frames t_i = 0.021 i of 160 x 160 pixels from
 *     theta0 = 20 degrees; in every frame the pixels within 2.5 pixels of the bob centre
 *     l (sin theta, -cos theta) are bright (>= 0.95), and every pixel is in [0, 1]. */
#include "phynn/ncfile.h"
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
  PetscCall(Read("heat_samples.nc", "u0", &u0, &n0));
  PetscCall(Read("heat_samples.nc", "u", &u, &n));
  nx = 64, nt = n / (n0 / nx) / nx;
  double ends = 0, first = 0, amp = 0;
  for (size_t s = 0; s < n0 / nx; s++) {
    ends = fmax(ends, fmax(fabs(u0[s * nx]), fabs(u0[s * nx + nx - 1])));
    for (size_t i = 0; i < nx; i++) {
      first = fmax(first, fabs(u[s * nt * nx + i] - u0[s * nx + i]));
      amp   = fmax(amp, fabs(u0[s * nx + i]));
    }
  }
  CHECK_CLOSE("heat_samples.nc: max |u0| at the ends (Dirichlet)", ends, 0, 0, 0);
  CHECK_CLOSE("heat_samples.nc: max |u(sample, t = 0) - u0(sample)|", first, 0, 0, 0);
  CHECK(amp > 0.3 && amp < 10, "heat_samples.nc: random initial conditions have max amplitude %g, expected O(1)", amp);
  PetscCall(PetscFree(u0));
  PetscCall(PetscFree(u));

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
