/* `phynn solve nls`: reference solutions of i h_t + 0.5 h_xx + |h|^2 h = 0 (periodic) as NetCDF.
 *
 *   phynn solve nls [-xmin -5 -xmax 5 -nx 256 -tf pi/2 -nt 201 -substeps 32]
 *       [-ic 2sech|soliton|file] [-o nls.nc]                  (Raissi et al.'s problem by default)
 *   mpirun -np P phynn solve nls -nsamples N -seed S -grf_length 1   (a solution family)
 *
 * One problem is solved on rank 0 (a 1D FFT of a few hundred points is far cheaper than any
 * distribution of it: see solvers/nls_splitstep.c); -nsamples splits whole samples over the ranks
 * and gathers them to rank 0, which writes. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/gather.h"
#include "phynn/grf.h"
#include "phynn/icfile.h"
#include "phynn/ncfile.h"
#include "phynn/nls.h"
#include "phynn/random.h"

static const char *const ic_names[] = {"2sech", "soliton", "file", NULL};
enum { IC_2SECH, IC_SOLITON, IC_FILE };

#define PHYNN_STREAM_NLS_GRF_RE (PHYNN_STREAM_USER + 0x300)
#define PHYNN_STREAM_NLS_GRF_IM (PHYNN_STREAM_USER + 0x301)

typedef struct {
  PhynnNls p;
  int      ic;
  long     nsamples;
  double   a, c, x0;
  char     ic_file[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], icdesc[PETSC_MAX_PATH_LEN + 256];
  PhynnGrf gre, gim;
} NlsRun;

static PetscErrorCode WriteFile(MPI_Comm comm, const NlsRun *r, const double *h0re, const double *h0im, const double *hre, const double *him)
{
  const PhynnNls *p = &r->p;
  const long      ns = r->nsamples > 0 ? r->nsamples : 1;
  PhynnNcWriter   w;
  int             dt, dx, ds = -1, vt, vx, vs = -1, vre, vim, v0re = -1, v0im = -1, vm, vh, dims[3], nd;
  double         *buf, *mass, *ham;
  char            text[512];

  PetscFunctionBegin;
  if (PhynnRank(comm) != 0) PetscFunctionReturn(0);
  PetscCall(PhynnNcCreate(r->out, &w));
  PetscCall(PhynnNcPutProvenance(&w, r->nsamples > 0 ? "phynn solution family of the nonlinear Schrodinger equation" : "phynn reference solution of the nonlinear Schrodinger equation"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "equation", "i h_t + 0.5 h_xx + |h|^2 h = 0, h = h_re + i h_im"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "boundary_condition", "periodic on [xmin, xmax): x_i = xmin + i (xmax - xmin)/nx"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "xmin", p->xmin));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "xmax", p->xmax));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "tf", p->tf));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nx", p->nx));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nt", p->nt));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "initial_condition", r->icdesc));
  if (r->nsamples == 0 && r->ic == IC_SOLITON) PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "exact_solution", "h = a sech(a (x - x0 - c t)) exp(i (c (x - x0) + (a^2 - c^2) t/2)) while the tails are negligible at the ends"));
  if (r->nsamples == 0 && r->ic == IC_2SECH)
    PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "exact_solution",
                             "on the whole line: h = 4 e^{it/2} (cosh 3x + 3 e^{4it} cosh x)/(cosh 4x + 4 cosh 2x + 3 cos 4t) (Satsuma-Yajima); this file is the periodic problem on its nx-point Fourier grid, like Raissi et al.'s reference"));
  snprintf(text, sizeof(text), "FFTW split-step Fourier, %ld modes; fourth-order Yoshida composition S2(w1 s) S2(w0 s) S2(w1 s) of Strang steps N(s/2) L(s) N(s/2), both parts exact; FFTW_ESTIMATE", p->nx);
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "solver", text));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "solver_substeps", p->substeps));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_dt", p->tf / (double)((p->nt - 1) * p->substeps)));
  if (r->nsamples > 0) {
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nsamples", r->nsamples));
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "seed", (long)r->gre.seed));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "grf_length", r->gre.length));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "grf_sigma", r->gre.sigma));
    PetscCall(PhynnNcDefCoord(&w, "sample", (size_t)r->nsamples, "1", "sample index", &ds, &vs));
  }
  PetscCall(PhynnNcDefCoord(&w, "t", (size_t)p->nt, "1", "time", &dt, &vt));
  PetscCall(PhynnNcDefCoord(&w, "x", (size_t)p->nx, "1", "position", &dx, &vx));
  if (r->nsamples > 0) {
    dims[0] = ds, dims[1] = dx;
    PetscCall(PhynnNcDefVar(&w, "h0_re", 2, dims, "1", "real part of the initial condition of each sample (the operator's input)", &v0re));
    PetscCall(PhynnNcDefVar(&w, "h0_im", 2, dims, "1", "imaginary part of the initial condition of each sample", &v0im));
    dims[0] = ds, dims[1] = dt, dims[2] = dx, nd = 3;
  } else dims[0] = dt, dims[1] = dx, nd = 2;
  PetscCall(PhynnNcDefVar(&w, "h_re", nd, dims, "1", "real part u of h = u + i v", &vre));
  PetscCall(PhynnNcDefVar(&w, "h_im", nd, dims, "1", "imaginary part v of h = u + i v", &vim));
  PetscCall(PhynnNcDefVar(&w, "mass", nd - 1, dims, "1", "discrete mass sum_i |h(t, x_i)|^2 dx (conserved)", &vm));
  PetscCall(PhynnNcDefVar(&w, "hamiltonian", nd - 1, dims, "1", "discrete Hamiltonian sum_i (|h_x|^2/2 - |h|^4/2) dx, h_x spectral (conserved)", &vh));
  PetscCall(PetscMalloc3(PetscMax(PetscMax(p->nx, p->nt), ns), &buf, ns * p->nt, &mass, ns * p->nt, &ham));
  for (long j = 0; j < p->nt; j++) buf[j] = PhynnNlsT(p, j);
  PetscCall(PhynnNcPutVarDoubles(&w, vt, buf));
  for (long i = 0; i < p->nx; i++) buf[i] = PhynnNlsX(p, i);
  PetscCall(PhynnNcPutVarDoubles(&w, vx, buf));
  if (r->nsamples > 0) {
    for (long s = 0; s < ns; s++) buf[s] = (double)s;
    PetscCall(PhynnNcPutVarDoubles(&w, vs, buf));
    PetscCall(PhynnNcPutVarDoubles(&w, v0re, h0re));
    PetscCall(PhynnNcPutVarDoubles(&w, v0im, h0im));
  }
  for (long k = 0; k < ns * p->nt; k++) PetscCall(PhynnNlsInvariants(p, hre + k * p->nx, him + k * p->nx, &mass[k], &ham[k]));
  PetscCall(PhynnNcPutVarDoubles(&w, vre, hre));
  PetscCall(PhynnNcPutVarDoubles(&w, vim, him));
  PetscCall(PhynnNcPutVarDoubles(&w, vm, mass));
  PetscCall(PhynnNcPutVarDoubles(&w, vh, ham));
  PetscCall(PetscFree3(buf, mass, ham));
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdSolveNls(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  NlsRun    r;
  PhynnNls *p = &r.p;
  PetscBool quiet;
  double    seed;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(PhynnOptReal("xmin", -5.0, "left end of the periodic domain [xmin, xmax)", &p->xmin, NULL));
  PetscCall(PhynnOptReal("xmax", 5.0, "right end of the periodic domain (excluded from the grid)", &p->xmax, NULL));
  PetscCall(PhynnOptReal("tf", M_PI / 2, "final time, > 0", &p->tf, NULL));
  PetscCall(PhynnOptInt("nx", 256, "grid points = Fourier modes, >= 4", &p->nx, NULL));
  PetscCall(PhynnOptInt("nt", 201, "output times t_j = tf j/(nt-1), >= 2", &p->nt, NULL));
  PetscCall(PhynnOptInt("substeps", 32, "fourth-order split steps per output interval", &p->substeps, NULL));
  PetscCall(PhynnOptChoice("ic", ic_names, "2sech", "initial condition: 2sech (2 sech x), soliton (a sech(a(x - x0)) e^{i c (x - x0)}), file", &r.ic, NULL));
  PetscCall(PhynnOptReal("soliton_a", 1.0, "-ic soliton: amplitude a, > 0", &r.a, NULL));
  PetscCall(PhynnOptReal("soliton_c", 0.0, "-ic soliton: velocity c", &r.c, NULL));
  PetscCall(PhynnOptReal("soliton_x0", 0.0, "-ic soliton: initial position x0", &r.x0, NULL));
  PetscCall(PhynnOptString("ic_file", "", "-ic file: text file with nx rows 'Re h Im h'", r.ic_file, sizeof(r.ic_file), NULL));
  PetscCall(PhynnOptInt("nsamples", 0, "solve N random initial conditions (periodic Gaussian random fields) into one file (0: one problem)", &r.nsamples, NULL));
  PetscCall(PhynnOptReal("seed", 0, "-nsamples: random seed (integer >= 0)", &seed, NULL));
  PetscCall(PhynnOptReal("grf_length", 1.0, "-nsamples: correlation length of the random initial conditions, > 0", &r.gre.length, NULL));
  PetscCall(PhynnOptReal("grf_sigma", 1.0, "-nsamples: standard deviation of Re h and of Im h, > 0", &r.gre.sigma, NULL));
  PetscCall(PhynnOptString("o", "nls.nc", "output NetCDF file", r.out, sizeof(r.out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print nothing but errors", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, "solve nls", "", nargs, 0, 0));
  (void)args;
  PetscCheck(p->xmax > p->xmin, comm, PHYNN_ERR_INPUT, "options -xmin/-xmax: [%.10g, %.10g) is empty; give xmax > xmin", p->xmin, p->xmax);
  PetscCheck(p->tf > 0, comm, PHYNN_ERR_INPUT, "option -tf: %.10g is not positive; the final time must be > 0", p->tf);
  PetscCheck(p->nx >= 4, comm, PHYNN_ERR_INPUT, "option -nx: %ld is too small; give at least 4 grid points", p->nx);
  PetscCheck(p->nt >= 2, comm, PHYNN_ERR_INPUT, "option -nt: %ld is too small; give at least 2 output times", p->nt);
  PetscCheck(p->substeps >= 1, comm, PHYNN_ERR_INPUT, "option -substeps: %ld is not positive; give at least 1 step per output interval", p->substeps);
  PetscCheck(r.a > 0, comm, PHYNN_ERR_INPUT, "option -soliton_a: %.10g is not positive; the soliton amplitude must be > 0", r.a);
  PetscCheck(r.ic != IC_FILE || r.ic_file[0], comm, PHYNN_ERR_INPUT, "option -ic file needs -ic_file PATH (a text file with nx = %ld rows 'Re h Im h')", p->nx);
  PetscCheck(r.nsamples >= 0, comm, PHYNN_ERR_INPUT, "option -nsamples: %ld is negative", r.nsamples);
  PetscCheck(seed >= 0 && seed == floor(seed) && seed < 1.8e19, comm, PHYNN_ERR_INPUT, "option -seed: %.10g is not a non-negative integer", seed);
  PetscCheck(r.gre.length > 0 && r.gre.sigma > 0, comm, PHYNN_ERR_INPUT, "options -grf_length/-grf_sigma: %.10g, %.10g; both must be > 0", r.gre.length, r.gre.sigma);
  r.gre.seed   = (uint64_t)seed;
  r.gre.stream = PHYNN_STREAM_NLS_GRF_RE;
  r.gim        = r.gre;
  r.gim.stream = PHYNN_STREAM_NLS_GRF_IM;
  PetscCall(PhynnNcCheckWritable(comm, r.out));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);

  const double t0 = PhynnTime();
  const long   nxt = p->nx * p->nt;
  double      *h0re = NULL, *h0im = NULL, *hre = NULL, *him = NULL;
  if (r.nsamples == 0) {
    if (r.ic == IC_2SECH) snprintf(r.icdesc, sizeof(r.icdesc), "2sech: h(0, x) = 2 sech(x) (Raissi et al. 2019)");
    else if (r.ic == IC_SOLITON) snprintf(r.icdesc, sizeof(r.icdesc), "soliton: h(0, x) = a sech(a (x - x0)) exp(i c (x - x0)), a = %g, c = %g, x0 = %g", r.a, r.c, r.x0);
    else snprintf(r.icdesc, sizeof(r.icdesc), "file: h(0, x_i) = Re + i Im read from %s", r.ic_file);
    PetscCall(PetscMalloc4(p->nx, &h0re, p->nx, &h0im, nxt, &hre, nxt, &him));
    if (r.ic == IC_FILE) {
      double *cols;
      PetscCall(PetscMalloc1(2 * p->nx, &cols));
      PetscCall(PhynnReadColumns(comm, "ic_file", r.ic_file, p->nx, 2, cols));
      for (long i = 0; i < p->nx; i++) h0re[i] = cols[2 * i], h0im[i] = cols[2 * i + 1];
      PetscCall(PetscFree(cols));
    } else
      for (long i = 0; i < p->nx; i++) {
        const double x = PhynnNlsX(p, i), amp = r.ic == IC_2SECH ? 2.0 / cosh(x) : r.a / cosh(r.a * (x - r.x0)), ph = r.ic == IC_2SECH ? 0.0 : r.c * (x - r.x0);
        h0re[i] = amp * cos(ph);
        h0im[i] = amp * sin(ph);
      }
    if (PhynnRank(comm) == 0) PetscCall(PhynnNlsSolve(p, h0re, h0im, hre, him)); /* serial by design */
    PetscCall(WriteFile(comm, &r, h0re, h0im, hre, him));
    PetscCall(PetscFree4(h0re, h0im, hre, him));
  } else {
    long    start, count;
    double *l0re, *l0im, *lre, *lim, *x;
    snprintf(r.icdesc, sizeof(r.icdesc), "per sample: Re h and Im h independent periodic Gaussian random fields, squared-exponential covariance, length %g, standard deviation %g, seed %lu (solvers/grf.c)",
             r.gre.length, r.gre.sigma, (unsigned long)r.gre.seed);
    PhynnSplitRange(r.nsamples, PhynnRank(comm), PhynnSize(comm), &start, &count);
    PetscCall(PetscMalloc5(count * p->nx + 1, &l0re, count * p->nx + 1, &l0im, count * nxt + 1, &lre, count * nxt + 1, &lim, p->nx, &x));
    for (long i = 0; i < p->nx; i++) x[i] = PhynnNlsX(p, i);
    for (long s = 0; s < count; s++) {
      PhynnGrfPeriodic(&r.gre, start + s, p->xmin, p->xmax - p->xmin, p->nx, x, l0re + s * p->nx);
      PhynnGrfPeriodic(&r.gim, start + s, p->xmin, p->xmax - p->xmin, p->nx, x, l0im + s * p->nx);
      PetscCall(PhynnNlsSolve(p, l0re + s * p->nx, l0im + s * p->nx, lre + s * nxt, lim + s * nxt));
    }
    if (PhynnRank(comm) == 0) PetscCall(PetscMalloc4(r.nsamples * p->nx, &h0re, r.nsamples * p->nx, &h0im, r.nsamples * nxt, &hre, r.nsamples * nxt, &him));
    PetscCall(PhynnGatherRows(comm, r.nsamples, p->nx, l0re, h0re));
    PetscCall(PhynnGatherRows(comm, r.nsamples, p->nx, l0im, h0im));
    PetscCall(PhynnGatherRows(comm, r.nsamples, nxt, lre, hre));
    PetscCall(PhynnGatherRows(comm, r.nsamples, nxt, lim, him));
    PetscCall(WriteFile(comm, &r, h0re, h0im, hre, him));
    if (PhynnRank(comm) == 0) PetscCall(PetscFree4(h0re, h0im, hre, him));
    PetscCall(PetscFree5(l0re, l0im, lre, lim, x));
  }
  if (!quiet) PetscCall(PhynnPrintf(comm, "phynn solve nls: %ld sample(s), %ld x %ld grid, %.3f s; wrote %s\n", r.nsamples > 0 ? r.nsamples : 1, p->nt, p->nx, PhynnTime() - t0, r.out));
  PetscFunctionReturn(0);
}
