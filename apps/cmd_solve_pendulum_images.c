/* `phynn solve pendulum-images`: frames of the pendulum rendered from the reference solver's
 * theta(t), with the exact first and second time derivatives of every pixel.
 *
 *   phynn solve pendulum-images [-render rod|blob] [-theta0 A -omega0 W -tf T -nt N] [-o frames.nc]
 *   mpirun -np P phynn solve pendulum-images -render blob -ntraj N -seed S
 *
 * Samples are (trajectory, time) pairs, sample = traj nt + i: image(sample, y, x), image_t,
 * image_tt, t, theta, omega, traj (docs/image-data.md). With -ntraj, trajectories are drawn exactly
 * as `solve pendulum -ntraj` draws them, split over the ranks and gathered to rank 0. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "pendulum_sampling.h"
#include "phynn/gather.h"
#include "phynn/ncfile.h"
#include "phynn/pendulum.h"
#include "phynn/pendulum_render.h"

static const char *const render_names[] = {"rod", "blob", NULL};

typedef struct {
  PhynnPendulum        p;
  PhynnPendulumSampler smp;
  PhynnPendulumRender  rd;
  double               theta0, omega0, tf;
  long                 nt, ntraj;
  char                 out[PETSC_MAX_PATH_LEN];
  char                 method[128];
} ImagesRun;

typedef struct {
  double *th, *om, *img, *img_t, *img_tt;
} ImagesData;

static PetscErrorCode WriteFile(const ImagesRun *r, const ImagesData *d)
{
  PhynnNcWriter w;
  const long    ntraj = r->ntraj > 0 ? r->ntraj : 1, ns = ntraj * r->nt, nx = r->rd.nx, ny = r->rd.ny;
  const int     blob = r->rd.kind == PHYNN_RENDER_BLOB;
  const char   *xu = blob ? "1" : "m";
  int           ds, dx, dy, vs, vx, vy, vt, vtraj, vth, vom, vi, vit, vitt, dims[3];
  double       *buf, *x, *y;

  PetscFunctionBegin;
  PetscCall(PhynnNcCreate(r->out, &w));
  PetscCall(PhynnNcPutProvenance(&w, blob ? "phynn pendulum images: Champion et al.'s Gaussian blob" : "phynn pendulum images: rod and bob"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "equation", r->p.linear ? "theta'' + (g/l) theta = 0 (small-angle pendulum)" : "theta'' + (g/l) sin(theta) = 0 (simple pendulum)"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "initial_condition", r->ntraj > 0 ? "theta(0) = theta0(traj), theta'(0) = omega0(traj), sampled as solve pendulum -ntraj (see sampling)" : "theta(0) = theta0, theta'(0) = omega0"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "render", render_names[r->rd.kind]));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "render_formula",
                           blob ? "image = exp(-((x - sin theta)^2 + (y + cos theta)^2)/0.05) on Champion's grid (x, y)"
                                : "image = 1 - (1 - R)(1 - B); rod R = exp(-c^2/(2 s^2)) S(a/e) S((l - a)/e), bob B = S((r^2 - |p - b|^2)/(2 r e)), a = x sin theta - y cos theta, c = x cos theta + y sin theta, S logistic"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "derivatives", "image_t = I_theta theta', image_tt = I_thetatheta theta'^2 + I_theta theta'' (exact chain rule; theta'' from the equation of motion)"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "sample_order", "sample = traj nt + i, time index i fastest"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "g", r->p.g));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "l", r->p.l));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "linear", r->p.linear ? "true" : "false"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "tf", r->tf));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nt", r->nt));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "window_xmin", r->rd.xmin));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "window_xmax", r->rd.xmax));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "window_ymin", r->rd.ymin));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "window_ymax", r->rd.ymax));
  if (!blob) {
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "rod_width_pixels", r->rd.rod_width));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "bob_diameter_pixels", r->rd.bob_diameter));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "edge_pixels", r->rd.edge));
  }
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "solver", r->method));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_rtol", r->p.rtol));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_atol", r->p.atol));
  if (r->ntraj > 0) {
    char rule[256];
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "ntraj", r->ntraj));
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "seed", (long)r->smp.seed));
    snprintf(rule, sizeof(rule), "Champion et al. 2019: theta0 ~ U[-%g, %g], omega0 ~ U[-%g, %g], kept if |omega0^2/2 - (g/l) cos theta0| <= %g (g/l); Philox draws per trajectory (as solve pendulum -ntraj)",
             r->smp.theta_max, r->smp.theta_max, r->smp.omega_max, r->smp.omega_max, r->smp.accept);
    PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "sampling", rule));
  } else {
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "theta0", r->theta0));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "omega0", r->omega0));
  }
  PetscCall(PhynnNcDefCoord(&w, "sample", (size_t)ns, "1", "sample index (trajectory, time) = (traj, i), sample = traj nt + i", &ds, &vs));
  PetscCall(PhynnNcDefCoord(&w, "y", (size_t)ny, xu, "vertical position of the pixel row (top row first)", &dy, &vy));
  PetscCall(PhynnNcDefCoord(&w, "x", (size_t)nx, xu, "horizontal position of the pixel column", &dx, &vx));
  PetscCall(PhynnNcDefVar(&w, "t", 1, &ds, "s", "time", &vt));
  PetscCall(PhynnNcDefVar(&w, "theta", 1, &ds, "rad", "angle from the downward vertical", &vth));
  PetscCall(PhynnNcDefVar(&w, "omega", 1, &ds, "rad s-1", "angular velocity dtheta/dt", &vom));
  PetscCall(PhynnNcDefVar(&w, "traj", 1, &ds, "1", "trajectory index of the sample", &vtraj));
  dims[0] = ds;
  dims[1] = dy;
  dims[2] = dx;
  PetscCall(PhynnNcDefVar(&w, "image", 3, dims, "1", "pixel intensity", &vi));
  PetscCall(PhynnNcDefVar(&w, "image_t", 3, dims, "s-1", "time derivative of the pixel intensity (exact)", &vit));
  PetscCall(PhynnNcDefVar(&w, "image_tt", 3, dims, "s-2", "second time derivative of the pixel intensity (exact)", &vitt));
  PetscCall(PetscMalloc3(ns, &buf, nx, &x, ny, &y));
  for (long k = 0; k < ns; k++) buf[k] = (double)k;
  PetscCall(PhynnNcPutVarDoubles(&w, vs, buf));
  PhynnPendulumRenderCoords(&r->rd, x, y);
  PetscCall(PhynnNcPutVarDoubles(&w, vx, x));
  PetscCall(PhynnNcPutVarDoubles(&w, vy, y));
  for (long k = 0; k < ns; k++) {
    long i = k % r->nt;
    buf[k] = (i == r->nt - 1) ? r->tf : r->tf * (double)i / (double)(r->nt - 1);
  }
  PetscCall(PhynnNcPutVarDoubles(&w, vt, buf));
  for (long k = 0; k < ns; k++) buf[k] = (double)(k / r->nt);
  PetscCall(PhynnNcPutVarDoubles(&w, vtraj, buf));
  PetscCall(PhynnNcPutVarDoubles(&w, vth, d->th));
  PetscCall(PhynnNcPutVarDoubles(&w, vom, d->om));
  PetscCall(PhynnNcPutVarDoubles(&w, vi, d->img));
  PetscCall(PhynnNcPutVarDoubles(&w, vit, d->img_t));
  PetscCall(PhynnNcPutVarDoubles(&w, vitt, d->img_tt));
  PetscCall(PetscFree3(buf, x, y));
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdSolvePendulumImages(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  ImagesRun           r;
  PhynnPendulumSolver s = NULL;
  double              omega_range, seed, win[4];
  int                 kind, nwin = 0;
  PetscBool           quiet, setwin;
  PhynnPendulumRender def;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(PhynnOptChoice("render", render_names, "rod", "picture: rod (the tutorial's rod and bob) or blob (Champion et al.'s Gaussian blob)", &kind, NULL));
  PetscCall(PhynnOptReal("g", 9.81, "gravitational acceleration g (m s-2), > 0", &r.p.g, NULL));
  PetscCall(PhynnOptReal("l", 1.0, "pendulum length l (m), > 0", &r.p.l, NULL));
  PetscCall(PhynnOptBool("linear", PETSC_FALSE, "solve the small-angle equation theta'' + (g/l) theta = 0", &r.p.linear, NULL));
  PetscCall(PhynnOptReal("theta0", M_PI / 9, "initial angle (rad; default 20 degrees, the tutorial's)", &r.theta0, NULL));
  PetscCall(PhynnOptReal("omega0", 0.0, "initial angular velocity (rad/s)", &r.omega0, NULL));
  PetscCall(PhynnOptReal("tf", 2.079, "final time (s), > 0 (default: the tutorial's 100 frames t_i = 2.1 i/100)", &r.tf, NULL));
  PetscCall(PhynnOptInt("nt", 100, "frames per trajectory at t_i = tf i/(nt-1), >= 2", &r.nt, NULL));
  PhynnPendulumRenderDefaults((PhynnRenderKind)kind, 1.0, &def);
  PetscCall(PhynnOptInt("nx", def.nx, "image width in pixels, >= 2 (rod 160, blob 51)", &r.rd.nx, NULL));
  PetscCall(PhynnOptInt("ny", def.ny, "image height in pixels, >= 2 (rod 160, blob 51)", &r.rd.ny, NULL));
  PetscCall(PhynnOptRealList("window", NULL, "xmin,xmax,ymin,ymax of the picture (rod: in units of l, default -0.5,0.5,-1.1,0.05; blob: -1.5,1.5,-1.5,1.5)", win, 4, &nwin, &setwin));
  PetscCall(PhynnOptReal("rod_width", 2.0, "rod: full width at half maximum of the rod, pixels, > 0", &r.rd.rod_width, NULL));
  PetscCall(PhynnOptReal("bob_diameter", 10.0, "rod: bob diameter, pixels, > 0", &r.rd.bob_diameter, NULL));
  PetscCall(PhynnOptReal("edge", 0.5, "rod: width scale of the logistic anti-aliased edges, pixels, > 0", &r.rd.edge, NULL));
  PetscCall(PhynnOptReal("rtol", 1e-13, "relative local error tolerance of the adaptive RK5(4) integrator", &r.p.rtol, NULL));
  PetscCall(PhynnOptReal("atol", 1e-13, "absolute local error tolerance of the adaptive RK5(4) integrator", &r.p.atol, NULL));
  PetscCall(PhynnOptInt("ntraj", 0, "number of trajectories with sampled initial conditions, as solve pendulum -ntraj (0: one trajectory)", &r.ntraj, NULL));
  PetscCall(PhynnPendulumSamplingOptions(&r.smp, &seed, &omega_range));
  PetscCall(PhynnOptString("o", "pendulum_images.nc", "output NetCDF file", r.out, sizeof(r.out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print nothing but errors", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, "solve pendulum-images", "", nargs, 0, 0));
  (void)args;
  PetscCheck(r.p.g > 0, comm, PHYNN_ERR_INPUT, "option -g: %.10g is not positive; the gravitational acceleration must be > 0", r.p.g);
  PetscCheck(r.p.l > 0, comm, PHYNN_ERR_INPUT, "option -l: %.10g is not positive; the pendulum length must be > 0", r.p.l);
  PetscCheck(r.tf > 0, comm, PHYNN_ERR_INPUT, "option -tf: %.10g is not positive; the final time must be > 0", r.tf);
  PetscCheck(r.nt >= 2, comm, PHYNN_ERR_INPUT, "option -nt: %ld is too small; give at least 2 frames", r.nt);
  PetscCheck(r.rd.nx >= 2, comm, PHYNN_ERR_INPUT, "option -nx: %ld is too small; give at least 2 pixels", r.rd.nx);
  PetscCheck(r.rd.ny >= 2, comm, PHYNN_ERR_INPUT, "option -ny: %ld is too small; give at least 2 pixels", r.rd.ny);
  /* rank 0 gathers every frame (MPI_Gatherv counts are int) */
  PetscCheck((double)(r.ntraj > 0 ? r.ntraj : 1) * (double)r.rd.nx * (double)r.rd.ny * (double)r.nt < 2147483647.0, comm, PHYNN_ERR_INPUT,
             "options -ntraj/-nx/-ny/-nt: %ld trajectories x %ld frames x %ld x %ld pixels exceed 2^31 values per array; write several files (different -seed) instead", r.ntraj > 0 ? r.ntraj : 1, r.nt, r.rd.nx, r.rd.ny);
  PetscCheck(!setwin || nwin == 4, comm, PHYNN_ERR_INPUT, "option -window: give 4 numbers xmin,xmax,ymin,ymax (got %d)", nwin);
  PetscCheck(!setwin || (win[0] < win[1] && win[2] < win[3]), comm, PHYNN_ERR_INPUT, "option -window: need xmin < xmax and ymin < ymax (got %g,%g,%g,%g)", win[0], win[1], win[2], win[3]);
  PetscCheck(r.rd.rod_width > 0 && r.rd.bob_diameter > 0 && r.rd.edge > 0, comm, PHYNN_ERR_INPUT, "options -rod_width/-bob_diameter/-edge: must be > 0 (got %g, %g, %g)", r.rd.rod_width, r.rd.bob_diameter, r.rd.edge);
  PetscCheck(r.p.rtol > 0 && r.p.atol > 0, comm, PHYNN_ERR_INPUT, "options -rtol/-atol: tolerances must be > 0 (got %.10g, %.10g)", r.p.rtol, r.p.atol);
  PetscCheck(r.ntraj >= 0, comm, PHYNN_ERR_INPUT, "option -ntraj: %ld is negative; give 0 (one trajectory) or a positive count", r.ntraj);
  PetscCall(PhynnPendulumSamplingSetUp(comm, &r.p, seed, omega_range, &r.smp));
  {
    PhynnPendulumRender d;
    const double        k = kind == PHYNN_RENDER_ROD ? r.p.l : 1.0; /* rod windows are in units of l */
    PhynnPendulumRenderDefaults((PhynnRenderKind)kind, r.p.l, &d);
    d.nx = r.rd.nx;
    d.ny = r.rd.ny;
    d.rod_width    = r.rd.rod_width;
    d.bob_diameter = r.rd.bob_diameter;
    d.edge         = r.rd.edge;
    if (setwin) {
      d.xmin = k * win[0];
      d.xmax = k * win[1];
      d.ymin = k * win[2];
      d.ymax = k * win[3];
    }
    r.rd = d;
  }
  PetscCall(PhynnNcCheckWritable(comm, r.out));
  PetscCall(PhynnPendulumSolverCreate(&r.p, &s));
  PetscCall(PhynnPendulumSolverSetFromOptions(s));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) {
    PetscCall(PhynnPendulumSolverDestroy(&s));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnPendulumSolverDescribe(s, r.method, sizeof(r.method)));

  double     t0 = PhynnTime();
  const long ntraj = r.ntraj > 0 ? r.ntraj : 1, npix = r.rd.nx * r.rd.ny, nt = r.nt;
  long       start = 0, count = ntraj;
  ImagesData loc, all = {NULL, NULL, NULL, NULL, NULL};
  if (r.ntraj > 0) PhynnSplitRange(ntraj, PhynnRank(comm), PhynnSize(comm), &start, &count);
  else if (PhynnRank(comm) != 0) count = 0;
  PetscCall(PetscMalloc5(count * nt + 1, &loc.th, count * nt + 1, &loc.om, count * nt * npix + 1, &loc.img, count * nt * npix + 1, &loc.img_t, count * nt * npix + 1, &loc.img_tt));
  for (long i = 0; i < count; i++) {
    double a = r.theta0, b = r.omega0;
    if (r.ntraj > 0) PetscCall(PhynnPendulumSample(&r.p, &r.smp, start + i, &a, &b));
    PetscCall(PhynnPendulumSolverRun(s, a, b, r.tf, nt, loc.th + i * nt, loc.om + i * nt, NULL));
    for (long k = i * nt; k < (i + 1) * nt; k++) {
      const double th = loc.th[k], alpha = -(r.p.g / r.p.l) * (r.p.linear ? th : sin(th)); /* theta'' from the ODE */
      PetscCall(PhynnPendulumRenderFrame(&r.rd, th, loc.om[k], alpha, loc.img + k * npix, loc.img_t + k * npix, loc.img_tt + k * npix));
    }
  }
  if (PhynnRank(comm) == 0) PetscCall(PetscMalloc5(ntraj * nt, &all.th, ntraj * nt, &all.om, ntraj * nt * npix, &all.img, ntraj * nt * npix, &all.img_t, ntraj * nt * npix, &all.img_tt));
  if (r.ntraj > 0) {
    PetscCall(PhynnGatherRows(comm, ntraj, nt, loc.th, all.th));
    PetscCall(PhynnGatherRows(comm, ntraj, nt, loc.om, all.om));
    PetscCall(PhynnGatherRows(comm, ntraj, nt * npix, loc.img, all.img));
    PetscCall(PhynnGatherRows(comm, ntraj, nt * npix, loc.img_t, all.img_t));
    PetscCall(PhynnGatherRows(comm, ntraj, nt * npix, loc.img_tt, all.img_tt));
  } else if (PhynnRank(comm) == 0) {
    PetscCall(PetscArraycpy(all.th, loc.th, nt));
    PetscCall(PetscArraycpy(all.om, loc.om, nt));
    PetscCall(PetscArraycpy(all.img, loc.img, nt * npix));
    PetscCall(PetscArraycpy(all.img_t, loc.img_t, nt * npix));
    PetscCall(PetscArraycpy(all.img_tt, loc.img_tt, nt * npix));
  }
  if (PhynnRank(comm) == 0) PetscCall(WriteFile(&r, &all));
  if (!quiet)
    PetscCall(PhynnPrintf(comm, "phynn solve pendulum-images: %s, %ld trajector%s x %ld frames of %ld x %ld pixels, %.3f s; wrote %s\n", render_names[kind], ntraj, ntraj == 1 ? "y" : "ies", nt, r.rd.nx, r.rd.ny,
                          PhynnTime() - t0, r.out));
  if (PhynnRank(comm) == 0) PetscCall(PetscFree5(all.th, all.om, all.img, all.img_t, all.img_tt));
  PetscCall(PetscFree5(loc.th, loc.om, loc.img, loc.img_t, loc.img_tt));
  PetscCall(PhynnPendulumSolverDestroy(&s));
  PetscFunctionReturn(0);
}
