/* The 2D heat equation u_t = k (u_xx + u_yy) on the periodic square [xmin, xmax)^2, solved exactly
 * in time with FFTW's MPI interface (solvers/heat2d_spectral.c). The nx x nx grid is split into
 * slabs of whole y rows over the ranks of a communicator, so one large field (2048^2 and more) is
 * solved with its memory spread over the ranks. */
#ifndef PHYNN_HEAT2D_H
#define PHYNN_HEAT2D_H

#include "phynn/sys.h"

typedef struct {
  double k;          /* diffusivity (> 0) */
  double xmin, xmax; /* the square [xmin, xmax)^2: y has the same range as x */
  double tf;         /* final time; output times t_j = tf j/(nt-1) */
  long   nx, nt;     /* nx x nx grid points, nt output times */
} PhynnHeat2d;

/* Grid point i in x (and in y): xmin + i (xmax - xmin)/nx (xmax, the image of xmin, excluded). */
double PhynnHeat2dX(const PhynnHeat2d *p, long i);
double PhynnHeat2dT(const PhynnHeat2d *p, long j);

/* The spectral solver on a communicator: create once, then for each initial condition
 * SetInitial (one distributed r2c transform) and Evaluate at as many times as wanted (one c2r
 * each). Arrays passed in and out hold this rank's rows only, u[(j - y0) nx + i] = u(x_i, y_j) for
 * j in [y0, y0 + ny) (GetRows), contiguous (no FFTW padding). */
typedef struct _p_PhynnHeat2dSpectral *PhynnHeat2dSpectral;
/* Collective on comm. Plans the transforms (FFTW_ESTIMATE) and allocates this rank's slab. A rank
 * may own no rows when nx is not much larger than the number of ranks (FFTW's blocks). */
PetscErrorCode PhynnHeat2dSpectralCreate(MPI_Comm comm, const PhynnHeat2d *p, PhynnHeat2dSpectral *s);
PetscErrorCode PhynnHeat2dSpectralGetRows(PhynnHeat2dSpectral s, long *y0, long *ny);
/* Collective. u0: this rank's ny x nx values of u(0, x, y). */
PetscErrorCode PhynnHeat2dSpectralSetInitial(PhynnHeat2dSpectral s, const double *u0);
/* Collective. u: this rank's rows of u(t, x, y), for any t >= 0 (t = 0 gives u0 back exactly). */
PetscErrorCode PhynnHeat2dSpectralEvaluate(PhynnHeat2dSpectral s, double t, double *u);
PetscErrorCode PhynnHeat2dSpectralDestroy(PhynnHeat2dSpectral *s);

#endif
