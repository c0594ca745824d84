/* `phynn solve heat`: reference solutions of u_t = k u_xx as NetCDF.
 *
 *   [mpirun -np P] phynn solve heat [-k 0.4 -xmin 0 -xmax 1 -tf 1 -nx 256 -nt 101]
 *       [-bc dirichlet|periodic] [-method ts|spectral] [-ic sin|gaussian|file] [-o heat.nc]
 *   mpirun -np P phynn solve heat -nsamples N -seed S -grf_length 0.1     (a solution family)
 *
 * One problem: -method ts distributes the grid over the ranks (DMDA); -method spectral (periodic
 * only) runs on rank 0. With -nsamples, whole samples are split over the ranks (each solves its
 * samples serially) and gathered to rank 0, which writes. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/gather.h"
#include "phynn/grf.h"
#include "phynn/heat.h"
#include "phynn/icfile.h"
#include "phynn/ncfile.h"
#include "phynn/random.h"

static const char *const bc_names[]     = {"dirichlet", "periodic", NULL};
static const char *const method_names[] = {"ts", "spectral", NULL};
static const char *const ic_names[]     = {"sin", "gaussian", "file", NULL};
enum { IC_SIN, IC_GAUSSIAN, IC_FILE };

#define PHYNN_STREAM_HEAT_GRF (PHYNN_STREAM_USER + 0x200)

typedef struct {
  PhynnHeat p;
  int       method, ic;
  long      ic_mode, nsamples;
  double    ic_center, ic_width;
  char      ic_file[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], solver[512], icdesc[PETSC_MAX_PATH_LEN + 256];
  PhynnGrf  grf;
} HeatRun;

static PetscErrorCode WriteFile(MPI_Comm comm, const HeatRun *r, const double *u0, const double *u, double seconds)
{
  const PhynnHeat *p = &r->p;
  PhynnNcWriter    w;
  int              dt, dx, ds = -1, vt, vx, vs = -1, vu, vu0 = -1, dims[3];
  double          *buf;
  char             text[256];

  PetscFunctionBegin;
  if (PhynnRank(comm) != 0) PetscFunctionReturn(0);
  PetscCall(PhynnNcCreate(r->out, &w));
  PetscCall(PhynnNcPutProvenance(&w, r->nsamples > 0 ? "phynn solution family of the 1D heat equation" : "phynn reference solution of the 1D heat equation"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "equation", "u_t = k u_xx"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "k", p->k));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "xmin", p->xmin));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "xmax", p->xmax));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "tf", p->tf));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nx", p->nx));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nt", p->nt));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "boundary_condition",
                           p->bc == PHYNN_HEAT_PERIODIC ? "periodic: u(t, xmin) = u(t, xmax); x excludes xmax" : "dirichlet: u(t, xmin) = u(t, xmax) = 0; x includes both ends"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "initial_condition", r->icdesc));
  if (r->nsamples == 0 && r->ic == IC_SIN) {
    snprintf(text, sizeof(text), "u = exp(-k kappa^2 t) u(0, x), kappa = %s%ld pi/(xmax - xmin)", p->bc == PHYNN_HEAT_PERIODIC ? "2 " : "", r->ic_mode);
    PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "exact_solution", text));
  }
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "solver", r->solver));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_seconds", seconds)); /* wall seconds of the solve (all samples), for phynn compare */
  if (r->method == 0) {
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "solver_substeps", p->substeps));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_dt", p->tf / (double)((p->nt - 1) * p->substeps)));
  }
  if (r->nsamples > 0) {
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nsamples", r->nsamples));
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "seed", (long)r->grf.seed));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "grf_length", r->grf.length));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "grf_sigma", r->grf.sigma));
    PetscCall(PhynnNcDefCoord(&w, "sample", (size_t)r->nsamples, "1", "sample index", &ds, &vs));
  }
  PetscCall(PhynnNcDefCoord(&w, "t", (size_t)p->nt, "1", "time", &dt, &vt));
  PetscCall(PhynnNcDefCoord(&w, "x", (size_t)p->nx, "1", "position", &dx, &vx));
  if (r->nsamples > 0) {
    dims[0] = ds, dims[1] = dx;
    PetscCall(PhynnNcDefVar(&w, "u0", 2, dims, "1", "initial condition u(0, x) of each sample (the operator's input)", &vu0));
    dims[0] = ds, dims[1] = dt, dims[2] = dx;
    PetscCall(PhynnNcDefVar(&w, "u", 3, dims, "1", "temperature u(sample, t, x)", &vu));
  } else {
    dims[0] = dt, dims[1] = dx;
    PetscCall(PhynnNcDefVar(&w, "u", 2, dims, "1", "temperature u(t, x)", &vu));
  }
  PetscCall(PetscMalloc1(PetscMax(PetscMax(p->nx, p->nt), r->nsamples), &buf));
  for (long j = 0; j < p->nt; j++) buf[j] = PhynnHeatT(p, j);
  PetscCall(PhynnNcPutVarDoubles(&w, vt, buf));
  for (long i = 0; i < p->nx; i++) buf[i] = PhynnHeatX(p, i);
  PetscCall(PhynnNcPutVarDoubles(&w, vx, buf));
  if (r->nsamples > 0) {
    for (long s = 0; s < r->nsamples; s++) buf[s] = (double)s;
    PetscCall(PhynnNcPutVarDoubles(&w, vs, buf));
    PetscCall(PhynnNcPutVarDoubles(&w, vu0, u0));
  }
  PetscCall(PhynnNcPutVarDoubles(&w, vu, u));
  PetscCall(PetscFree(buf));
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

/* The deterministic initial conditions (sin, gaussian, file) on the grid, on every rank. */
static PetscErrorCode InitialCondition(MPI_Comm comm, const HeatRun *r, double *u0)
{
  const PhynnHeat *p = &r->p;
  const double     L = p->xmax - p->xmin, kap = (p->bc == PHYNN_HEAT_PERIODIC ? 2.0 : 1.0) * (double)r->ic_mode * M_PI / L;

  PetscFunctionBegin;
  if (r->ic == IC_FILE) PetscCall(PhynnReadColumns(comm, "ic_file", r->ic_file, p->nx, 1, u0));
  else
    for (long i = 0; i < p->nx; i++) {
      const double x = PhynnHeatX(p, i), d = x - r->ic_center;
      u0[i]          = r->ic == IC_SIN ? sin(kap * (x - p->xmin)) : exp(-d * d / (2 * r->ic_width * r->ic_width));
    }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdSolveHeat(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  HeatRun     r;
  PhynnHeat  *p = &r.p;
  PhynnHeatTS ts = NULL;
  PetscBool   center_set, quiet;
  double      seed;
  int         bc;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(PhynnOptReal("k", 0.4, "diffusivity k in u_t = k u_xx, > 0", &p->k, NULL));
  PetscCall(PhynnOptReal("xmin", 0.0, "left end of the domain", &p->xmin, NULL));
  PetscCall(PhynnOptReal("xmax", 1.0, "right end of the domain (> xmin)", &p->xmax, NULL));
  PetscCall(PhynnOptReal("tf", 1.0, "final time, > 0", &p->tf, NULL));
  PetscCall(PhynnOptInt("nx", 256, "grid points (Dirichlet: both ends included; periodic: xmax excluded), >= 4", &p->nx, NULL));
  PetscCall(PhynnOptInt("nt", 101, "output times t_j = tf j/(nt-1), >= 2", &p->nt, NULL));
  PetscCall(PhynnOptInt("substeps", 10, "-method ts: Crank-Nicolson steps per output interval", &p->substeps, NULL));
  PetscCall(PhynnOptChoice("bc", bc_names, "dirichlet", "boundary condition: dirichlet (u = 0 at both ends) or periodic", &bc, NULL));
  PetscCall(PhynnOptChoice("method", method_names, "ts", "ts (PETSc TS Crank-Nicolson on a DMDA) or spectral (FFTW, exact in time; periodic only)", &r.method, NULL));
  PetscCall(PhynnOptChoice("ic", ic_names, "sin", "initial condition: sin (sin(m pi (x-xmin)/L), periodic sin(2 m pi (x-xmin)/L)), gaussian, file", &r.ic, NULL));
  PetscCall(PhynnOptInt("ic_mode", 1, "-ic sin: the mode number m >= 1", &r.ic_mode, NULL));
  PetscCall(PhynnOptReal("ic_center", 0.5, "-ic gaussian: centre (default: the middle of the domain)", &r.ic_center, &center_set));
  PetscCall(PhynnOptReal("ic_width", 0.1, "-ic gaussian: standard deviation, > 0", &r.ic_width, NULL));
  PetscCall(PhynnOptString("ic_file", "", "-ic file: text file with nx values u(0, x_i)", r.ic_file, sizeof(r.ic_file), NULL));
  PetscCall(PhynnOptInt("nsamples", 0, "solve N random initial conditions (Gaussian random fields) into one file (0: one problem)", &r.nsamples, NULL));
  PetscCall(PhynnOptReal("seed", 0, "-nsamples: random seed (integer >= 0)", &seed, NULL));
  PetscCall(PhynnOptReal("grf_length", 0.1, "-nsamples: correlation length of the random initial conditions, > 0", &r.grf.length, NULL));
  PetscCall(PhynnOptReal("grf_sigma", 1.0, "-nsamples: standard deviation of the random initial conditions, > 0", &r.grf.sigma, NULL));
  PetscCall(PhynnOptString("o", "heat.nc", "output NetCDF file", r.out, sizeof(r.out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print nothing but errors", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, "solve heat", "", nargs, 0, 0));
  (void)args;
  p->bc = bc == 1 ? PHYNN_HEAT_PERIODIC : PHYNN_HEAT_DIRICHLET;
  PetscCheck(p->k > 0, comm, PHYNN_ERR_INPUT, "option -k: %.10g is not positive; the diffusivity must be > 0", p->k);
  PetscCheck(p->xmax > p->xmin, comm, PHYNN_ERR_INPUT, "options -xmin/-xmax: [%.10g, %.10g] is empty; give xmax > xmin", p->xmin, p->xmax);
  PetscCheck(p->tf > 0, comm, PHYNN_ERR_INPUT, "option -tf: %.10g is not positive; the final time must be > 0", p->tf);
  PetscCheck(p->nx >= 4, comm, PHYNN_ERR_INPUT, "option -nx: %ld is too small; give at least 4 grid points", p->nx);
  PetscCheck(p->nt >= 2, comm, PHYNN_ERR_INPUT, "option -nt: %ld is too small; give at least 2 output times", p->nt);
  PetscCheck(p->substeps >= 1, comm, PHYNN_ERR_INPUT, "option -substeps: %ld is not positive; give at least 1 step per output interval", p->substeps);
  PetscCheck(r.method == 0 || p->bc == PHYNN_HEAT_PERIODIC, comm, PHYNN_ERR_INPUT, "option -method spectral needs -bc periodic; use -method ts for Dirichlet problems");
  PetscCheck(r.ic_mode >= 1, comm, PHYNN_ERR_INPUT, "option -ic_mode: %ld is not a positive mode number", r.ic_mode);
  PetscCheck(r.ic_width > 0, comm, PHYNN_ERR_INPUT, "option -ic_width: %.10g is not positive", r.ic_width);
  PetscCheck(r.ic != IC_FILE || r.ic_file[0], comm, PHYNN_ERR_INPUT, "option -ic file needs -ic_file PATH (a text file with nx = %ld values)", p->nx);
  PetscCheck(r.nsamples >= 0, comm, PHYNN_ERR_INPUT, "option -nsamples: %ld is negative", r.nsamples);
  PetscCheck(seed >= 0 && seed == floor(seed) && seed < 1.8e19, comm, PHYNN_ERR_INPUT, "option -seed: %.10g is not a non-negative integer", seed);
  PetscCheck(r.grf.length > 0 && r.grf.sigma > 0, comm, PHYNN_ERR_INPUT, "options -grf_length/-grf_sigma: %.10g, %.10g; both must be > 0", r.grf.length, r.grf.sigma);
  PetscCheck(r.nsamples > 0 || r.method == 1 || p->nx >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -nx: %ld grid points cannot be spread over %d ranks; use more points or fewer ranks", p->nx,
             PhynnSize(comm));
  if (!center_set) r.ic_center = 0.5 * (p->xmin + p->xmax);
  r.grf.seed   = (uint64_t)seed;
  r.grf.stream = PHYNN_STREAM_HEAT_GRF;
  PetscCall(PhynnNcCheckWritable(comm, r.out));

  /* Set up the solver; TS/KSP read their options before the unused-option check. */
  if (r.method == 0) {
    PetscCall(PhynnHeatTSCreate(r.nsamples > 0 ? PETSC_COMM_SELF : comm, p, &ts));
    PetscCall(PhynnHeatTSSetFromOptions(ts));
    PetscCall(PhynnHeatTSDescribe(ts, r.solver, sizeof(r.solver)));
  } else snprintf(r.solver, sizeof(r.solver), "FFTW spectral: each Fourier mode multiplied by exp(-k kappa^2 t), exact in time (r2c/c2r, FFTW_ESTIMATE)");
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) {
    PetscCall(PhynnHeatTSDestroy(&ts));
    PetscFunctionReturn(0);
  }

  const double t0 = PhynnTime();
  const long   nxt = p->nx * p->nt;
  double      *u0 = NULL, *u = NULL;
  if (r.nsamples == 0) {
    if (r.ic == IC_SIN) snprintf(r.icdesc, sizeof(r.icdesc), "sin: u(0, x) = sin(%s%ld pi (x - xmin)/(xmax - xmin))", p->bc == PHYNN_HEAT_PERIODIC ? "2 " : "", r.ic_mode);
    else if (r.ic == IC_GAUSSIAN) snprintf(r.icdesc, sizeof(r.icdesc), "gaussian: u(0, x) = exp(-(x - %g)^2/(2 %g^2))%s", r.ic_center, r.ic_width, p->bc == PHYNN_HEAT_DIRICHLET ? ", set to 0 at the ends" : "");
    else snprintf(r.icdesc, sizeof(r.icdesc), "file: u(0, x_i) read from %s%s", r.ic_file, p->bc == PHYNN_HEAT_DIRICHLET ? ", set to 0 at the ends" : "");
    PetscCall(PetscMalloc2(p->nx, &u0, nxt, &u));
    PetscCall(InitialCondition(comm, &r, u0));
    if (r.method == 0) PetscCall(PhynnHeatTSRun(ts, u0, u));
    else if (PhynnRank(comm) == 0) PetscCall(PhynnHeatSpectral(p, u0, u)); /* serial: see solvers/heat_spectral.c */
    PetscCall(WriteFile(comm, &r, u0, u, PhynnTime() - t0));
    PetscCall(PetscFree2(u0, u));
  } else {
    long    start, count;
    double *lu0, *lu, *x;
    snprintf(r.icdesc, sizeof(r.icdesc), "%s Gaussian random field per sample: squared-exponential covariance, length %g, standard deviation %g, seed %lu (solvers/grf.c)",
             p->bc == PHYNN_HEAT_PERIODIC ? "periodic" : "random sine series (zero at both ends) of a", r.grf.length, r.grf.sigma, (unsigned long)r.grf.seed);
    PhynnSplitRange(r.nsamples, PhynnRank(comm), PhynnSize(comm), &start, &count);
    PetscCall(PetscMalloc3(count * p->nx + 1, &lu0, count * nxt + 1, &lu, p->nx, &x));
    for (long i = 0; i < p->nx; i++) x[i] = PhynnHeatX(p, i);
    for (long s = 0; s < count; s++) {
      if (p->bc == PHYNN_HEAT_PERIODIC) PhynnGrfPeriodic(&r.grf, start + s, p->xmin, p->xmax - p->xmin, p->nx, x, lu0 + s * p->nx);
      else {
        PhynnGrfSine(&r.grf, start + s, p->xmin, p->xmax - p->xmin, p->nx, x, lu0 + s * p->nx);
        lu0[s * p->nx] = lu0[s * p->nx + p->nx - 1] = 0.0; /* exactly, not to rounding */
      }
      if (r.method == 0) PetscCall(PhynnHeatTSRun(ts, lu0 + s * p->nx, lu + s * nxt));
      else PetscCall(PhynnHeatSpectral(p, lu0 + s * p->nx, lu + s * nxt));
    }
    if (PhynnRank(comm) == 0) PetscCall(PetscMalloc2(r.nsamples * p->nx, &u0, r.nsamples * nxt, &u));
    PetscCall(PhynnGatherRows(comm, r.nsamples, p->nx, lu0, u0));
    PetscCall(PhynnGatherRows(comm, r.nsamples, nxt, lu, u));
    PetscCall(WriteFile(comm, &r, u0, u, PhynnTime() - t0));
    if (PhynnRank(comm) == 0) PetscCall(PetscFree2(u0, u));
    PetscCall(PetscFree3(lu0, lu, x));
  }
  if (!quiet) PetscCall(PhynnPrintf(comm, "phynn solve heat: %ld sample(s), %ld x %ld grid, %.3f s; wrote %s\n", r.nsamples > 0 ? r.nsamples : 1, p->nt, p->nx, PhynnTime() - t0, r.out));
  PetscCall(PhynnHeatTSDestroy(&ts));
  PetscFunctionReturn(0);
}
