/* The periodic 2D heat equation solved exactly in time with FFTW's MPI interface.
 *
 *   PDE:    u_t = k (u_xx + u_yy),  (x, y) in [xmin, xmax)^2 periodic, t in [0, tf]
 *   IC:     u(0, x, y) = u0 sampled at x_i = xmin + i L/nx, y_j = xmin + j L/nx
 *   Method: u = sum_{m,n} c_mn e^{i (kappa_m (x - xmin) + kappa_n (y - xmin))}, kappa_m = 2 pi m/L,
 *           so c_mn(t) = c_mn(0) exp(-k (kappa_m^2 + kappa_n^2) t) = c_mn(0) e_m(t) e_n(t). One r2c
 *           transform of u0, then for each output time one c2r transform of the damped
 *           coefficients: no time stepping, no time error; the only error is that of representing
 *           u0 by nx x nx modes. The factor is separable, so a time costs 2 nx exp() calls, not nx^2.
 *   Exact:  u0 = sin(kappa_mx (x - xmin)) sin(kappa_my (y - xmin)): u = exp(-k (kappa_mx^2 + kappa_my^2) t) u0.
 *
 * Distribution: FFTW's slab decomposition. The real field is split into blocks of whole y rows;
 * the r2c transform is planned with FFTW_MPI_TRANSPOSED_OUT, so the coefficients come out as
 * blocks of whole kx columns (each with every ky), and the c2r transform takes them back with
 * FFTW_MPI_TRANSPOSED_IN: one all-to-all transpose per transform instead of two. The damping is
 * pointwise in Fourier space and needs no communication. Memory per rank: 4 slabs of nx^2/P
 * doubles (padded real slab, two coefficient slabs, the copy of u0), the caller's arrays and
 * FFTW's transpose buffers.
 *
 * Plans use FFTW_ESTIMATE (never MEASURE) on arrays from fftw_alloc_*, so the plan, and with it
 * every rounding, depends only on (nx, communicator size): the same on every run. */
#include <fftw3-mpi.h>
#include <math.h>

#include "phynn/heat2d.h"

struct _p_PhynnHeat2dSpectral {
  PhynnHeat2d   p;
  ptrdiff_t     ny, y0;   /* this rank's real rows [y0, y0 + ny) */
  ptrdiff_t     nkx, kx0; /* this rank's coefficient columns [kx0, kx0 + nkx), each of nx ky values */
  double       *r;        /* real slab, ny x 2 (nx/2 + 1): FFTW's padded rows */
  fftw_complex *c0, *c;   /* coefficients of u0, and their damped copy (c2r destroys its input) */
  double       *u0;       /* u0 as given: t = 0 returns it exactly */
  double       *ex, *ey;  /* damping per kx (nx/2 + 1) and per ky index (nx) */
  fftw_plan     fwd, bwd;
};

double PhynnHeat2dX(const PhynnHeat2d *p, long i) { return p->xmin + (p->xmax - p->xmin) * (double)i / (double)p->nx; }
double PhynnHeat2dT(const PhynnHeat2d *p, long j) { return j == p->nt - 1 ? p->tf : p->tf * (double)j / (double)(p->nt - 1); }

PetscErrorCode PhynnHeat2dSpectralCreate(MPI_Comm comm, const PhynnHeat2d *p, PhynnHeat2dSpectral *out)
{
  PhynnHeat2dSpectral s;
  const ptrdiff_t     n = p->nx, nc = n / 2 + 1;
  ptrdiff_t           alloc;

  PetscFunctionBegin;
  PetscCheck(p->nx >= 2 && p->nx <= 46340, comm, PHYNN_ERR_INPUT, "heat2d spectral: nx = %ld is outside [2, 46340] (nx^2 must fit an MPI count)", p->nx);
  PetscCall(PetscNew(&s));
  s->p = *p;
  fftw_mpi_init(); /* idempotent: FFTW keeps a flag of its own */
  alloc = fftw_mpi_local_size_2d_transposed(n, nc, comm, &s->ny, &s->y0, &s->nkx, &s->kx0);
  if (alloc < 1) alloc = 1;
  s->r  = fftw_alloc_real(2 * (size_t)alloc);
  s->c0 = fftw_alloc_complex((size_t)alloc);
  s->c  = fftw_alloc_complex((size_t)alloc);
  PetscCheck(s->r && s->c0 && s->c, PETSC_COMM_SELF, PETSC_ERR_MEM, "heat2d spectral: out of memory for a slab of %ld x %ld points", (long)s->ny, p->nx);
  for (ptrdiff_t q = 0; q < 2 * alloc; q++) s->r[q] = 0.0; /* FFTW's padding is never read, but defined */
  PetscCall(PetscMalloc3(s->ny * n + 1, &s->u0, nc, &s->ex, n, &s->ey));
  s->fwd = fftw_mpi_plan_dft_r2c_2d(n, n, s->r, s->c0, comm, FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_OUT);
  s->bwd = fftw_mpi_plan_dft_c2r_2d(n, n, s->c, s->r, comm, FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_IN);
  PetscCheck(s->fwd && s->bwd, comm, PETSC_ERR_LIB, "heat2d spectral: FFTW could not plan the %ld x %ld MPI transforms", p->nx, p->nx);
  *out = s;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeat2dSpectralGetRows(PhynnHeat2dSpectral s, long *y0, long *ny)
{
  PetscFunctionBegin;
  if (y0) *y0 = (long)s->y0;
  if (ny) *ny = (long)s->ny;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeat2dSpectralSetInitial(PhynnHeat2dSpectral s, const double *u0)
{
  const ptrdiff_t n = s->p.nx, pad = 2 * (n / 2 + 1);

  PetscFunctionBegin;
  for (ptrdiff_t j = 0; j < s->ny; j++)
    for (ptrdiff_t i = 0; i < n; i++) s->r[j * pad + i] = s->u0[j * n + i] = u0[j * n + i];
  fftw_execute(s->fwd);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeat2dSpectralEvaluate(PhynnHeat2dSpectral s, double t, double *u)
{
  const ptrdiff_t n = s->p.nx, nc = n / 2 + 1, pad = 2 * nc;
  const double    L = s->p.xmax - s->p.xmin, k = s->p.k, scale = 1.0 / ((double)n * (double)n); /* FFTW is unnormalised */

  PetscFunctionBegin;
  if (t == 0) { /* every rank is given the same t, so all of them skip the transforms together */
    for (ptrdiff_t q = 0; q < s->ny * n; q++) u[q] = s->u0[q];
    PetscFunctionReturn(0);
  }
  for (ptrdiff_t m = 0; m < nc; m++) {
    const double kappa = 2.0 * M_PI * (double)m / L;
    s->ex[m]           = exp(-k * kappa * kappa * t);
  }
  for (ptrdiff_t m = 0; m < n; m++) {
    const double kappa = 2.0 * M_PI * (double)(m <= n / 2 ? m : m - n) / L; /* FFTW's order: 0..n/2, then negative */
    s->ey[m]           = exp(-k * kappa * kappa * t) * scale;
  }
  for (ptrdiff_t a = 0; a < s->nkx; a++) { /* transposed: column kx0 + a holds every ky */
    const double e = s->ex[s->kx0 + a];
    for (ptrdiff_t b = 0; b < n; b++) {
      const double d = e * s->ey[b];
      s->c[a * n + b][0] = s->c0[a * n + b][0] * d;
      s->c[a * n + b][1] = s->c0[a * n + b][1] * d;
    }
  }
  fftw_execute(s->bwd);
  for (ptrdiff_t j = 0; j < s->ny; j++)
    for (ptrdiff_t i = 0; i < n; i++) u[j * n + i] = s->r[j * pad + i];
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnHeat2dSpectralDestroy(PhynnHeat2dSpectral *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  if ((*s)->fwd) fftw_destroy_plan((*s)->fwd);
  if ((*s)->bwd) fftw_destroy_plan((*s)->bwd);
  fftw_free((*s)->r);
  fftw_free((*s)->c0);
  fftw_free((*s)->c);
  PetscCall(PetscFree3((*s)->u0, (*s)->ex, (*s)->ey));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
