/* First-order steps: gradient descent (gd, sgd), heavy-ball momentum and Nesterov momentum.
 *
 * gd and sgd share the update theta <- theta - lr g; whether g is the full-batch or a minibatch
 * gradient is the objective's business (the trainer passes an objective over a minibatch).
 *
 * Momentum keeps the velocity in gradient units (PyTorch's convention):
 *   v <- mu v + g(theta),                    theta <- theta - lr v
 * Nesterov evaluates the gradient at the look-ahead point:
 *   g = grad f(theta - lr mu v),  v <- mu v + g,  theta <- theta - lr v
 * which for a constant lr is Sutskever et al.'s (2013) form u <- mu u - lr grad f(theta + mu u),
 * theta <- theta + u with u = -lr v. lr is the scheduled rate of the current iteration. */
#include "optim_impl.h"

PetscErrorCode PhynnOptimStepFirstOrder(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss)
{
  const long   n  = opt->n;
  const double lr = PhynnOptimScheduledRate(opt, opt->it), mu = opt->momentum;
  double      *g = opt->grad, *v = opt->vel, *look = opt->look;

  PetscFunctionBegin;
  switch (opt->type) {
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
    PetscCall(fn(ctx, theta, loss, g));
    opt->nfev++;
    for (long i = 0; i < n; i++) theta[i] -= lr * g[i];
    break;
  case PHYNN_OPTIM_MOMENTUM:
    PetscCall(fn(ctx, theta, loss, g));
    opt->nfev++;
    for (long i = 0; i < n; i++) {
      v[i] = mu * v[i] + g[i];
      theta[i] -= lr * v[i];
    }
    break;
  case PHYNN_OPTIM_NESTEROV:
    for (long i = 0; i < n; i++) look[i] = theta[i] - lr * mu * v[i];
    PetscCall(fn(ctx, look, loss, g));
    opt->nfev++;
    for (long i = 0; i < n; i++) {
      v[i] = mu * v[i] + g[i];
      theta[i] -= lr * v[i];
    }
    break;
  default:
    SETERRQ(opt->comm, PETSC_ERR_PLIB, "PhynnOptimStepFirstOrder: type '%s' is not a first-order method; this is a bug in phynn's optimiser dispatch", PhynnOptimTypes[opt->type]);
  }
  PetscFunctionReturn(0);
}
