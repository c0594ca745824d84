/* The focusing cubic nonlinear Schrodinger equation i h_t + 0.5 h_xx + |h|^2 h = 0 on a periodic
 * domain, solved by FFTW split-step Fourier with Yoshida's fourth-order composition of Strang
 * steps (solvers/nls_splitstep.c). */
#ifndef PHYNN_NLS_H
#define PHYNN_NLS_H

#include "phynn/sys.h"

typedef struct {
  double xmin, xmax; /* periodic domain [xmin, xmax): x_i = xmin + i (xmax - xmin)/nx */
  double tf;         /* output times t_j = tf j/(nt-1) */
  long   nx, nt;
  long   substeps;   /* fourth-order steps per output interval */
} PhynnNls;

double PhynnNlsX(const PhynnNls *p, long i);
double PhynnNlsT(const PhynnNls *p, long j);

/* Serial solve from h0 = h0re + i h0im (nx values each): hre, him get nt*nx values,
 * h[j nx + i] = h(t_j, x_i). */
PetscErrorCode PhynnNlsSolve(const PhynnNls *p, const double *h0re, const double *h0im, double *hre, double *him);

/* Discrete invariants on the grid: mass sum |h|^2 dx and Hamiltonian
 * H = sum (|h_x|^2/2 - |h|^4/2) dx with h_x computed spectrally. */
PetscErrorCode PhynnNlsInvariants(const PhynnNls *p, const double *re, const double *im, double *mass, double *hamiltonian);

#endif
