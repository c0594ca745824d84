/* `phynn solve heat2d`: reference solutions of u_t = k (u_xx + u_yy) on a periodic square, as NetCDF.
 *
 *   [mpirun -np P] phynn solve heat2d [-k 0.01 -xmin 0 -xmax 1 -tf 1 -nx 64 -nt 11]
 *       [-ic sin|gaussian] [-ic_mode 1,1] [-ic_center X,Y -ic_width 0.1] [-o heat2d.nc]
 *   mpirun -np P phynn solve heat2d -nsamples N -seed S -grf_length 0.1     (a solution family)
 *
 * One problem: the nx x nx grid is split over the ranks in slabs of y rows (FFTW MPI,
 * solvers/heat2d_spectral.c). For each output time the slabs are gathered onto rank 0, which
 * writes that time level before the next is computed, so rank 0 holds one whole field at most.
 * With -nsamples, whole samples are split over the ranks and each is solved serially (the same
 * solver on PETSC_COMM_SELF): every sample goes through the same code whatever the number of
 * ranks, so the file holds the same bits on any rank count. Rank 0 writes the samples as they
 * arrive; a rank holds one sample's nt fields at a time. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/gather.h"
#include "phynn/grf.h"
#include "phynn/heat2d.h"
#include "phynn/ncfile.h"
#include "phynn/random.h"

static const char *const ic_names[] = {"sin", "gaussian", NULL};
enum { IC_SIN, IC_GAUSSIAN };

#define PHYNN_STREAM_HEAT2D_GRF (PHYNN_STREAM_USER + 0x210)

typedef struct {
  PhynnHeat2d p;
  int         ic;
  long        ic_mode[2], nsamples;
  double      ic_center[2], ic_width;
  char        out[PETSC_MAX_PATH_LEN], solver[512], icdesc[512];
  PhynnGrf    grf;
} Heat2dRun;

typedef struct {
  PhynnNcWriter w;
  int           vu, vu0;
} Heat2dFile;

/* Rank 0: creates the file with its metadata and coordinates; u (and u0) are written block by block. */
static PetscErrorCode FileCreate(const Heat2dRun *r, Heat2dFile *f)
{
  const PhynnHeat2d *p = &r->p;
  int                ds = -1, dt, dy, dx, vs = -1, vt, vy, vx, dims[4];
  double            *buf;
  char               text[512];

  PetscFunctionBegin;
  f->vu0 = -1;
  PetscCall(PhynnNcCreate(r->out, &f->w));
  PetscCall(PhynnNcPutProvenance(&f->w, r->nsamples > 0 ? "phynn solution family of the 2D heat equation" : "phynn reference solution of the 2D heat equation"));
  PetscCall(PhynnNcPutText(&f->w, NC_GLOBAL, "equation", "u_t = k (u_xx + u_yy)"));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "k", p->k));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "xmin", p->xmin));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "xmax", p->xmax));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "ymin", p->xmin));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "ymax", p->xmax));
  PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "tf", p->tf));
  PetscCall(PhynnNcPutInt(&f->w, NC_GLOBAL, "nx", p->nx));
  PetscCall(PhynnNcPutInt(&f->w, NC_GLOBAL, "ny", p->nx));
  PetscCall(PhynnNcPutInt(&f->w, NC_GLOBAL, "nt", p->nt));
  PetscCall(PhynnNcPutText(&f->w, NC_GLOBAL, "boundary_condition", "periodic in x and y on the square [xmin, xmax)^2 (y has the range of x); x and y exclude xmax"));
  PetscCall(PhynnNcPutText(&f->w, NC_GLOBAL, "initial_condition", r->icdesc));
  if (r->nsamples == 0 && r->ic == IC_SIN) {
    snprintf(text, sizeof(text), "u = exp(-k (kappa_x^2 + kappa_y^2) t) u(0, x, y), kappa_x = 2 pi %ld/(xmax - xmin), kappa_y = 2 pi %ld/(xmax - xmin)", r->ic_mode[0], r->ic_mode[1]);
    PetscCall(PhynnNcPutText(&f->w, NC_GLOBAL, "exact_solution", text));
  }
  PetscCall(PhynnNcPutText(&f->w, NC_GLOBAL, "solver", r->solver));
  if (r->nsamples > 0) {
    PetscCall(PhynnNcPutInt(&f->w, NC_GLOBAL, "nsamples", r->nsamples));
    PetscCall(PhynnNcPutInt(&f->w, NC_GLOBAL, "seed", (long)r->grf.seed));
    PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "grf_length", r->grf.length));
    PetscCall(PhynnNcPutDouble(&f->w, NC_GLOBAL, "grf_sigma", r->grf.sigma));
    PetscCall(PhynnNcDefCoord(&f->w, "sample", (size_t)r->nsamples, "1", "sample index", &ds, &vs));
  }
  PetscCall(PhynnNcDefCoord(&f->w, "t", (size_t)p->nt, "1", "time", &dt, &vt));
  PetscCall(PhynnNcDefCoord(&f->w, "y", (size_t)p->nx, "1", "position y", &dy, &vy));
  PetscCall(PhynnNcDefCoord(&f->w, "x", (size_t)p->nx, "1", "position x", &dx, &vx));
  if (r->nsamples > 0) {
    dims[0] = ds, dims[1] = dy, dims[2] = dx;
    PetscCall(PhynnNcDefVar(&f->w, "u0", 3, dims, "1", "initial condition u(0, y, x) of each sample (the operator's input)", &f->vu0));
    dims[0] = ds, dims[1] = dt, dims[2] = dy, dims[3] = dx;
    PetscCall(PhynnNcDefVar(&f->w, "u", 4, dims, "1", "temperature u(sample, t, y, x)", &f->vu));
  } else {
    dims[0] = dt, dims[1] = dy, dims[2] = dx;
    PetscCall(PhynnNcDefVar(&f->w, "u", 3, dims, "1", "temperature u(t, y, x)", &f->vu));
  }
  PetscCall(PetscMalloc1(PetscMax(PetscMax(p->nx, p->nt), r->nsamples), &buf));
  for (long j = 0; j < p->nt; j++) buf[j] = PhynnHeat2dT(p, j);
  PetscCall(PhynnNcPutVarDoubles(&f->w, vt, buf));
  for (long i = 0; i < p->nx; i++) buf[i] = PhynnHeat2dX(p, i);
  PetscCall(PhynnNcPutVarDoubles(&f->w, vy, buf));
  PetscCall(PhynnNcPutVarDoubles(&f->w, vx, buf));
  if (r->nsamples > 0) {
    for (long s = 0; s < r->nsamples; s++) buf[s] = (double)s;
    PetscCall(PhynnNcPutVarDoubles(&f->w, vs, buf));
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

/* The deterministic initial conditions on this rank's rows [y0, y0 + ny). */
static void InitialCondition(const Heat2dRun *r, long y0, long ny, double *u0)
{
  const PhynnHeat2d *p = &r->p;
  const double       L = p->xmax - p->xmin, kx = 2 * M_PI * (double)r->ic_mode[0] / L, ky = 2 * M_PI * (double)r->ic_mode[1] / L;

  for (long j = 0; j < ny; j++) {
    const double y = PhynnHeat2dX(p, y0 + j), dy = y - r->ic_center[1];
    for (long i = 0; i < p->nx; i++) {
      const double x = PhynnHeat2dX(p, i), dx = x - r->ic_center[0];
      u0[j * p->nx + i] = r->ic == IC_SIN ? sin(kx * (x - p->xmin)) * sin(ky * (y - p->xmin)) : exp(-(dx * dx + dy * dy) / (2 * r->ic_width * r->ic_width));
    }
  }
}

/* One problem, distributed: slabs of rows on every rank, one time level at a time onto rank 0. */
static PetscErrorCode SolveOne(MPI_Comm comm, Heat2dRun *r, double *seconds_solve, double *seconds_write)
{
  const PhynnHeat2d  *p = &r->p;
  const long          nx = p->nx;
  PhynnHeat2dSpectral s;
  Heat2dFile          f;
  long                y0, ny;
  double             *local, *field = NULL, t0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&f, sizeof(f)));
  PetscCall(PhynnHeat2dSpectralCreate(comm, p, &s));
  PetscCall(PhynnHeat2dSpectralGetRows(s, &y0, &ny));
  PetscCall(PetscMalloc1(ny * nx + 1, &local));
  InitialCondition(r, y0, ny, local);
  t0 = PhynnTime();
  PetscCall(PhynnHeat2dSpectralSetInitial(s, local));
  *seconds_solve = PhynnTime() - t0, *seconds_write = 0;
  if (PhynnRank(comm) == 0) {
    PetscCall(PetscMalloc1(nx * nx, &field));
    PetscCall(FileCreate(r, &f));
  }
  for (long j = 0; j < p->nt; j++) {
    const size_t start[3] = {(size_t)j, 0, 0}, count[3] = {1, (size_t)nx, (size_t)nx};
    t0 = PhynnTime();
    PetscCall(PhynnHeat2dSpectralEvaluate(s, PhynnHeat2dT(p, j), local));
    *seconds_solve += PhynnTime() - t0, t0 = PhynnTime();
    PetscCall(PhynnGatherRowsV(comm, ny, nx, local, field));
    if (PhynnRank(comm) == 0) PetscCall(PhynnNcPutVarBlock(&f.w, f.vu, start, count, field));
    *seconds_write += PhynnTime() - t0;
  }
  if (PhynnRank(comm) == 0) {
    t0 = PhynnTime();
    PetscCall(PhynnNcCommit(&f.w));
    *seconds_write += PhynnTime() - t0;
    PetscCall(PetscFree(field));
  }
  PetscCall(PetscFree(local));
  PetscCall(PhynnHeat2dSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

/* A family: sample `start + q` of every rank in round q, solved serially, sent to rank 0 and
 * written there in sample order of the ranks. */
static PetscErrorCode SolveFamily(MPI_Comm comm, Heat2dRun *r, double *seconds_solve, double *seconds_write)
{
  const PhynnHeat2d  *p = &r->p;
  const long          nx = p->nx, nxy = nx * nx, nt = p->nt;
  const int           rank = PhynnRank(comm), size = PhynnSize(comm);
  PhynnHeat2dSpectral s;
  Heat2dFile          f;
  long                start, count, start0, rounds;
  double             *u0, *u, t0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&f, sizeof(f)));
  PhynnSplitRange(r->nsamples, rank, size, &start, &count);
  PhynnSplitRange(r->nsamples, 0, size, &start0, &rounds); /* rank 0 has the most samples */
  PetscCall(PhynnHeat2dSpectralCreate(PETSC_COMM_SELF, p, &s));
  PetscCall(PetscMalloc2(nxy, &u0, nt * nxy, &u));
  if (rank == 0) PetscCall(FileCreate(r, &f));
  *seconds_solve = *seconds_write = 0;
  for (long q = 0; q < rounds; q++) {
    if (q < count) {
      t0 = PhynnTime();
      PetscCall(PhynnGrfPeriodic2d(&r->grf, start + q, p->xmax - p->xmin, nx, u0));
      PetscCall(PhynnHeat2dSpectralSetInitial(s, u0));
      for (long j = 0; j < nt; j++) PetscCall(PhynnHeat2dSpectralEvaluate(s, PhynnHeat2dT(p, j), u + j * nxy));
      *seconds_solve += PhynnTime() - t0;
    }
    t0 = PhynnTime();
    if (rank == 0) {
      for (int src = 0; src < size; src++) {
        long sstart, scount;
        PhynnSplitRange(r->nsamples, src, size, &sstart, &scount);
        if (q >= scount) continue;
        const size_t at0[3] = {(size_t)(sstart + q), 0, 0}, n0[3] = {1, (size_t)nx, (size_t)nx};
        const size_t at[4] = {(size_t)(sstart + q), 0, 0, 0}, n4[4] = {1, (size_t)nt, (size_t)nx, (size_t)nx};
        if (src > 0) { /* rank 0's own sample is already in u0, u */
          PetscCallMPI(MPI_Recv(u0, (int)nxy, MPI_DOUBLE, src, 0, comm, MPI_STATUS_IGNORE));
          for (long j = 0; j < nt; j++) PetscCallMPI(MPI_Recv(u + j * nxy, (int)nxy, MPI_DOUBLE, src, 1, comm, MPI_STATUS_IGNORE));
        }
        PetscCall(PhynnNcPutVarBlock(&f.w, f.vu0, at0, n0, u0));
        PetscCall(PhynnNcPutVarBlock(&f.w, f.vu, at, n4, u));
      }
    } else if (q < count) {
      PetscCallMPI(MPI_Send(u0, (int)nxy, MPI_DOUBLE, 0, 0, comm));
      for (long j = 0; j < nt; j++) PetscCallMPI(MPI_Send(u + j * nxy, (int)nxy, MPI_DOUBLE, 0, 1, comm));
    }
    *seconds_write += PhynnTime() - t0;
  }
  if (rank == 0) PetscCall(PhynnNcCommit(&f.w));
  PetscCall(PetscFree2(u0, u));
  PetscCall(PhynnHeat2dSpectralDestroy(&s));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdSolveHeat2d(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  Heat2dRun    r;
  PhynnHeat2d *p = &r.p;
  PetscBool    center_set, quiet;
  double       seed, t_solve = 0, t_write = 0;
  int          nmode = 0, ncenter = 0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(PhynnOptReal("k", 0.01, "diffusivity k in u_t = k (u_xx + u_yy), > 0", &p->k, NULL));
  PetscCall(PhynnOptReal("xmin", 0.0, "lower end of the square [xmin, xmax)^2 in x and in y", &p->xmin, NULL));
  PetscCall(PhynnOptReal("xmax", 1.0, "upper end of the square (> xmin); the same range in y", &p->xmax, NULL));
  PetscCall(PhynnOptReal("tf", 1.0, "final time, > 0", &p->tf, NULL));
  PetscCall(PhynnOptInt("nx", 64, "grid points per side (nx x nx grid, periodic: xmax excluded), >= 4 (one problem: also >= the number of ranks)", &p->nx, NULL));
  PetscCall(PhynnOptInt("nt", 11, "output times t_j = tf j/(nt-1), >= 2", &p->nt, NULL));
  PetscCall(PhynnOptChoice("ic", ic_names, "sin", "initial condition: sin (sin(2 pi mx (x-xmin)/L) sin(2 pi my (y-xmin)/L)) or gaussian", &r.ic, NULL));
  PetscCall(PhynnOptIntList("ic_mode", "1,1", "-ic sin: the mode numbers mx,my, each in [1, (nx-1)/2]", r.ic_mode, 2, &nmode, NULL));
  PetscCall(PhynnOptRealList("ic_center", "0.5,0.5", "-ic gaussian: centre X,Y (default: the middle of the square, 0.5,0.5 for [0, 1))", r.ic_center, 2, &ncenter, &center_set));
  PetscCall(PhynnOptReal("ic_width", 0.1, "-ic gaussian: standard deviation, > 0", &r.ic_width, NULL));
  PetscCall(PhynnOptInt("nsamples", 0, "solve N random initial conditions (2D Gaussian random fields) into one file (0: one problem)", &r.nsamples, NULL));
  PetscCall(PhynnOptReal("seed", 0, "-nsamples: random seed (integer >= 0)", &seed, NULL));
  PetscCall(PhynnOptReal("grf_length", 0.1, "-nsamples: correlation length of the random initial conditions, > 0", &r.grf.length, NULL));
  PetscCall(PhynnOptReal("grf_sigma", 1.0, "-nsamples: standard deviation of the random initial conditions, > 0", &r.grf.sigma, NULL));
  PetscCall(PhynnOptString("o", "heat2d.nc", "output NetCDF file", r.out, sizeof(r.out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print nothing but errors", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, "solve heat2d", "", nargs, 0, 0));
  (void)args;
  const int  size = PhynnSize(comm);
  const long mmax = (p->nx - 1) / 2; /* the highest mode below the Nyquist frequency */
  PetscCheck(p->k > 0, comm, PHYNN_ERR_INPUT, "option -k: %.10g is not positive; the diffusivity must be > 0", p->k);
  PetscCheck(p->xmax > p->xmin, comm, PHYNN_ERR_INPUT, "options -xmin/-xmax: [%.10g, %.10g] is empty; give xmax > xmin", p->xmin, p->xmax);
  PetscCheck(p->tf > 0, comm, PHYNN_ERR_INPUT, "option -tf: %.10g is not positive; the final time must be > 0", p->tf);
  PetscCheck(p->nx >= 4, comm, PHYNN_ERR_INPUT, "option -nx: %ld is too small; give at least 4 grid points per side", p->nx);
  PetscCheck(p->nx <= 46340, comm, PHYNN_ERR_INPUT, "option -nx: %ld is too large; give at most 46340 points per side (a field of nx^2 values must fit one MPI message)", p->nx);
  PetscCheck(p->nt >= 2, comm, PHYNN_ERR_INPUT, "option -nt: %ld is too small; give at least 2 output times", p->nt);
  PetscCheck(r.nsamples > 0 || p->nx >= size, comm, PHYNN_ERR_INPUT, "option -nx: %ld rows cannot be spread over %d ranks; give -nx %d or more, or use fewer ranks", p->nx, size, size);
  PetscCheck(nmode == 2, comm, PHYNN_ERR_INPUT, "option -ic_mode: give two mode numbers mx,my (e.g. -ic_mode 1,2), got %d", nmode);
  PetscCheck(r.ic_mode[0] >= 1 && r.ic_mode[1] >= 1 && r.ic_mode[0] <= mmax && r.ic_mode[1] <= mmax, comm, PHYNN_ERR_INPUT,
             "option -ic_mode: %ld,%ld is not resolved on %ld points per side; give modes in [1, %ld] or a larger -nx", r.ic_mode[0], r.ic_mode[1], p->nx, mmax);
  PetscCheck(!center_set || ncenter == 2, comm, PHYNN_ERR_INPUT, "option -ic_center: give two numbers X,Y (e.g. -ic_center 0.5,0.5), got %d", ncenter);
  PetscCheck(r.ic_width > 0, comm, PHYNN_ERR_INPUT, "option -ic_width: %.10g is not positive; give a standard deviation > 0", r.ic_width);
  PetscCheck(r.nsamples >= 0 && r.nsamples < (1L << 21), comm, PHYNN_ERR_INPUT, "option -nsamples: %ld is outside [0, 2097152); split a larger family over several files", r.nsamples);
  PetscCheck(seed >= 0 && seed == floor(seed) && seed < 1.8e19, comm, PHYNN_ERR_INPUT, "option -seed: %.10g is not a non-negative integer", seed);
  PetscCheck(r.grf.length > 0 && r.grf.sigma > 0, comm, PHYNN_ERR_INPUT, "options -grf_length/-grf_sigma: %.10g, %.10g; both must be > 0", r.grf.length, r.grf.sigma);
  if (!center_set) r.ic_center[0] = r.ic_center[1] = 0.5 * (p->xmin + p->xmax);
  r.grf.seed   = (uint64_t)seed;
  r.grf.stream = PHYNN_STREAM_HEAT2D_GRF;
  PetscCall(PhynnNcCheckWritable(comm, r.out));
  if (r.nsamples > 0)
    snprintf(r.solver, sizeof(r.solver), "FFTW spectral (2D r2c/c2r, FFTW_ESTIMATE): each Fourier mode multiplied by exp(-k |kappa|^2 t), exact in time; samples split over the ranks, each solved on one");
  else
    snprintf(r.solver, sizeof(r.solver), "FFTW MPI spectral (2D r2c/c2r, FFTW_ESTIMATE, transposed coefficients): each Fourier mode multiplied by exp(-k |kappa|^2 t), exact in time; grid split in slabs of y rows over %d rank(s)", size);
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);

  const double t0 = PhynnTime();
  if (r.nsamples == 0) {
    if (r.ic == IC_SIN) snprintf(r.icdesc, sizeof(r.icdesc), "sin: u(0, x, y) = sin(2 pi %ld (x - xmin)/L) sin(2 pi %ld (y - ymin)/L), L = xmax - xmin", r.ic_mode[0], r.ic_mode[1]);
    else snprintf(r.icdesc, sizeof(r.icdesc), "gaussian: u(0, x, y) = exp(-((x - %g)^2 + (y - %g)^2)/(2 %g^2))", r.ic_center[0], r.ic_center[1], r.ic_width);
    PetscCall(SolveOne(comm, &r, &t_solve, &t_write));
  } else {
    snprintf(r.icdesc, sizeof(r.icdesc), "periodic 2D Gaussian random field per sample: squared-exponential covariance, length %g, standard deviation %g, seed %lu, modes |m|, |n| <= (nx-1)/2 (solvers/grf.c)",
             r.grf.length, r.grf.sigma, (unsigned long)r.grf.seed);
    PetscCall(SolveFamily(comm, &r, &t_solve, &t_write));
  }
  if (!quiet)
    PetscCall(PhynnPrintf(comm, "phynn solve heat2d: %ld sample(s), %ld x %ld x %ld grid on %d rank(s), %.3f s (rank 0: transforms %.3f s, gather and write %.3f s); wrote %s\n",
                          r.nsamples > 0 ? r.nsamples : 1, p->nt, p->nx, p->nx, size, PhynnTime() - t0, t_solve, t_write, r.out));
  PetscFunctionReturn(0);
}
