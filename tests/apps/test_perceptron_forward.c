/* The tutorial's worked perceptron example (seeds/000, section II.1.1) through phynn's graph:
 * x = [5.1, 3.5, 1.4, 0.2] (the first Iris sample, setosa, label 0), w = [1, 0, 0.5, -0.3],
 * b = 0.5 gives z = 6.24, yhat = sigmoid(6.24) = 0.99805... ("0.998") and the loss
 * (0 - yhat)^2 = 0.99611... ("0.99611167"). Then one SGD step with lr 0.01 must DEScend:
 * w <- w - lr * 2 (yhat - y) yhat (1 - yhat) x. The tutorial's printed update
 * ([1.0002, 0.000138, 0.50005, -0.29]) adds the gradient instead (gradient ascent); this test
 * pins the correct sign. */
#include "phynn/graph.h"
#include "phynn/optim.h"
#include "phynn_test.h"

typedef struct {
  PhynnGraph g;
  int        loss;
} Ctx;

static PetscErrorCode Objective(void *ctx, const double *theta, double *loss, double *grad)
{
  Ctx    *c = (Ctx *)ctx;
  double *gt, *gg;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(c->g, &gt, &gg, &n));
  if (gt != theta) PetscCall(PetscArraycpy(gt, theta, n));
  PetscCall(PhynnGraphForward(c->g, c->loss));
  PetscCall(PhynnGraphBackward(c->g, c->loss));
  *loss = PhynnGraphScalar(c->g, c->loss);
  PetscCall(PetscArraycpy(grad, gg, n));
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  const double  x[4] = {5.1, 3.5, 1.4, 0.2}, w[4] = {1, 0, 0.5, -0.3}, b = 0.5, label = 0, lr = 0.01;
  PhynnGraph    g;
  int           in, target, W, B, z, y, loss;
  double       *theta, *grad;
  long          n;
  const double *v;
  Ctx           ctx;
  PhynnOptimizer opt;

  PetscFunctionBegin;
  (void)comm;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "x", 4, &in));
  PetscCall(PhynnGraphParam(g, "W", 1, 4, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &W));
  PetscCall(PhynnGraphParam(g, "b", 1, 1, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &B));
  PetscCall(PhynnGraphDense(g, in, W, B, NULL, &z));
  PetscCall(PhynnGraphActivation(g, z, PHYNN_ACT_SIGMOID, 0, NULL, &y));
  PetscCall(PhynnGraphInput(g, "y", 1, &target));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, y, target, &loss)); /* one element: (y - yhat)^2 */
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphParameters(g, &theta, &grad, &n));
  CHECK(n == 5, "5 parameters, got %ld", n);
  PetscCall(PetscArraycpy(theta, w, 4));
  theta[4] = b;
  PetscCall(PhynnGraphSetInput(g, in, 1, x));
  PetscCall(PhynnGraphSetInput(g, target, 1, &label));
  PetscCall(PhynnGraphForward(g, loss));

  /* Closed forms. */
  const double zc = 5.1 * 1 + 3.5 * 0 + 1.4 * 0.5 + 0.2 * -0.3 + 0.5;
  const double yc = 1 / (1 + exp(-zc));
  PetscCall(PhynnGraphValue(g, z, &v, NULL));
  CHECK_CLOSE("z = w.x + b (tutorial: 6.24)", v[0], 6.24, 1e-14, 0);
  PetscCall(PhynnGraphValue(g, y, &v, NULL));
  CHECK_CLOSE("yhat = sigmoid(6.24) (tutorial: 0.998)", v[0], yc, 1e-12, 0);
  CHECK_CLOSE("yhat to the tutorial's 3 digits", v[0], 0.998, 0, 5e-4);
  CHECK_CLOSE("loss (0 - yhat)^2 (tutorial: 0.99611167)", PhynnGraphScalar(g, loss), yc * yc, 1e-12, 0);

  /* Gradient: dL/dw = 2 (yhat - y) yhat (1 - yhat) x, dL/db = 2 (yhat - y) yhat (1 - yhat). */
  const double gc = 2 * (yc - label) * yc * (1 - yc);
  PetscCall(PhynnGraphBackward(g, loss));
  for (int k = 0; k < 4; k++) {
    char what[64];
    snprintf(what, sizeof(what), "dL/dw%d = 2 (yhat - y) yhat (1 - yhat) x%d", k + 1, k + 1);
    CHECK_CLOSE(what, grad[k], gc * x[k], 1e-10, 1e-15);
  }
  CHECK_CLOSE("dL/db", grad[4], gc, 1e-10, 0);

  /* One SGD step through the optimiser: descent lowers w1 (the tutorial's ascent raised it). */
  ctx.g    = g;
  ctx.loss = loss;
  PetscCall(PhynnOptimizerCreate(PETSC_COMM_SELF, n, &opt));
  PetscCall(PhynnOptimizerSetType(opt, PHYNN_OPTIM_SGD));
  PetscCall(PhynnOptimizerSetLearningRate(opt, lr));
  double l0;
  PetscCall(PhynnOptimizerStep(opt, theta, Objective, &ctx, &l0, NULL));
  for (int k = 0; k < 4; k++) {
    char what[64];
    snprintf(what, sizeof(what), "w%d after one SGD step (descent)", k + 1);
    CHECK_CLOSE(what, theta[k], w[k] - lr * gc * x[k], 1e-12, 1e-15);
  }
  CHECK_CLOSE("b after one SGD step (descent; the tutorial's ascent gives 0.500039)", theta[4], b - lr * gc, 1e-12, 0);
  CHECK(theta[0] < 1.0, "w1 must decrease from 1 (the tutorial printed 1.0002: the wrong sign)");
  PetscCall(PhynnGraphForward(g, loss));
  CHECK(PhynnGraphScalar(g, loss) < l0, "the loss must decrease after the step: %.15g -> %.15g", l0, PhynnGraphScalar(g, loss));
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
