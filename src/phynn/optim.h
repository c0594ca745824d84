/* phynn's optimisers: gradient descent (full batch or minibatch), momentum, Nesterov, Adam and
 * L-BFGS with a strong-Wolfe line search, behind one PETSc-style object.
 *
 *   PhynnOptimizerCreate(comm, n, &opt);
 *   PhynnOptimizerSetFromOptions(opt, "");          -optimizer adam -lr 1e-3 ...
 *   PhynnOptimizerSetUp(opt);                       all work memory is allocated here
 *   for (...) PhynnOptimizerStep(opt, theta, fn, ctx, &loss, &converged);
 *   PhynnOptimizerDestroy(&opt);
 *
 * The optimiser works on one flat array of n doubles (all trainable values of a model) and is
 * rank-agnostic: the objective returns the same loss and gradient on every rank (the trainer does
 * the MPI_Allreduce), and every update here is deterministic plain arithmetic, so all ranks take
 * bitwise identical steps. docs/optimisers.md gives the formulas. */
#ifndef PHYNN_OPTIM_H
#define PHYNN_OPTIM_H

#include "phynn/sys.h"

typedef enum { PHYNN_OPTIM_GD, PHYNN_OPTIM_SGD, PHYNN_OPTIM_MOMENTUM, PHYNN_OPTIM_NESTEROV, PHYNN_OPTIM_ADAM, PHYNN_OPTIM_LBFGS } PhynnOptimType;
extern const char *const PhynnOptimTypes[]; /* {"gd","sgd","momentum","nesterov","adam","lbfgs",NULL} */
typedef enum { PHYNN_SCHEDULE_CONSTANT, PHYNN_SCHEDULE_STEP, PHYNN_SCHEDULE_EXPONENTIAL } PhynnScheduleType;
extern const char *const PhynnScheduleTypes[]; /* {"constant","step","exponential",NULL} */

/* The objective: loss and gradient at theta (n doubles). The trainer's implementation does the
 * forward/backward pass and the MPI_Allreduce, so loss and grad are identical on every rank and
 * the optimiser stays rank-agnostic. Must not keep pointers to theta/grad. */
typedef PetscErrorCode (*PhynnObjectiveFn)(void *ctx, const double *theta, double *loss, double *grad);

typedef struct _p_PhynnOptimizer *PhynnOptimizer;

/* n: the number of parameters (the length of theta). The type defaults to adam. */
PetscErrorCode PhynnOptimizerCreate(MPI_Comm comm, long n, PhynnOptimizer *opt);
/* Changing the type after SetUp discards the method's state (moments, history) at the next SetUp
 * or Step; the iteration and evaluation counters are kept. */
PetscErrorCode PhynnOptimizerSetType(PhynnOptimizer opt, PhynnOptimType type);
/* Reads options with the given prefix (NULL or "" -> -optimizer, -lr, ...): optimizer, lr,
 * momentum, adam_beta1, adam_beta2, adam_eps, lr_schedule, lr_decay, lr_decay_steps,
 * lbfgs_history, lbfgs_max_ls, lbfgs_gtol, lbfgs_ftol, lbfgs_c1, lbfgs_c2. The current settings
 * (SetType, SetLearningRate, an earlier SetFromOptions) are the defaults. */
PetscErrorCode PhynnOptimizerSetFromOptions(PhynnOptimizer opt, const char *prefix);
/* The base learning rate lr0 (> 0) that the schedule scales. */
PetscErrorCode PhynnOptimizerSetLearningRate(PhynnOptimizer opt, double lr);
/* Allocates the work memory; Step calls it when needed. */
PetscErrorCode PhynnOptimizerSetUp(PhynnOptimizer opt);
/* One iteration: updates theta in place; *loss = the loss at the theta the step started from
 * (first-order methods evaluate once per step; Nesterov evaluates at the look-ahead point and
 * reports that loss; L-BFGS reports the loss at the start of the iteration and may evaluate
 * several times in its line search). *converged is set for L-BFGS when the gradient norm or the
 * relative loss change falls below the tolerances or the line search cannot make progress;
 * always false for first-order methods. converged may be NULL.
 *
 * L-BFGS reuses the loss and gradient of the point its previous line search accepted when theta
 * is bitwise that point, so it assumes the objective is the same function of theta from one
 * step to the next (full batch). */
PetscErrorCode PhynnOptimizerStep(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss, PetscBool *converged);
PetscErrorCode PhynnOptimizerGetType(PhynnOptimizer opt, PhynnOptimType *type);
PetscErrorCode PhynnOptimizerGetIteration(PhynnOptimizer opt, long *it); /* steps taken so far */
PetscErrorCode PhynnOptimizerGetEvaluations(PhynnOptimizer opt, long *nfev);
/* The learning rate the next step uses: lr0 after the schedule at the current iteration. */
double PhynnOptimizerCurrentLearningRate(PhynnOptimizer opt);
/* Forgets what the method has learnt, as if it were freshly set up: Adam's moments and its
 * beta^t products, the momentum velocity, L-BFGS's curvature pairs and its cached point. The
 * iteration and evaluation counters are kept, so a learning-rate schedule continues where it was.
 * For callers that change theta by hand (sequential thresholding sets coefficients to zero):
 * moments built up for the old theta would otherwise push the changed entries away again. */
PetscErrorCode PhynnOptimizerReset(PhynnOptimizer opt);
/* Checkpointing: the full state (moments, L-BFGS history, iteration counters, schedule position)
 * as a flat array of doubles, so a resumed run takes bitwise the same steps. The size depends on
 * the type, n and lbfgs_history; set those (SetType/SetFromOptions) before SetState. */
PetscErrorCode PhynnOptimizerGetStateSize(PhynnOptimizer opt, long *size);
PetscErrorCode PhynnOptimizerGetState(PhynnOptimizer opt, double *state);
PetscErrorCode PhynnOptimizerSetState(PhynnOptimizer opt, const double *state, long size); /* size mismatch -> clear error */
PetscErrorCode PhynnOptimizerDestroy(PhynnOptimizer *opt);

#endif
