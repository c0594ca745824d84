/* Frozen parameters by value.
 *
 * Usage: test_train_ops GROUP, GROUP one of
 *   frozen     a frozen parameter's gradient is exactly 0 (and it does change the loss); SGD,
 *              momentum, Nesterov, Adam and L-BFGS leave it bitwise unchanged while they train the
 *              rest; PhynnGraphLoadParameters skips it; freezing after SetUp is refused */
#include <string.h>

#include "phynn/graph.h"
#include "phynn/optim.h"
#include "phynn/random.h"
#include "phynn_test.h"

static const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};

/* ---- frozen parameters ----------------------------------------------------------------------- */
typedef struct {
  PhynnGraph g;
  int        root;
} Objective;

static PetscErrorCode ObjectiveFn(void *ctx, const double *theta, double *loss, double *grad)
{
  Objective *o = (Objective *)ctx;
  double    *gt, *gg;
  long       n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(o->g, &gt, &gg, &n));
  PetscCall(PetscArraycpy(gt, theta, n)); /* every entry, frozen ones too: the optimiser alone must keep them */
  PetscCall(PhynnGraphForward(o->g, o->root));
  PetscCall(PhynnGraphBackward(o->g, o->root));
  *loss = PhynnGraphScalar(o->g, o->root);
  if (grad) PetscCall(PetscArraycpy(grad, gg, n));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFrozen(void)
{
  const PhynnOptimType types[5] = {PHYNN_OPTIM_SGD, PHYNN_OPTIM_MOMENTUM, PHYNN_OPTIM_NESTEROV, PHYNN_OPTIM_ADAM, PHYNN_OPTIM_LBFGS};
  Objective            o;
  int                  X, Y, W1, b1, W2, h;
  double               x[8 * 3], y[8], *theta, *grad, *theta0, *t, l0, l1, lp;
  long                 n, off, sz;
  PetscErrorCode       ierr;
  PetscFunctionBegin;
  PhynnUniformFill(41, 1, 0, 24, -1, 1, x);
  PhynnUniformFill(41, 2, 0, 8, -1, 1, y);
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &o.g));
  PetscCall(PhynnGraphInput(o.g, "x", 3, &X));
  PetscCall(PhynnGraphInput(o.g, "y", 1, &Y));
  PetscCall(PhynnGraphParam(o.g, "W1", 4, 3, zeros, &W1));
  PetscCall(PhynnGraphParam(o.g, "b1", 1, 4, zeros, &b1));
  PetscCall(PhynnGraphParam(o.g, "W2", 1, 4, zeros, &W2));
  PetscCall(PhynnGraphDense(o.g, X, W1, b1, NULL, &h));
  PetscCall(PhynnGraphActivation(o.g, h, PHYNN_ACT_TANH, 0, NULL, &h));
  PetscCall(PhynnGraphDense(o.g, h, W2, -1, NULL, &h));
  PetscCall(PhynnGraphLoss(o.g, PHYNN_LOSS_MSE, h, Y, &o.root));
  PetscCall(PhynnGraphSetTrainable(o.g, W1, PETSC_FALSE)); /* after dense consumed it: SetUp sorts it out */
  PetscCall(PhynnGraphSetUp(o.g));
  PetscCall(PhynnGraphParameters(o.g, &theta, &grad, &n));
  PhynnNormalFill(41, 3, 0, n, 0, 0.7, theta);
  PetscCall(PhynnGraphSetInput(o.g, X, 8, x));
  PetscCall(PhynnGraphSetInput(o.g, Y, 8, y));
  PetscCall(PhynnGraphParamSlice(o.g, W1, &off, &sz));
  PetscCall(PetscMalloc2(n, &theta0, n, &t));
  PetscCall(PetscArraycpy(theta0, theta, n));
  PetscCall(ObjectiveFn(&o, theta0, &l0, NULL));
  {
    int zero = 1;
    for (long i = 0; i < sz; i++) zero &= grad[off + i] == 0;
    theta[off] += 1e-3;
    PetscCall(PhynnGraphForward(o.g, o.root));
    lp = PhynnGraphScalar(o.g, o.root);
    theta[off] -= 1e-3;
    CHECK(zero && lp != l0, "a frozen W1 (which changes the loss: %.12g -> %.12g) must get the gradient 0 exactly", l0, lp);
    if (zero) printf("ok   a frozen parameter that changes the loss gets the gradient 0 exactly, even when frozen after its consumer was built\n");
  }
  for (int k = 0; k < 5; k++) {
    PhynnOptimizer opt;
    PetscBool      conv;
    double         loss;
    int            moved = 0;
    PetscCall(PetscArraycpy(t, theta0, n));
    PetscCall(PhynnOptimizerCreate(PETSC_COMM_SELF, n, &opt));
    PetscCall(PhynnOptimizerSetType(opt, types[k]));
    PetscCall(PhynnOptimizerSetLearningRate(opt, types[k] == PHYNN_OPTIM_LBFGS ? 1.0 : 0.05));
    PetscCall(PhynnOptimizerSetUp(opt));
    for (int it = 0; it < 5; it++) PetscCall(PhynnOptimizerStep(opt, t, ObjectiveFn, &o, &loss, &conv));
    PetscCall(ObjectiveFn(&o, t, &l1, NULL));
    for (long i = 0; i < n; i++)
      if (i < off || i >= off + sz) moved |= t[i] != theta0[i];
    CHECK(!memcmp(t + off, theta0 + off, sz * sizeof(double)), "%s must leave the frozen W1 bitwise unchanged", PhynnOptimTypes[types[k]]);
    CHECK(moved && l1 < l0, "%s must still train the other parameters (loss %.6g -> %.6g)", PhynnOptimTypes[types[k]], l0, l1);
    printf("ok   %s: 5 steps lower the loss %.6g -> %.6g and leave the frozen W1 bitwise unchanged\n", PhynnOptimTypes[types[k]], l0, l1);
    PetscCall(PhynnOptimizerDestroy(&opt));
  }
  for (long i = 0; i < n; i++) t[i] = 7.0;
  PetscCall(PetscArraycpy(theta, theta0, n));
  PetscCall(PhynnGraphLoadParameters(o.g, t));
  {
    int ok = 1;
    for (long i = 0; i < n; i++) ok &= theta[i] == (i >= off && i < off + sz ? theta0[i] : 7.0);
    CHECK(ok, "PhynnGraphLoadParameters must copy the trainable entries and keep the frozen ones");
  }
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnGraphSetTrainable(o.g, W2, PETSC_FALSE);
  CHECK(ierr != 0, "freezing a parameter after PhynnGraphSetUp must be refused");
  ierr = PhynnGraphSetTrainable(o.g, X, PETSC_FALSE);
  CHECK(ierr != 0, "freezing an input must be refused");
  PetscCall(PetscPopErrorHandler());
  printf("ok   PhynnGraphLoadParameters copies the trainable entries only; freezing after SetUp, or a node that is not a parameter, is refused\n");
  PetscCall(PetscFree2(theta0, t));
  PetscCall(PhynnGraphDestroy(&o.g));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  const char *group = "";
  int         argc;
  char      **argv;
  PetscFunctionBegin;
  (void)comm;
  PetscCall(PetscGetArgs(&argc, &argv));
  if (argc > 1) group = argv[1];
  if (!strcmp(group, "frozen")) PetscCall(CheckFrozen());
  else CHECK(0, "unknown test group '%s' (frozen)", group);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
