/* The optimiser object: lifecycle, options, learning-rate schedules and checkpoint state.
 * The update rules live in optim_sgd.c (gd, sgd, momentum, nesterov), optim_adam.c and
 * optim_lbfgs.c; docs/optimisers.md gives their formulas. */
#include "optim_impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "phynn/options.h"

const char *const PhynnOptimTypes[]    = {"gd", "sgd", "momentum", "nesterov", "adam", "lbfgs", NULL};
const char *const PhynnScheduleTypes[] = {"constant", "step", "exponential", NULL};

/* Checkpoint layout: a header, then the method's arrays (see StateSize). The tag lets SetState
 * reject an array that is not an optimiser state of this layout version. */
#define OPTIM_STATE_TAG 20240601.0
#define OPTIM_STATE_HEADER 5 /* tag, type, n, it, nfev */
#define OPTIM_LBFGS_SCALARS 6 /* m, hist_len, hist_next, gamma, have_cache, f0 */

PetscErrorCode PhynnOptimizerCreate(MPI_Comm comm, long n, PhynnOptimizer *opt)
{
  PhynnOptimizer o;

  PetscFunctionBegin;
  PetscCheck(opt, comm, PETSC_ERR_ARG_NULL, "PhynnOptimizerCreate: opt is NULL; pass the address of a PhynnOptimizer");
  PetscCheck(n > 0, comm, PHYNN_ERR_INPUT, "PhynnOptimizerCreate: %ld parameters; an optimiser needs n >= 1 (does the model have trainable values?)", n);
  PetscCall(PetscNew(&o));
  o->comm           = comm;
  o->n              = n;
  o->type           = PHYNN_OPTIM_ADAM;
  o->lr0            = 1e-3;
  o->schedule       = PHYNN_SCHEDULE_CONSTANT;
  o->lr_decay       = 0.5;
  o->lr_decay_steps = 1000;
  o->momentum       = 0.9;
  o->beta1          = 0.9;
  o->beta2          = 0.999;
  o->eps            = 1e-8;
  o->lbfgs_m        = 50;
  o->lbfgs_max_ls   = 25;
  o->lbfgs_gtol     = 1e-12;
  o->lbfgs_ftol     = 100 * DBL_EPSILON; /* 2.2e-14: a relative change this small is roundoff */
  o->lbfgs_c1       = 1e-4;
  o->lbfgs_c2       = 0.9;
  o->beta1_pow      = 1;
  o->beta2_pow      = 1;
  *opt              = o;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerSetType(PhynnOptimizer opt, PhynnOptimType type)
{
  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerSetType: opt is NULL; create it with PhynnOptimizerCreate first");
  PetscCheck(type >= PHYNN_OPTIM_GD && type <= PHYNN_OPTIM_LBFGS, opt->comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetType: unknown type %d; use a PHYNN_OPTIM_* value", (int)type);
  opt->type = type; /* SetUp notices the change (setup_type) and reallocates */
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerSetLearningRate(PhynnOptimizer opt, double lr)
{
  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerSetLearningRate: opt is NULL; create it with PhynnOptimizerCreate first");
  PetscCheck(isfinite(lr) && lr > 0, opt->comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetLearningRate: learning rate %g; it must be a finite number > 0, such as 1e-3", lr);
  opt->lr0 = lr;
  PetscFunctionReturn(0);
}

/* prefix + name, the option's name without the dash */
static PetscErrorCode OptName(const char *prefix, const char *name, char *buf, size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, len, "%s%s", prefix ? prefix : "", name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerSetFromOptions(PhynnOptimizer opt, const char *prefix)
{
  char      nm[128], nm2[128], defs[32];
  int       index;
  long      m, max_ls, steps;
  double    lr, mu, b1, b2, eps, gamma, gtol, ftol, c1, c2;
  MPI_Comm  comm;
  PetscBool check;

  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerSetFromOptions: opt is NULL; create it with PhynnOptimizerCreate first");
  comm  = opt->comm;
  check = PhynnOptionsGetMode() != PHYNN_OPTIONS_COLLECT; /* COLLECT returns defaults: nothing to validate */

  PetscCall(OptName(prefix, "optimizer", nm, sizeof(nm)));
  PetscCall(PhynnOptChoice(nm, PhynnOptimTypes, PhynnOptimTypes[opt->type], "optimisation method", &index, NULL));
  opt->type = (PhynnOptimType)index;

  PetscCall(OptName(prefix, "lr", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->lr0, "base learning rate lr0 (first-order methods; L-BFGS ignores it)", &lr, NULL));
  PetscCheck(!check || lr > 0, comm, PHYNN_ERR_INPUT, "option -%s: learning rate %g must be > 0; give a value such as -%s 1e-3", nm, lr, nm);

  PetscCall(OptName(prefix, "momentum", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->momentum, "momentum factor mu of momentum and nesterov (v <- mu v + g)", &mu, NULL));
  PetscCheck(!check || (mu >= 0 && mu < 1), comm, PHYNN_ERR_INPUT, "option -%s: %g is outside [0, 1); give a value such as -%s 0.9", nm, mu, nm);

  PetscCall(OptName(prefix, "adam_beta1", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->beta1, "Adam decay rate of the first moment", &b1, NULL));
  PetscCheck(!check || (b1 >= 0 && b1 < 1), comm, PHYNN_ERR_INPUT, "option -%s: %g is outside [0, 1); give a value such as -%s 0.9", nm, b1, nm);
  PetscCall(OptName(prefix, "adam_beta2", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->beta2, "Adam decay rate of the second moment", &b2, NULL));
  PetscCheck(!check || (b2 >= 0 && b2 < 1), comm, PHYNN_ERR_INPUT, "option -%s: %g is outside [0, 1); give a value such as -%s 0.999", nm, b2, nm);
  PetscCall(OptName(prefix, "adam_eps", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->eps, "Adam denominator guard epsilon", &eps, NULL));
  PetscCheck(!check || eps > 0, comm, PHYNN_ERR_INPUT, "option -%s: %g must be > 0 (it guards m/sqrt(v) where v = 0); give a value such as -%s 1e-8", nm, eps, nm);

  PetscCall(OptName(prefix, "lr_schedule", nm, sizeof(nm)));
  PetscCall(PhynnOptChoice(nm, PhynnScheduleTypes, PhynnScheduleTypes[opt->schedule], "learning-rate schedule: lr0, lr0*decay^floor(it/decay_steps) or lr0*decay^(it/decay_steps)", &index, NULL));
  opt->schedule = (PhynnScheduleType)index;
  PetscCall(OptName(prefix, "lr_decay", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->lr_decay, "schedule decay factor gamma", &gamma, NULL));
  PetscCheck(!check || gamma > 0, comm, PHYNN_ERR_INPUT, "option -%s: decay factor %g must be > 0; give a value such as -%s 0.5", nm, gamma, nm);
  PetscCall(OptName(prefix, "lr_decay_steps", nm, sizeof(nm)));
  PetscCall(PhynnOptInt(nm, opt->lr_decay_steps, "steps over which the schedule applies one factor gamma", &steps, NULL));
  PetscCheck(!check || steps >= 1, comm, PHYNN_ERR_INPUT, "option -%s: %ld must be >= 1; give a step count such as -%s 1000", nm, steps, nm);

  PetscCall(OptName(prefix, "lbfgs_history", nm, sizeof(nm)));
  PetscCall(PhynnOptInt(nm, opt->lbfgs_m, "L-BFGS: number of curvature pairs kept", &m, NULL));
  PetscCheck(!check || m >= 1, comm, PHYNN_ERR_INPUT, "option -%s: %ld must be >= 1; give a history length such as -%s 50", nm, m, nm);
  PetscCall(OptName(prefix, "lbfgs_max_ls", nm, sizeof(nm)));
  PetscCall(PhynnOptInt(nm, opt->lbfgs_max_ls, "L-BFGS: most objective evaluations in one line search", &max_ls, NULL));
  PetscCheck(!check || max_ls >= 1, comm, PHYNN_ERR_INPUT, "option -%s: %ld must be >= 1; give a count such as -%s 25", nm, max_ls, nm);
  PetscCall(OptName(prefix, "lbfgs_gtol", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->lbfgs_gtol, "L-BFGS: converged when max |gradient| <= gtol", &gtol, NULL));
  PetscCheck(!check || gtol >= 0, comm, PHYNN_ERR_INPUT, "option -%s: %g must be >= 0; give a tolerance such as -%s 1e-12", nm, gtol, nm);
  PetscCall(PetscSNPrintf(defs, sizeof(defs), "%g", opt->lbfgs_ftol));
  PetscCall(OptName(prefix, "lbfgs_ftol", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->lbfgs_ftol, "L-BFGS: converged when |f_k - f_k+1| <= ftol max(|f_k|, |f_k+1|)", &ftol, NULL));
  PetscCheck(!check || ftol >= 0, comm, PHYNN_ERR_INPUT, "option -%s: %g must be >= 0; give a tolerance such as -%s %s", nm, ftol, nm, defs);
  PetscCall(OptName(prefix, "lbfgs_c1", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, opt->lbfgs_c1, "L-BFGS: sufficient-decrease (Armijo) constant c1 of the strong Wolfe conditions", &c1, NULL));
  PetscCall(OptName(prefix, "lbfgs_c2", nm2, sizeof(nm2)));
  PetscCall(PhynnOptReal(nm2, opt->lbfgs_c2, "L-BFGS: curvature constant c2 of the strong Wolfe conditions", &c2, NULL));
  PetscCheck(!check || (0 < c1 && c1 < c2 && c2 < 1), comm, PHYNN_ERR_INPUT, "options -%s %g and -%s %g: the strong Wolfe conditions need 0 < c1 < c2 < 1; use for example -%s 1e-4 -%s 0.9", nm, c1, nm2,
             c2, nm, nm2);

  opt->lr0            = lr;
  opt->momentum       = mu;
  opt->beta1          = b1;
  opt->beta2          = b2;
  opt->eps            = eps;
  opt->lr_decay       = gamma;
  opt->lr_decay_steps = steps;
  opt->lbfgs_m        = m;
  opt->lbfgs_max_ls   = max_ls;
  opt->lbfgs_gtol     = gtol;
  opt->lbfgs_ftol     = ftol;
  opt->lbfgs_c1       = c1;
  opt->lbfgs_c2       = c2;
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeWork(PhynnOptimizer opt)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(opt->grad));
  PetscCall(PetscFree(opt->look));
  PetscCall(PetscFree(opt->vel));
  PetscCall(PetscFree(opt->sq));
  PetscCall(PetscFree(opt->S));
  PetscCall(PetscFree(opt->Y));
  PetscCall(PetscFree(opt->rho));
  PetscCall(PetscFree(opt->alpha));
  PetscCall(PetscFree(opt->x0));
  PetscCall(PetscFree(opt->g0));
  PetscCall(PetscFree(opt->dir));
  PetscCall(PetscFree(opt->xt));
  PetscCall(PetscFree(opt->gw[0]));
  PetscCall(PetscFree(opt->gw[1]));
  opt->setup = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* The scalar method state of a fresh start: Adam's beta^t products back to 1 (so the bias
 * correction starts again: without it the first steps after a reset would be scaled by
 * 1 - beta1^t ~ 1 applied to moments that restart from zero, i.e. far too small), no L-BFGS
 * pairs, no cached point. */
static void ResetScalars(PhynnOptimizer opt)
{
  opt->beta1_pow  = 1;
  opt->beta2_pow  = 1;
  opt->hist_len   = 0;
  opt->hist_next  = 0;
  opt->gamma      = 1;
  opt->f0         = 0;
  opt->have_cache = PETSC_FALSE;
}

PetscErrorCode PhynnOptimizerSetUp(PhynnOptimizer opt)
{
  long n;

  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerSetUp: opt is NULL; create it with PhynnOptimizerCreate first");
  if (opt->setup && opt->setup_type == opt->type && (opt->type != PHYNN_OPTIM_LBFGS || opt->setup_m == opt->lbfgs_m)) PetscFunctionReturn(0);
  /* A new layout: the method state starts from zero (the counters are kept). Calloc, so a
   * checkpoint of unused ring slots is deterministic too. */
  PetscCall(FreeWork(opt));
  n = opt->n;
  switch (opt->type) {
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
    PetscCall(PetscCalloc1(n, &opt->grad));
    break;
  case PHYNN_OPTIM_MOMENTUM:
    PetscCall(PetscCalloc1(n, &opt->grad));
    PetscCall(PetscCalloc1(n, &opt->vel));
    break;
  case PHYNN_OPTIM_NESTEROV:
    PetscCall(PetscCalloc1(n, &opt->grad));
    PetscCall(PetscCalloc1(n, &opt->vel));
    PetscCall(PetscCalloc1(n, &opt->look));
    break;
  case PHYNN_OPTIM_ADAM:
    PetscCall(PetscCalloc1(n, &opt->grad));
    PetscCall(PetscCalloc1(n, &opt->vel));
    PetscCall(PetscCalloc1(n, &opt->sq));
    break;
  case PHYNN_OPTIM_LBFGS: {
    long m = opt->lbfgs_m;
    PetscCheck(m >= 1 && n <= (long)(PETSC_MAX_INT / m), opt->comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetUp: L-BFGS history %ld x %ld parameters does not fit one allocation; lower -lbfgs_history", m, n);
    PetscCall(PetscCalloc1(m * n, &opt->S));
    PetscCall(PetscCalloc1(m * n, &opt->Y));
    PetscCall(PetscCalloc1(m, &opt->rho));
    PetscCall(PetscCalloc1(m, &opt->alpha));
    PetscCall(PetscCalloc1(n, &opt->x0));
    PetscCall(PetscCalloc1(n, &opt->g0));
    PetscCall(PetscCalloc1(n, &opt->dir));
    PetscCall(PetscCalloc1(n, &opt->xt));
    PetscCall(PetscCalloc1(n, &opt->gw[0]));
    PetscCall(PetscCalloc1(n, &opt->gw[1]));
    opt->setup_m = m;
  } break;
  }
  ResetScalars(opt);
  opt->setup_type = opt->type;
  opt->setup      = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerReset(PhynnOptimizer opt)
{
  long n, m;

  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerReset: opt is NULL; create it with PhynnOptimizerCreate first");
  PetscCall(PhynnOptimizerSetUp(opt));
  n = opt->n;
  m = opt->setup_m;
  /* Zero every array SetUp callocs (not only the ones the method reads), so that the state after
   * a reset is the state of a fresh SetUp, as GetState writes it, entry for entry. */
  if (opt->grad) PetscCall(PetscArrayzero(opt->grad, n));
  if (opt->look) PetscCall(PetscArrayzero(opt->look, n));
  if (opt->vel) PetscCall(PetscArrayzero(opt->vel, n));
  if (opt->sq) PetscCall(PetscArrayzero(opt->sq, n));
  if (opt->S) PetscCall(PetscArrayzero(opt->S, m * n));
  if (opt->Y) PetscCall(PetscArrayzero(opt->Y, m * n));
  if (opt->rho) PetscCall(PetscArrayzero(opt->rho, m));
  if (opt->alpha) PetscCall(PetscArrayzero(opt->alpha, m));
  if (opt->x0) PetscCall(PetscArrayzero(opt->x0, n));
  if (opt->g0) PetscCall(PetscArrayzero(opt->g0, n));
  if (opt->dir) PetscCall(PetscArrayzero(opt->dir, n));
  if (opt->xt) PetscCall(PetscArrayzero(opt->xt, n));
  for (int k = 0; k < 2; k++)
    if (opt->gw[k]) PetscCall(PetscArrayzero(opt->gw[k], n));
  ResetScalars(opt);
  PetscFunctionReturn(0);
}

double PhynnOptimScheduledRate(PhynnOptimizer opt, long it)
{
  switch (opt->schedule) {
  case PHYNN_SCHEDULE_STEP: /* lr0 gamma^floor(it/steps) */
    return opt->lr0 * pow(opt->lr_decay, (double)(it / opt->lr_decay_steps));
  case PHYNN_SCHEDULE_EXPONENTIAL: /* lr0 gamma^(it/steps) */
    return opt->lr0 * pow(opt->lr_decay, (double)it / (double)opt->lr_decay_steps);
  case PHYNN_SCHEDULE_CONSTANT:
  default:
    return opt->lr0;
  }
}

double PhynnOptimizerCurrentLearningRate(PhynnOptimizer opt) { return opt ? PhynnOptimScheduledRate(opt, opt->it) : 0; }

double PhynnOptimDot(long n, const double *x, const double *y)
{
  /* Four partial sums in a fixed order: the result depends only on the data (not on the BLAS
   * build, CPU or thread count), so every rank computes bitwise the same step, and the four
   * independent chains run about four times faster than one. */
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  long   i;
  for (i = 0; i + 3 < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; i++) s0 += x[i] * y[i];
  return (s0 + s1) + (s2 + s3);
}

PetscErrorCode PhynnOptimizerStep(PhynnOptimizer opt, double *theta, PhynnObjectiveFn fn, void *ctx, double *loss, PetscBool *converged)
{
  PetscBool conv = PETSC_FALSE;
  double    f    = 0;

  PetscFunctionBegin;
  PetscCheck(opt, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerStep: opt is NULL; create it with PhynnOptimizerCreate first");
  PetscCheck(theta && fn, opt->comm, PETSC_ERR_ARG_NULL, "PhynnOptimizerStep: theta or the objective function is NULL; pass the parameter array and an objective");
  PetscCall(PhynnOptimizerSetUp(opt));
  switch (opt->type) {
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
  case PHYNN_OPTIM_MOMENTUM:
  case PHYNN_OPTIM_NESTEROV:
    PetscCall(PhynnOptimStepFirstOrder(opt, theta, fn, ctx, &f));
    break;
  case PHYNN_OPTIM_ADAM:
    PetscCall(PhynnOptimStepAdam(opt, theta, fn, ctx, &f));
    break;
  case PHYNN_OPTIM_LBFGS:
    PetscCall(PhynnOptimStepLBFGS(opt, theta, fn, ctx, &f, &conv));
    break;
  }
  opt->it++;
  if (loss) *loss = f;
  if (converged) *converged = conv;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerGetType(PhynnOptimizer opt, PhynnOptimType *type)
{
  PetscFunctionBegin;
  PetscCheck(opt && type, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerGetType: NULL argument; pass a created optimiser and an output address");
  *type = opt->type;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerGetIteration(PhynnOptimizer opt, long *it)
{
  PetscFunctionBegin;
  PetscCheck(opt && it, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerGetIteration: NULL argument; pass a created optimiser and an output address");
  *it = opt->it;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerGetEvaluations(PhynnOptimizer opt, long *nfev)
{
  PetscFunctionBegin;
  PetscCheck(opt && nfev, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerGetEvaluations: NULL argument; pass a created optimiser and an output address");
  *nfev = opt->nfev;
  PetscFunctionReturn(0);
}

/* Doubles in the state for the current settings (type, n, lbfgs_history). */
static long StateSize(PhynnOptimizer opt)
{
  long n = opt->n, m = opt->lbfgs_m;
  switch (opt->type) {
  case PHYNN_OPTIM_MOMENTUM:
  case PHYNN_OPTIM_NESTEROV:
    return OPTIM_STATE_HEADER + n; /* v */
  case PHYNN_OPTIM_ADAM:
    return OPTIM_STATE_HEADER + 2 + 2 * n; /* beta1^t, beta2^t, m, v */
  case PHYNN_OPTIM_LBFGS:
    return OPTIM_STATE_HEADER + OPTIM_LBFGS_SCALARS + 2 * m * n + m + 2 * n; /* scalars, S, Y, rho, x0, g0 */
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
  default:
    return OPTIM_STATE_HEADER;
  }
}

PetscErrorCode PhynnOptimizerGetStateSize(PhynnOptimizer opt, long *size)
{
  PetscFunctionBegin;
  PetscCheck(opt && size, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerGetStateSize: NULL argument; pass a created optimiser and an output address");
  *size = StateSize(opt);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerGetState(PhynnOptimizer opt, double *state)
{
  long    n, m;
  double *p;

  PetscFunctionBegin;
  PetscCheck(opt && state, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerGetState: NULL argument; pass a created optimiser and an array of GetStateSize doubles");
  PetscCall(PhynnOptimizerSetUp(opt));
  n    = opt->n;
  m    = opt->lbfgs_m;
  p    = state;
  *p++ = OPTIM_STATE_TAG;
  *p++ = (double)opt->type;
  *p++ = (double)n;
  *p++ = (double)opt->it;
  *p++ = (double)opt->nfev;
  switch (opt->type) {
  case PHYNN_OPTIM_MOMENTUM:
  case PHYNN_OPTIM_NESTEROV:
    PetscCall(PetscArraycpy(p, opt->vel, n));
    break;
  case PHYNN_OPTIM_ADAM:
    *p++ = opt->beta1_pow;
    *p++ = opt->beta2_pow;
    PetscCall(PetscArraycpy(p, opt->vel, n));
    PetscCall(PetscArraycpy(p + n, opt->sq, n));
    break;
  case PHYNN_OPTIM_LBFGS:
    *p++ = (double)m;
    *p++ = (double)opt->hist_len;
    *p++ = (double)opt->hist_next;
    *p++ = opt->gamma;
    *p++ = opt->have_cache ? 1.0 : 0.0;
    *p++ = opt->f0;
    PetscCall(PetscArraycpy(p, opt->S, m * n));
    p += m * n;
    PetscCall(PetscArraycpy(p, opt->Y, m * n));
    p += m * n;
    PetscCall(PetscArraycpy(p, opt->rho, m));
    p += m;
    PetscCall(PetscArraycpy(p, opt->x0, n));
    PetscCall(PetscArraycpy(p + n, opt->g0, n));
    break;
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
    break;
  }
  PetscFunctionReturn(0);
}

/* A non-negative integer stored as a double, below `bound` */
static PetscBool StateCount(double v, double bound) { return v >= 0 && v < bound && v == floor(v); }

PetscErrorCode PhynnOptimizerSetState(PhynnOptimizer opt, const double *state, long size)
{
  long          n, m, want;
  const double *p;
  MPI_Comm      comm;

  PetscFunctionBegin;
  PetscCheck(opt && state, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnOptimizerSetState: NULL argument; pass a created optimiser and a state from PhynnOptimizerGetState");
  comm = opt->comm;
  n    = opt->n;
  m    = opt->lbfgs_m;
  want = StateSize(opt);
  PetscCheck(size >= OPTIM_STATE_HEADER && state[0] == OPTIM_STATE_TAG, comm, PHYNN_ERR_INPUT,
             "PhynnOptimizerSetState: the array (%ld doubles) is not an optimiser state of this phynn version; restore a state written by PhynnOptimizerGetState", size);
  PetscCheck(state[1] == (double)opt->type, comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetState: the state is of a '%s' optimiser but this one is '%s'; set the same -optimizer as the run that saved it",
             StateCount(state[1], PHYNN_OPTIM_LBFGS + 1) ? PhynnOptimTypes[(int)state[1]] : "unknown", PhynnOptimTypes[opt->type]);
  PetscCheck(state[2] == (double)n, comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetState: the state is for %.0f parameters but this optimiser has %ld; restore into a model of the same size", state[2], n);
  PetscCheck(opt->type != PHYNN_OPTIM_LBFGS || size < OPTIM_STATE_HEADER + 1 || state[OPTIM_STATE_HEADER] == (double)m, comm, PHYNN_ERR_INPUT,
             "PhynnOptimizerSetState: the state holds an L-BFGS history of %.0f pairs but this optimiser keeps %ld; set -lbfgs_history %.0f", state[OPTIM_STATE_HEADER], m, state[OPTIM_STATE_HEADER]);
  PetscCheck(size == want, comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetState: the state has %ld doubles but a '%s' optimiser of %ld parameters needs %ld; restore the array GetState wrote, whole", size,
             PhynnOptimTypes[opt->type], n, want);
  PetscCheck(StateCount(state[3], 9.0e15) && StateCount(state[4], 9.0e15), comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetState: corrupt counters (iteration %g, evaluations %g); restore an unmodified state", state[3], state[4]);
  PetscCall(PhynnOptimizerSetUp(opt));
  p          = state + OPTIM_STATE_HEADER;
  opt->it    = (long)state[3];
  opt->nfev  = (long)state[4];
  switch (opt->type) {
  case PHYNN_OPTIM_MOMENTUM:
  case PHYNN_OPTIM_NESTEROV:
    PetscCall(PetscArraycpy(opt->vel, p, n));
    break;
  case PHYNN_OPTIM_ADAM:
    opt->beta1_pow = p[0];
    opt->beta2_pow = p[1];
    PetscCall(PetscArraycpy(opt->vel, p + 2, n));
    PetscCall(PetscArraycpy(opt->sq, p + 2 + n, n));
    break;
  case PHYNN_OPTIM_LBFGS:
    PetscCheck(StateCount(p[1], (double)m + 1) && StateCount(p[2], (double)m), comm, PHYNN_ERR_INPUT, "PhynnOptimizerSetState: corrupt L-BFGS ring position (%g pairs, next slot %g); restore an unmodified state",
               p[1], p[2]);
    opt->hist_len   = (long)p[1];
    opt->hist_next  = (long)p[2];
    opt->gamma      = p[3];
    opt->have_cache = p[4] != 0 ? PETSC_TRUE : PETSC_FALSE;
    opt->f0         = p[5];
    p += OPTIM_LBFGS_SCALARS;
    PetscCall(PetscArraycpy(opt->S, p, m * n));
    p += m * n;
    PetscCall(PetscArraycpy(opt->Y, p, m * n));
    p += m * n;
    PetscCall(PetscArraycpy(opt->rho, p, m));
    p += m;
    PetscCall(PetscArraycpy(opt->x0, p, n));
    PetscCall(PetscArraycpy(opt->g0, p + n, n));
    break;
  case PHYNN_OPTIM_GD:
  case PHYNN_OPTIM_SGD:
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptimizerDestroy(PhynnOptimizer *opt)
{
  PetscFunctionBegin;
  if (!opt || !*opt) PetscFunctionReturn(0);
  PetscCall(FreeWork(*opt));
  PetscCall(PetscFree(*opt));
  *opt = NULL;
  PetscFunctionReturn(0);
}
