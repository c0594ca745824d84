/* Private to the optimisers: the object record, shared by optim.c (object, options, schedule,
 * state) and the method files optim_sgd.c, optim_adam.c and optim_lbfgs.c. */
#ifndef PHYNN_OPTIM_IMPL_H
#define PHYNN_OPTIM_IMPL_H

#include "phynn/optim.h"

struct _p_PhynnOptimizer {
  MPI_Comm       comm;
  long           n;
  PhynnOptimType type;

  /* settings */
  double            lr0;                /* base learning rate */
  PhynnScheduleType schedule;
  double            lr_decay;           /* gamma */
  long              lr_decay_steps;
  double            momentum;           /* mu (momentum, nesterov) */
  double            beta1, beta2, eps;  /* adam */
  long              lbfgs_m, lbfgs_max_ls;
  double            lbfgs_gtol, lbfgs_ftol, lbfgs_c1, lbfgs_c2;

  /* counters: part of the state */
  long it;   /* steps taken (the schedule's position) */
  long nfev; /* objective evaluations */

  /* work memory, allocated by SetUp for (setup_type, setup_m) */
  PetscBool      setup;
  PhynnOptimType setup_type;
  long           setup_m;
  double        *grad;   /* gradient buffer (first-order methods) */
  double        *look;   /* nesterov look-ahead point */
  double        *vel;    /* momentum/nesterov velocity v; adam first moment m */
  double        *sq;     /* adam second moment v */
  double         beta1_pow, beta2_pow; /* adam: beta^t, running products (state) */

  /* L-BFGS: ring buffers of the last m pairs s_i = x_{i+1} - x_i, y_i = g_{i+1} - g_i */
  double   *S, *Y;       /* m x n each, row i = pair in slot i */
  double   *rho;         /* 1 / (s_i^T y_i) */
  double   *alpha;       /* two-loop work, m */
  long      hist_len;    /* pairs stored (<= m) */
  long      hist_next;   /* slot the next pair goes to */
  double    gamma;       /* initial Hessian scaling s^T y / y^T y of the newest pair */
  double   *x0;          /* cached point (the last accepted iterate) ... */
  double   *g0;          /* ... its gradient ... */
  double    f0;          /* ... and loss */
  PetscBool have_cache;  /* x0, g0, f0 are valid */
  double   *dir;         /* search direction */
  double   *xt;          /* line-search trial point */
  double   *gw[2];       /* line-search gradients (trial and best so far) */
};

/* The learning rate of iteration `it` under the schedule. */
double PhynnOptimScheduledRate(PhynnOptimizer opt, long it);
/* Deterministic dot product (fixed summation order, independent of BLAS build and threads). */
double PhynnOptimDot(long n, const double *x, const double *y);

/* Method steps (theta updated in place, counters advanced by the caller for it, here for nfev). */
PetscErrorCode PhynnOptimStepFirstOrder(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss);
PetscErrorCode PhynnOptimStepAdam(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss);
PetscErrorCode PhynnOptimStepLBFGS(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss, PetscBool *converged);

#endif
