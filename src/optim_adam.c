/* Adam (Kingma & Ba 2015, Algorithm 1) with bias correction. At step t = it + 1:
 *   m <- beta1 m + (1 - beta1) g,        v <- beta2 v + (1 - beta2) g^2      (elementwise)
 *   mhat = m / (1 - beta1^t),            vhat = v / (1 - beta2^t)
 *   theta <- theta - lr mhat / (sqrt(vhat) + eps)
 * The bias correction makes the first step exactly theta - lr g/(|g| + eps), about -lr sign(g).
 * beta^t is kept as a running product (part of the checkpoint state): plain multiplication is
 * bitwise reproducible on every machine, where pow() may differ between math libraries. */
#include "optim_impl.h"

#include <math.h>

PetscErrorCode PhynnOptimStepAdam(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss)
{
  const long   n  = opt->n;
  const double lr = PhynnOptimScheduledRate(opt, opt->it);
  const double b1 = opt->beta1, b2 = opt->beta2, eps = opt->eps;
  double      *g = opt->grad, *m = opt->vel, *v = opt->sq, bc1, bc2;

  PetscFunctionBegin;
  PetscCall(fn(ctx, theta, loss, g));
  opt->nfev++;
  opt->beta1_pow *= b1;
  opt->beta2_pow *= b2;
  bc1 = 1 - opt->beta1_pow;
  bc2 = 1 - opt->beta2_pow;
  for (long i = 0; i < n; i++) {
    m[i]        = b1 * m[i] + (1 - b1) * g[i];
    v[i]        = b2 * v[i] + (1 - b2) * g[i] * g[i];
    double mhat = m[i] / bc1, vhat = v[i] / bc2;
    theta[i] -= lr * mhat / (sqrt(vhat) + eps);
  }
  PetscFunctionReturn(0);
}
