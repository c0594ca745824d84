/* Pendulum images (solvers/pendulum_render.c and `phynn solve pendulum-images`).
 *
 *   test_pendulum_images
 *       the blob equals Champion's closed form exp(-((Y1 - sin theta)^2 + (Y2 + cos theta)^2)/0.05)
 *       at a few pixels to 1e-15 (relative); it hangs down at theta = 0; the rod picture lies in
 *       [0, 1], is bright at the bob and the rod and dark far from both.
 *   test_pendulum_images fd FILE TOL_T TOL_TT
 *       in a file written with a fine -nt, the stored image_t and image_tt match central differences
 *       of the frames at the neighbouring times: max |difference - stored| over all interior frames
 *       and pixels, relative to max |stored|, is at most TOL_T (first) and TOL_TT (second). */
#include <string.h>

#include "phynn/ncfile.h"
#include "phynn/pendulum_render.h"
#include "phynn_test.h"

static PetscErrorCode TestFrames(void)
{
  PhynnPendulumRender r;
  double             *img, *it, *itt, *x, *y;

  PetscFunctionBegin;
  PhynnPendulumRenderDefaults(PHYNN_RENDER_BLOB, 1.0, &r);
  CHECK(r.nx == 51 && r.ny == 51, "blob default is %ld x %ld, want 51 x 51", r.nx, r.ny);
  PetscCall(PetscMalloc5(r.nx * r.ny, &img, r.nx * r.ny, &it, r.nx * r.ny, &itt, r.nx, &x, r.ny, &y));
  PhynnPendulumRenderCoords(&r, x, y);
  CHECK_CLOSE("blob grid: Y1 of the first column", x[0], -1.5, 0, 1e-15);
  CHECK_CLOSE("blob grid: Y2 of the top row", y[0], 1.5, 0, 1e-15);
  CHECK_CLOSE("blob grid: Y2 of the bottom row", y[50], -1.5, 0, 1e-15);
  const double th = 0.7, om = -1.3, al = -2.1;
  PetscCall(PhynnPendulumRenderFrame(&r, th, om, al, img, it, itt));
  const long pix[][2] = {{0, 0}, {10, 37}, {20, 36}, {25, 25}, {50, 7}};
  for (size_t q = 0; q < sizeof(pix) / sizeof(pix[0]); q++) {
    long         i = pix[q][0], j = pix[q][1];
    double       Y1 = -1.5 + 3.0 * (double)j / 50.0, Y2 = 1.5 - 3.0 * (double)i / 50.0;
    double       A = -((Y1 - sin(th)) * (Y1 - sin(th)) + (Y2 + cos(th)) * (Y2 + cos(th))) / 0.05;
    double       At = 2 * (Y1 * cos(th) + Y2 * sin(th)) / 0.05, Att = 2 * (Y2 * cos(th) - Y1 * sin(th)) / 0.05;
    double       v = exp(A);
    char         what[96];
    snprintf(what, sizeof(what), "blob pixel (row %ld, col %ld) at theta 0.7", i, j);
    CHECK_CLOSE(what, img[i * 51 + j], v, 1e-15, 1e-300);
    snprintf(what, sizeof(what), "blob image_t (row %ld, col %ld) = x A_theta theta'", i, j);
    CHECK_CLOSE(what, it[i * 51 + j], v * At * om, 1e-13, 1e-300);
    snprintf(what, sizeof(what), "blob image_tt (row %ld, col %ld)", i, j);
    CHECK_CLOSE(what, itt[i * 51 + j], v * ((At * om) * (At * om) + Att * om * om + At * al), 1e-13, 1e-300);
  }
  PetscCall(PhynnPendulumRenderFrame(&r, 0.0, 0.0, 0.0, img, NULL, NULL));
  long best = 0;
  for (long k = 0; k < 51 * 51; k++)
    if (img[k] > img[best]) best = k;
  CHECK(best / 51 == 42 && best % 51 == 25, "blob at theta = 0 peaks at (row %ld, col %ld), want (42, 25), below the centre", best / 51, best % 51);
  PetscCall(PetscFree5(img, it, itt, x, y));

  PhynnPendulumRenderDefaults(PHYNN_RENDER_ROD, 1.0, &r);
  CHECK(r.nx == 160 && r.ny == 160, "rod default is %ld x %ld, want 160 x 160", r.nx, r.ny);
  PetscCall(PetscMalloc3(r.nx * r.ny, &img, r.nx, &x, r.ny, &y));
  PhynnPendulumRenderCoords(&r, x, y);
  PetscCall(PhynnPendulumRenderFrame(&r, 0.3, 0.0, 0.0, img, NULL, NULL));
  double lo = 1, hi = 0, bob = 0, rod = 0, far = 1;
  for (long i = 0; i < r.ny; i++)
    for (long j = 0; j < r.nx; j++) {
      double v = img[i * r.nx + j], px = x[j], py = y[i];
      lo = PetscMin(lo, v);
      hi = PetscMax(hi, v);
      if (hypot(px - sin(0.3), py + cos(0.3)) < 0.01) bob = PetscMax(bob, v);
      if (hypot(px - 0.5 * sin(0.3), py + 0.5 * cos(0.3)) < 0.004) rod = PetscMax(rod, v);
      if (hypot(px + 0.3, py + 0.5) < 0.05) far = PetscMin(far, 1 - v);
    }
  CHECK(lo >= 0 && hi <= 1, "rod picture leaves [0, 1]: [%g, %g]", lo, hi);
  /* at the centre B = S(r/(2e)) = S(5) = 0.9933 with the defaults, joined with the rod end */
  CHECK_CLOSE("rod picture: brightest pixel near the bob centre", bob, 1.0, 0, 1e-2);
  CHECK_CLOSE("rod picture: brightest pixel near the middle of the rod", rod, 1.0, 0, 0.2);
  CHECK_CLOSE("rod picture: darkest 1 - pixel far from rod and bob", far, 1.0, 0, 1e-12);
  PetscCall(PetscFree3(img, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestFile(const char *path, double tol_t, double tol_tt)
{
  int     id;
  double *t, *img, *it, *itt, *traj;
  size_t  ns, n, n1, n2, nt1;
  double  e1 = 0, e2 = 0, m1 = 0, m2 = 0;

  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &id));
  PetscCall(PhynnNcReadDoubles(id, path, "t", &t, &ns));
  PetscCall(PhynnNcReadDoubles(id, path, "traj", &traj, &nt1));
  PetscCall(PhynnNcReadDoubles(id, path, "image", &img, &n));
  PetscCall(PhynnNcReadDoubles(id, path, "image_t", &it, &n1));
  PetscCall(PhynnNcReadDoubles(id, path, "image_tt", &itt, &n2));
  nc_close(id);
  const size_t npix = n / ns;
  for (size_t k = 1; k + 1 < ns; k++) {
    if (traj[k - 1] != traj[k] || traj[k + 1] != traj[k]) continue; /* interior frames of a trajectory */
    const double h = t[k + 1] - t[k];
    CHECK(fabs(t[k] - t[k - 1] - h) < 1e-12, "frames are not equally spaced at sample %zu", k);
    for (size_t p = 0; p < npix; p++) {
      const double a = img[(k - 1) * npix + p], b = img[k * npix + p], c = img[(k + 1) * npix + p];
      e1 = PetscMax(e1, fabs((c - a) / (2 * h) - it[k * npix + p]));
      e2 = PetscMax(e2, fabs((c - 2 * b + a) / (h * h) - itt[k * npix + p]));
      m1 = PetscMax(m1, fabs(it[k * npix + p]));
      m2 = PetscMax(m2, fabs(itt[k * npix + p]));
    }
  }
  char what[PETSC_MAX_PATH_LEN + 96];
  CHECK(m1 > 0 && m2 > 0, "%s: image_t or image_tt is zero everywhere", path);
  snprintf(what, sizeof(what), "%s: max |central difference - image_t| / max |image_t| (max %.3g s-1)", path, m1);
  CHECK_CLOSE(what, e1 / m1, 0.0, 0, tol_t);
  snprintf(what, sizeof(what), "%s: max |second difference - image_tt| / max |image_tt| (max %.3g s-2)", path, m2);
  CHECK_CLOSE(what, e2 / m2, 0.0, 0, tol_tt);
  PetscCall(PetscFree(t));
  PetscCall(PetscFree(traj));
  PetscCall(PetscFree(img));
  PetscCall(PetscFree(it));
  PetscCall(PetscFree(itt));
  (void)n1;
  (void)n2;
  (void)nt1;
  PetscFunctionReturn(0);
}

static int    g_argc;
static char **g_argv;

static PetscErrorCode TestPendulumImages(MPI_Comm comm)
{
  PetscFunctionBegin;
  (void)comm;
  if (g_argc == 5 && !strcmp(g_argv[1], "fd")) PetscCall(TestFile(g_argv[2], atof(g_argv[3]), atof(g_argv[4])));
  else PetscCall(TestFrames());
  PetscFunctionReturn(0);
}

#define main(c, v) main_inner(c, v)
PHYNN_TEST_MAIN(TestPendulumImages)
#undef main
int main(int argc, char **argv)
{
  g_argc = argc;
  g_argv = argv;
  return main_inner(argc, argv);
}
