/* The optimisers, one behaviour per case: `test_optim CASE` (cases listed in main_body).
 *
 * Problems: the convex quadratic f = 1/2 x^T A x - b^T x + c with A = diag(1, 3.25, 5.5, 7.75, 10)
 * (condition number 10), minimiser x* = A^-1 b, computed as 1/2 sum a_i (x_i - x*_i)^2 (c makes
 * f* = 0, so near x* the loss is not lost in roundoff of an O(1) constant); and the chained Rosenbrock function
 * f = sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimiser (1, ..., 1).
 * Expected iterates are computed here by independent code (closed forms, matrix powers). */
#include <string.h>

#include "phynn/optim.h"
#include "phynn/options.h"
#include "phynn_test.h"

#define NQ 5
static const double qa[NQ] = {1, 3.25, 5.5, 7.75, 10};
static const double qb[NQ] = {1, -2, 0.5, 3, -1};
static const double qx0[NQ] = {0.3, 0.7, -1.1, 0.2, 0.9};

typedef enum { PROB_QUADRATIC, PROB_ROSENBROCK, PROB_LINEAR } ProblemKind;

/* The objective's context. It also records every evaluation (point, loss, gradient) so that the
 * Wolfe test can look up the point a step accepted. */
typedef struct {
  ProblemKind kind;
  long        n;
  long        nev;
  double      last_loss;
  int         record, nrec;
  double      rec_x[64][16], rec_f[64], rec_g[64][16];
} Problem;

static PetscErrorCode Objective(void *ctx, const double *x, double *loss, double *grad)
{
  Problem *p = (Problem *)ctx;
  long     n = p->n;
  double   f = 0;

  PetscFunctionBegin;
  switch (p->kind) {
  case PROB_QUADRATIC:
    for (long i = 0; i < n; i++) { /* 1/2 a (x - x*)^2: f* = 0, so f resolves x near x* */
      double e = x[i] - qb[i] / qa[i];
      f += 0.5 * qa[i] * e * e;
      grad[i] = qa[i] * e;
    }
    break;
  case PROB_ROSENBROCK:
    for (long i = 0; i < n; i++) grad[i] = 0;
    for (long i = 0; i + 1 < n; i++) {
      double r = x[i + 1] - x[i] * x[i], s = 1 - x[i];
      f += 100 * r * r + s * s;
      grad[i] += -400 * x[i] * r - 2 * s;
      grad[i + 1] += 200 * r;
    }
    break;
  case PROB_LINEAR: /* f = sum x: gradient 1, so gd moves every component by exactly -lr */
    for (long i = 0; i < n; i++) {
      f += x[i];
      grad[i] = 1;
    }
    break;
  }
  *loss = f;
  p->nev++;
  p->last_loss = f;
  if (p->record && p->nrec < 64 && n <= 16) {
    memcpy(p->rec_x[p->nrec], x, (size_t)n * sizeof(double));
    memcpy(p->rec_g[p->nrec], grad, (size_t)n * sizeof(double));
    p->rec_f[p->nrec] = f;
    p->nrec++;
  }
  PetscFunctionReturn(0);
}

static double QuadLoss(const double *x)
{
  double f = 0;
  for (int i = 0; i < NQ; i++) f += 0.5 * qa[i] * (x[i] - qb[i] / qa[i]) * (x[i] - qb[i] / qa[i]);
  return f;
}

/* Creates an optimiser of n parameters configured from the options database (set first). */
static PetscErrorCode MakeOptimizer(MPI_Comm comm, long n, const char *type, PhynnOptimizer *opt)
{
  PetscFunctionBegin;
  if (type) PetscCall(PetscOptionsSetValue(NULL, "-optimizer", type));
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnOptimizerCreate(comm, n, opt));
  PetscCall(PhynnOptimizerSetFromOptions(*opt, ""));
  PetscCall(PhynnOptimizerSetUp(*opt));
  PetscCall(PhynnOptionsEnd());
  PetscFunctionReturn(0);
}

/* 2x2 matrix power by repeated squaring: independent of the optimiser's step-by-step loop. */
static void MatPow2(double M[2][2], int k, double P[2][2])
{
  double B[2][2] = {{M[0][0], M[0][1]}, {M[1][0], M[1][1]}}, T[2][2];
  P[0][0] = 1, P[0][1] = 0, P[1][0] = 0, P[1][1] = 1;
  while (k > 0) {
    if (k & 1) {
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) T[i][j] = P[i][0] * B[0][j] + P[i][1] * B[1][j];
      memcpy(P, T, sizeof(T));
    }
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) T[i][j] = B[i][0] * B[0][j] + B[i][1] * B[1][j];
    memcpy(B, T, sizeof(T));
    k >>= 1;
  }
}

/* gd/momentum/nesterov on the quadratic: K steps against the expected iterate, the reported
 * loss, then convergence to A^-1 b. Per component with e = x - x*, (v, e) evolves linearly:
 *   momentum: v' = mu v + a e,              e' = e - lr v'
 *   nesterov: v' = mu (1 - lr a) v + a e,   e' = e - lr v'   (gradient at e - lr mu v). */
static PetscErrorCode FirstOrderOnQuadratic(MPI_Comm comm, const char *type, double lr, double mu)
{
  PhynnOptimizer opt;
  Problem        prob = {PROB_QUADRATIC, NQ, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  double         x[NQ], loss, err = 0, want[NQ];
  const int      K = 40;
  char           lrs[32], mus[32];
  PetscBool      conv;
  PhynnOptimType t;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(lrs, sizeof(lrs), "%.17g", lr));
  PetscCall(PetscSNPrintf(mus, sizeof(mus), "%.17g", mu));
  PetscCall(PetscOptionsSetValue(NULL, "-lr", lrs));
  PetscCall(PetscOptionsSetValue(NULL, "-momentum", mus));
  PetscCall(MakeOptimizer(comm, NQ, type, &opt));
  PetscCall(PhynnOptimizerGetType(opt, &t));
  CHECK(!strcmp(PhynnOptimTypes[t], type), "type %s, want %s", PhynnOptimTypes[t], type);
  memcpy(x, qx0, sizeof(x));
  for (int k = 0; k < K; k++) {
    double before = QuadLoss(x);
    PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, &conv));
    CHECK(!conv, "%s: converged flag set by a first-order method", type);
    /* gd/momentum report the loss at the start point; nesterov the look-ahead loss it evaluated */
    if (t == PHYNN_OPTIM_NESTEROV) CHECK(loss == prob.last_loss, "nesterov step %d: loss %.17g is not the evaluated %.17g", k, loss, prob.last_loss);
    else CHECK(loss == before, "%s step %d: loss %.17g, want the start loss %.17g", type, k, loss, before);
  }
  for (int i = 0; i < NQ; i++) {
    double a = qa[i], xs = qb[i] / a, e0 = qx0[i] - xs;
    if (t == PHYNN_OPTIM_GD || t == PHYNN_OPTIM_SGD) want[i] = xs + pow(1 - lr * a, K) * e0; /* closed form */
    else {
      double M[2][2], P[2][2];
      if (t == PHYNN_OPTIM_MOMENTUM) {
        M[0][0] = mu, M[0][1] = a, M[1][0] = -lr * mu, M[1][1] = 1 - lr * a;
      } else {
        M[0][0] = mu * (1 - lr * a), M[0][1] = a, M[1][0] = -lr * mu * (1 - lr * a), M[1][1] = 1 - lr * a;
      }
      MatPow2(M, K, P);
      want[i] = xs + P[1][1] * e0; /* v0 = 0 */
    }
    err = PetscMax(err, fabs(x[i] - want[i]));
  }
  CHECK_CLOSE("max |x_K - expected iterate| after 40 steps", err, 0, 0, 1e-12);
  for (int k = K; k < 3000; k++) PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, NULL));
  err = 0;
  for (int i = 0; i < NQ; i++) err = PetscMax(err, fabs(x[i] - qb[i] / qa[i]));
  CHECK_CLOSE("max |x - A^-1 b| after 3000 steps", err, 0, 0, 1e-6);
  long it, nfev;
  PetscCall(PhynnOptimizerGetIteration(opt, &it));
  PetscCall(PhynnOptimizerGetEvaluations(opt, &nfev));
  CHECK(it == 3000 && nfev == 3000 && prob.nev == 3000, "counters: it %ld, nfev %ld, objective calls %ld; want 3000 each", it, nfev, prob.nev);
  PetscCall(PhynnOptimizerDestroy(&opt));
  CHECK(opt == NULL, "Destroy did not null the handle");
  PetscFunctionReturn(0);
}

static PetscErrorCode TestSgdEqualsGd(MPI_Comm comm)
{
  PhynnOptimizer a, b;
  Problem        prob = {PROB_QUADRATIC, NQ, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  double         xa[NQ], xb[NQ], loss;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "0.1"));
  PetscCall(MakeOptimizer(comm, NQ, "gd", &a));
  PetscCall(MakeOptimizer(comm, NQ, "sgd", &b));
  memcpy(xa, qx0, sizeof(xa));
  memcpy(xb, qx0, sizeof(xb));
  for (int k = 0; k < 25; k++) {
    PetscCall(PhynnOptimizerStep(a, xa, Objective, &prob, &loss, NULL));
    PetscCall(PhynnOptimizerStep(b, xb, Objective, &prob, &loss, NULL));
  }
  CHECK(!memcmp(xa, xb, sizeof(xa)), "sgd and gd differ on the same objective");
  if (!memcmp(xa, xb, sizeof(xa))) PetscCall(PhynnPrintf(comm, "ok   sgd and gd take bitwise the same 25 steps\n"));
  PetscCall(PhynnOptimizerDestroy(&a));
  PetscCall(PhynnOptimizerDestroy(&b));
  PetscFunctionReturn(0);
}

/* First Adam step with bias correction: theta - lr g/(|g| + eps) = theta - lr sign(g) up to
 * lr eps/|g| (eps = 1e-14 here, so 1e-15). */
static PetscErrorCode TestAdamFirstStep(MPI_Comm comm)
{
  PhynnOptimizer opt;
  Problem        prob = {PROB_QUADRATIC, NQ, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  double         x[NQ], loss, err = 0, lr = 0.1;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "0.1"));
  PetscCall(PetscOptionsSetValue(NULL, "-adam_eps", "1e-14"));
  PetscCall(MakeOptimizer(comm, NQ, "adam", &opt));
  memcpy(x, qx0, sizeof(x));
  PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, NULL));
  for (int i = 0; i < NQ; i++) {
    double g = qa[i] * (qx0[i] - qb[i] / qa[i]);
    err      = PetscMax(err, fabs((x[i] - qx0[i]) - (-lr * (g > 0 ? 1 : -1))));
  }
  CHECK_CLOSE("max |first Adam step + lr sign(g)|", err, 0, 0, 1e-12);
  CHECK_CLOSE("reported loss = loss at the start point", loss, QuadLoss(qx0), 0, 0);
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* Adam with an exponentially decaying rate (lr 0.05, halved every 400 steps) on the quadratic. */
static PetscErrorCode TestAdamConverges(MPI_Comm comm)
{
  PhynnOptimizer opt;
  Problem        prob = {PROB_QUADRATIC, NQ, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  double         x[NQ], loss, err = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "0.05"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_schedule", "exponential"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_decay_steps", "400"));
  PetscCall(MakeOptimizer(comm, NQ, "adam", &opt));
  memcpy(x, qx0, sizeof(x));
  for (int k = 0; k < 8000; k++) PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, NULL));
  for (int i = 0; i < NQ; i++) err = PetscMax(err, fabs(x[i] - qb[i] / qa[i]));
  CHECK_CLOSE("Adam: max |x - A^-1 b| after 8000 steps", err, 0, 0, 1e-6);
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* Strong Wolfe at the accepted point of one L-BFGS step, from the recorded evaluations:
 * with s = x_new - x_old, f_new <= f_old + c1 g_old.s and |g_new.s| <= c2 |g_old.s|. */
static int WolfeHolds(const Problem *p, const double *xold, double fold, const double *gold, const double *xnew, double c1, double c2, double *slope_ratio)
{
  long   n = p->n;
  double gs0 = 0, gs1 = 0;
  int    k;
  for (k = p->nrec - 1; k >= 0; k--)
    if (!memcmp(p->rec_x[k], xnew, (size_t)n * sizeof(double))) break;
  if (k < 0) return 0; /* the accepted point was never evaluated */
  for (long i = 0; i < n; i++) {
    gs0 += gold[i] * (xnew[i] - xold[i]);
    gs1 += p->rec_g[k][i] * (xnew[i] - xold[i]);
  }
  *slope_ratio = fabs(gs1) / fabs(gs0);
  return gs0 < 0 && p->rec_f[k] <= fold + c1 * gs0 && fabs(gs1) <= c2 * fabs(gs0);
}

/* L-BFGS on Rosenbrock from (-1.2, 1, -1.2, 1, ...): the minimum (1, ..., 1) within 1e-8 in
 * fewer than 100 iterations, with the converged flag raised. */
static PetscErrorCode TestLbfgsRosenbrock(MPI_Comm comm, long n)
{
  PhynnOptimizer opt;
  Problem        prob = {PROB_ROSENBROCK, n, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  double         x[16], loss = 0, err = 0;
  PetscBool      conv = PETSC_FALSE;
  long           it, nfev;
  char           what[128];

  PetscFunctionBegin;
  PetscCall(MakeOptimizer(comm, n, "lbfgs", &opt));
  for (long i = 0; i < n; i++) x[i] = i % 2 ? 1.0 : -1.2;
  for (int k = 0; k < 100 && !conv; k++) PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, &conv));
  PetscCall(PhynnOptimizerGetIteration(opt, &it));
  PetscCall(PhynnOptimizerGetEvaluations(opt, &nfev));
  for (long i = 0; i < n; i++) err = PetscMax(err, fabs(x[i] - 1));
  PetscCall(PetscSNPrintf(what, sizeof(what), "Rosenbrock %ldD: max |x - 1| (%ld iterations, %ld evaluations)", n, it, nfev));
  CHECK_CLOSE(what, err, 0, 0, 1e-8);
  CHECK(conv && it < 100, "Rosenbrock %ldD: converged %d after %ld iterations; want convergence in < 100", n, (int)conv, it);
  CHECK(nfev == prob.nev, "evaluation counter %ld, objective called %ld times", nfev, prob.nev);
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* L-BFGS on the quadratic: every accepted step satisfies the strong Wolfe conditions, with the
 * default c2 = 0.9 and with a tight c2 = 0.1; the iteration reaches A^-1 b to 1e-10. */
static PetscErrorCode TestLbfgsWolfe(MPI_Comm comm)
{
  const char *c2s[2] = {"0.9", "0.1"};

  PetscFunctionBegin;
  for (int r = 0; r < 2; r++) {
    PhynnOptimizer opt;
    Problem        prob = {PROB_QUADRATIC, NQ, 0, 0, 1, 0, {{0}}, {0}, {{0}}};
    double         x[NQ], xold[NQ], gold[NQ], fold, loss, ratio = 0, worst = 0, err = 0;
    PetscBool      conv = PETSC_FALSE;
    int            steps = 0, bad = 0;

    PetscCall(PetscOptionsSetValue(NULL, "-lbfgs_c2", c2s[r]));
    PetscCall(MakeOptimizer(comm, NQ, "lbfgs", &opt));
    memcpy(x, qx0, sizeof(x));
    while (!conv && steps < 50) {
      memcpy(xold, x, sizeof(x));
      prob.nrec = 0;
      fold      = QuadLoss(xold);
      for (int i = 0; i < NQ; i++) gold[i] = qa[i] * (xold[i] - qb[i] / qa[i]);
      PetscCall(PhynnOptimizerStep(opt, x, Objective, &prob, &loss, &conv));
      steps++;
      if (!memcmp(x, xold, sizeof(x))) continue; /* converged without a step */
      if (!WolfeHolds(&prob, xold, fold, gold, x, 1e-4, atof(c2s[r]), &ratio)) bad++;
      worst = PetscMax(worst, ratio);
    }
    for (int i = 0; i < NQ; i++) err = PetscMax(err, fabs(x[i] - qb[i] / qa[i]));
    CHECK(bad == 0, "c2 = %s: %d of %d accepted steps violate the strong Wolfe conditions", c2s[r], bad, steps);
    if (!bad) PetscCall(PhynnPrintf(comm, "ok   c2 = %s: strong Wolfe holds at all %d steps (largest |g_new.s|/|g_old.s| = %.3g)\n", c2s[r], steps, worst));
    CHECK(conv, "c2 = %s: no convergence in 50 steps", c2s[r]);
    CHECK_CLOSE("L-BFGS on the quadratic: max |x - A^-1 b|", err, 0, 0, 1e-10);
    PetscCall(PhynnOptimizerDestroy(&opt));
  }
  PetscFunctionReturn(0);
}

/* Schedules: lr0 = 0.1, gamma = 0.5, 10 steps per factor. The rate CurrentLearningRate reports
 * at chosen iterations, and the rate a step actually uses (gd on f = sum x from x = 0 moves by
 * exactly -lr). */
static PetscErrorCode TestSchedule(MPI_Comm comm, const char *schedule)
{
  PhynnOptimizer opt;
  Problem        prob = {PROB_LINEAR, 1, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  const long     at[] = {0, 5, 9, 10, 25, 100};
  const double   r    = sqrt(0.5); /* gamma^(1/2) */
  double         want_step[] = {0.1, 0.1, 0.1, 0.05, 0.025, 0.1 / 1024};
  double         want_exp[]  = {0.1, 0.1 * r, 0.1 * pow(0.5, 0.9), 0.05, 0.025 * r, 0.1 / 1024};
  const double  *want        = !strcmp(schedule, "step") ? want_step : want_exp;
  double         x, loss;
  long           it = 0;
  char           what[96];

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "0.1"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_schedule", schedule));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_decay", "0.5"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_decay_steps", "10"));
  PetscCall(MakeOptimizer(comm, 1, "gd", &opt));
  for (int k = 0; k < 6; k++) {
    while (it < at[k]) {
      x = 0;
      PetscCall(PhynnOptimizerStep(opt, &x, Objective, &prob, &loss, NULL));
      it++;
    }
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s schedule: lr at iteration %ld", schedule, at[k]));
    CHECK_CLOSE(what, PhynnOptimizerCurrentLearningRate(opt), want[k], 1e-15, 0);
    x = 0;
    PetscCall(PhynnOptimizerStep(opt, &x, Objective, &prob, &loss, NULL));
    it++;
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s schedule: step taken at iteration %ld", schedule, at[k]));
    CHECK_CLOSE(what, -x, want[k], 1e-15, 0);
  }
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* Checkpoint round trip: 10 steps, save, 10 more; a fresh optimiser with the same settings,
 * restored from the save, redoes the last 10 steps bitwise (theta, loss and counters). */
static PetscErrorCode TestState(MPI_Comm comm, const char *type)
{
  const long     n    = 10;
  Problem        prob = {PROB_ROSENBROCK, n, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  PhynnOptimizer a, b, c;
  double         x[16], xsave[16], xa[16], xb[16], xc[16], la = 0, lb = 0, *state;
  long           size, ita, itb, fa, fb;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "1e-3"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_schedule", "exponential"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr_decay_steps", "7"));
  PetscCall(PetscOptionsSetValue(NULL, "-lbfgs_history", "5")); /* the ring wraps within 20 steps */
  PetscCall(MakeOptimizer(comm, n, type, &a));
  for (long i = 0; i < n; i++) x[i] = i % 2 ? 1.0 : -1.2;
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(a, x, Objective, &prob, &la, NULL));
  PetscCall(PhynnOptimizerGetStateSize(a, &size));
  PetscCall(PetscMalloc1(size, &state));
  PetscCall(PhynnOptimizerGetState(a, state));
  memcpy(xsave, x, sizeof(x));
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(a, x, Objective, &prob, &la, NULL));
  memcpy(xa, x, sizeof(x));
  PetscCall(PhynnOptimizerGetIteration(a, &ita));
  PetscCall(PhynnOptimizerGetEvaluations(a, &fa));

  PetscCall(MakeOptimizer(comm, n, type, &b));
  PetscCall(PhynnOptimizerSetState(b, state, size));
  memcpy(xb, xsave, sizeof(x));
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(b, xb, Objective, &prob, &lb, NULL));
  PetscCall(PhynnOptimizerGetIteration(b, &itb));
  PetscCall(PhynnOptimizerGetEvaluations(b, &fb));
  CHECK(!memcmp(xa, xb, (size_t)n * sizeof(double)), "%s: restored run differs from the original (x0 %.17g vs %.17g)", type, xa[0], xb[0]);
  CHECK(la == lb, "%s: last loss %.17g vs restored %.17g", type, la, lb);
  CHECK(ita == 20 && itb == 20 && fa == fb, "%s: counters it %ld/%ld, nfev %ld/%ld", type, ita, itb, fa, fb);
  if (!memcmp(xa, xb, (size_t)n * sizeof(double)) && la == lb) PetscCall(PhynnPrintf(comm, "ok   %s: restored state (%ld doubles) redoes steps 11-20 bitwise (loss %.17g)\n", type, size, lb));

  /* The state matters: without it the same 10 steps from the same theta go elsewhere. */
  PetscCall(MakeOptimizer(comm, n, type, &c));
  memcpy(xc, xsave, sizeof(x));
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(c, xc, Objective, &prob, &lb, NULL));
  CHECK(memcmp(xa, xc, (size_t)n * sizeof(double)), "%s: a fresh optimiser without the state took the same steps: the test proves nothing", type);
  PetscCall(PetscFree(state));
  PetscCall(PhynnOptimizerDestroy(&a));
  PetscCall(PhynnOptimizerDestroy(&b));
  PetscCall(PhynnOptimizerDestroy(&c));
  PetscFunctionReturn(0);
}

/* Reset: 10 steps on Rosenbrock, PhynnOptimizerReset, then the state equals a fresh optimiser's
 * entry for entry except the counters (header entries 3 and 4), and 10 more steps from the same
 * theta are bitwise those of the fresh optimiser (constant learning rate, so the kept iteration
 * counter does not change the step). The control: without the reset the 10 steps differ. */
static PetscErrorCode TestReset(MPI_Comm comm, const char *type)
{
  const long     n    = 10;
  Problem        prob = {PROB_ROSENBROCK, n, 0, 0, 0, 0, {{0}}, {0}, {{0}}};
  PhynnOptimizer a, fresh, noreset;
  double         x[16], xa[16], xf[16], xn[16], la = 0, lf = 0, *sa, *sf;
  long           size, sizef, it;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "1e-3"));
  PetscCall(PetscOptionsSetValue(NULL, "-lbfgs_history", "5"));
  PetscCall(MakeOptimizer(comm, n, type, &a));
  PetscCall(MakeOptimizer(comm, n, type, &noreset));
  for (long i = 0; i < n; i++) x[i] = i % 2 ? 1.0 : -1.2;
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(a, x, Objective, &prob, &la, NULL));
  memcpy(xn, x, sizeof(x));
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(noreset, xn, Objective, &prob, &la, NULL)); /* same state as a */
  PetscCall(PhynnOptimizerReset(a));
  PetscCall(PhynnOptimizerGetIteration(a, &it));
  CHECK(it == 10, "%s: reset changed the iteration counter to %ld (want 10)", type, it);
  PetscCall(MakeOptimizer(comm, n, type, &fresh));
  PetscCall(PhynnOptimizerGetStateSize(a, &size));
  PetscCall(PhynnOptimizerGetStateSize(fresh, &sizef));
  CHECK(size == sizef, "%s: state sizes %ld and %ld", type, size, sizef);
  PetscCall(PetscMalloc2(size, &sa, size, &sf));
  PetscCall(PhynnOptimizerGetState(a, sa));
  PetscCall(PhynnOptimizerGetState(fresh, sf));
  sa[3] = sf[3] = sa[4] = sf[4] = 0; /* the counters are kept on purpose */
  CHECK(!memcmp(sa, sf, (size_t)size * sizeof(double)), "%s: the state after a reset is not a fresh optimiser's", type);
  memcpy(xa, x, sizeof(x));
  memcpy(xf, x, sizeof(x));
  for (int k = 0; k < 10; k++) {
    PetscCall(PhynnOptimizerStep(a, xa, Objective, &prob, &la, NULL));
    PetscCall(PhynnOptimizerStep(fresh, xf, Objective, &prob, &lf, NULL));
  }
  CHECK(!memcmp(xa, xf, (size_t)n * sizeof(double)) && la == lf, "%s: after a reset the steps differ from a fresh optimiser's (x0 %.17g vs %.17g)", type, xa[0], xf[0]);
  for (int k = 0; k < 10; k++) PetscCall(PhynnOptimizerStep(noreset, xn, Objective, &prob, &lf, NULL));
  CHECK(memcmp(xa, xn, (size_t)n * sizeof(double)), "%s: the steps without a reset are the same: the test proves nothing", type);
  if (!memcmp(xa, xf, (size_t)n * sizeof(double)) && memcmp(xa, xn, (size_t)n * sizeof(double)))
    PetscCall(PhynnPrintf(comm, "ok   %s: after a reset the state (%ld doubles) and 10 steps (loss %.17g) are bitwise a fresh optimiser's\n", type, size, la));
  PetscCall(PetscFree2(sa, sf));
  PetscCall(PhynnOptimizerDestroy(&a));
  PetscCall(PhynnOptimizerDestroy(&fresh));
  PetscCall(PhynnOptimizerDestroy(&noreset));
  PetscFunctionReturn(0);
}

/* An error handler that keeps the first message, so tests can assert on it. */
static char last_error[1024];
static PetscErrorCode KeepMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(last_error, sizeof(last_error), "%s", mess);
  return n;
}

static PetscErrorCode TestStateMismatch(MPI_Comm comm)
{
  PhynnOptimizer a, b;
  double        *state;
  long           size;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(MakeOptimizer(comm, 4, "adam", &a));
  PetscCall(PhynnOptimizerGetStateSize(a, &size));
  CHECK(size == 5 + 2 + 2 * 4, "adam state of 4 parameters has %ld doubles", size);
  PetscCall(PetscMalloc1(size, &state));
  PetscCall(PhynnOptimizerGetState(a, state));
  PetscCall(PetscPushErrorHandler(KeepMessage, NULL));
  last_error[0] = 0;
  ierr          = PhynnOptimizerSetState(a, state, size - 1);
  CHECK(ierr != 0 && strstr(last_error, "doubles"), "short state: error %d, message '%s'", (int)ierr, last_error);
  if (ierr) PetscCall(PhynnPrintf(comm, "ok   short state rejected: %s\n", last_error));
  PetscCall(PetscOptionsSetValue(NULL, "-optimizer", "momentum"));
  PetscCall(MakeOptimizer(comm, 4, NULL, &b));
  last_error[0] = 0;
  ierr          = PhynnOptimizerSetState(b, state, size);
  CHECK(ierr != 0 && strstr(last_error, "adam"), "adam state into momentum: error %d, message '%s'", (int)ierr, last_error);
  if (ierr) PetscCall(PhynnPrintf(comm, "ok   wrong type rejected: %s\n", last_error));
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscFree(state));
  PetscCall(PhynnOptimizerDestroy(&a));
  PetscCall(PhynnOptimizerDestroy(&b));
  PetscFunctionReturn(0);
}

/* Good options are read (with a prefix), and SetType before SetFromOptions sets the default. */
static PetscErrorCode TestOptions(MPI_Comm comm)
{
  PhynnOptimizer opt;
  PhynnOptimType t;

  PetscFunctionBegin;
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnOptimizerCreate(comm, 3, &opt));
  PetscCall(PhynnOptimizerGetType(opt, &t));
  CHECK(t == PHYNN_OPTIM_ADAM, "default type %s, want adam", PhynnOptimTypes[t]);
  CHECK_CLOSE("default lr", PhynnOptimizerCurrentLearningRate(opt), 1e-3, 0, 0);
  PetscCall(PhynnOptimizerSetType(opt, PHYNN_OPTIM_NESTEROV));
  PetscCall(PhynnOptimizerSetLearningRate(opt, 0.25));
  PetscCall(PhynnOptimizerSetFromOptions(opt, ""));
  PetscCall(PhynnOptimizerGetType(opt, &t));
  CHECK(t == PHYNN_OPTIM_NESTEROV, "SetType(nesterov) then SetFromOptions without -optimizer gave %s", PhynnOptimTypes[t]);
  CHECK_CLOSE("SetLearningRate survives SetFromOptions without -lr", PhynnOptimizerCurrentLearningRate(opt), 0.25, 0, 0);
  PetscCall(PetscOptionsSetValue(NULL, "-pre_optimizer", "lbfgs"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_lr", "0.5"));
  PetscCall(PhynnOptimizerSetFromOptions(opt, "pre_"));
  PetscCall(PhynnOptimizerGetType(opt, &t));
  CHECK(t == PHYNN_OPTIM_LBFGS, "-pre_optimizer lbfgs with prefix pre_ gave %s", PhynnOptimTypes[t]);
  CHECK_CLOSE("-pre_lr 0.5 with prefix pre_", PhynnOptimizerCurrentLearningRate(opt), 0.5, 0, 0);
  PetscCall(PhynnOptionsEnd());
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* Each bad value fails SetFromOptions with a one-line error naming the option; in COLLECT mode
 * the same database is accepted (defaults only). */
static PetscErrorCode TestBadOptions(MPI_Comm comm)
{
  static const char *const bad[][2] = {
    {"-lr", "-1"},          {"-lr", "0"},           {"-adam_beta1", "1.5"},   {"-adam_beta2", "-0.1"}, {"-adam_eps", "0"},
    {"-momentum", "1"},     {"-lr_decay", "0"},     {"-lr_decay_steps", "0"}, {"-lbfgs_history", "0"}, {"-lbfgs_max_ls", "0"},
    {"-lbfgs_gtol", "-1"},  {"-lbfgs_ftol", "-1"},  {"-lbfgs_c1", "0.95"},    {"-lbfgs_c2", "1"},      {"-optimizer", "adma"},
    {"-lr_schedule", "cosine"}, {"-lr", "abc"},
  };
  const int nbad = (int)(sizeof(bad) / sizeof(bad[0]));

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(KeepMessage, NULL));
  for (int k = 0; k < nbad; k++) {
    PhynnOptimizer opt;
    PetscErrorCode ierr;
    PetscCall(PetscOptionsSetValue(NULL, bad[k][0], bad[k][1]));
    PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
    PetscCall(PhynnOptimizerCreate(comm, 3, &opt));
    last_error[0] = 0;
    ierr          = PhynnOptimizerSetFromOptions(opt, "");
    CHECK(ierr != 0, "%s %s was accepted", bad[k][0], bad[k][1]);
    CHECK(strstr(last_error, bad[k][0]) && !strchr(last_error, '\n'), "%s %s: the message '%s' does not name the option on one line", bad[k][0], bad[k][1], last_error);
    if (ierr) PetscCall(PhynnPrintf(comm, "ok   %s %s: %s\n", bad[k][0], bad[k][1], last_error));
    PetscCall(PhynnOptionsEnd());
    PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_COLLECT));
    ierr = PhynnOptimizerSetFromOptions(opt, "");
    CHECK(ierr == 0, "COLLECT mode failed on %s %s: %s", bad[k][0], bad[k][1], last_error);
    PetscCall(PhynnOptionsEnd());
    PetscCall(PhynnOptimizerDestroy(&opt));
    PetscCall(PetscOptionsClearValue(NULL, bad[k][0]));
  }
  {
    PhynnOptimizer opt;
    PetscErrorCode ierr;
    PetscCall(PhynnOptimizerCreate(comm, 3, &opt));
    ierr = PhynnOptimizerSetLearningRate(opt, -1);
    CHECK(ierr != 0, "SetLearningRate(-1) was accepted");
    PetscCall(PhynnOptimizerDestroy(&opt));
    ierr = PhynnOptimizerCreate(comm, 0, &opt);
    CHECK(ierr != 0, "Create with n = 0 was accepted");
  }
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

static PetscErrorCode main_body(MPI_Comm comm)
{
  int    argc;
  char **argv;

  PetscFunctionBegin;
  PetscCall(PetscGetArgs(&argc, &argv));
  PetscCheck(argc >= 2, comm, PETSC_ERR_ARG_WRONG, "usage: test_optim CASE; see tests/optim/CMakeLists.txt for the cases");
  const char *c = argv[1];
  if (!strcmp(c, "gd_exact")) PetscCall(FirstOrderOnQuadratic(comm, "gd", 0.15, 0));
  else if (!strcmp(c, "sgd_equals_gd")) PetscCall(TestSgdEqualsGd(comm));
  else if (!strcmp(c, "momentum_exact")) PetscCall(FirstOrderOnQuadratic(comm, "momentum", 0.05, 0.7));
  else if (!strcmp(c, "nesterov_exact")) PetscCall(FirstOrderOnQuadratic(comm, "nesterov", 0.05, 0.7));
  else if (!strcmp(c, "adam_first_step")) PetscCall(TestAdamFirstStep(comm));
  else if (!strcmp(c, "adam_converges")) PetscCall(TestAdamConverges(comm));
  else if (!strcmp(c, "lbfgs_rosenbrock2")) PetscCall(TestLbfgsRosenbrock(comm, 2));
  else if (!strcmp(c, "lbfgs_rosenbrock10")) PetscCall(TestLbfgsRosenbrock(comm, 10));
  else if (!strcmp(c, "lbfgs_wolfe")) PetscCall(TestLbfgsWolfe(comm));
  else if (!strcmp(c, "schedule_step")) PetscCall(TestSchedule(comm, "step"));
  else if (!strcmp(c, "schedule_exponential")) PetscCall(TestSchedule(comm, "exponential"));
  else if (!strcmp(c, "state_adam")) PetscCall(TestState(comm, "adam"));
  else if (!strcmp(c, "state_nesterov")) PetscCall(TestState(comm, "nesterov"));
  else if (!strcmp(c, "state_lbfgs")) PetscCall(TestState(comm, "lbfgs"));
  else if (!strcmp(c, "reset_adam")) PetscCall(TestReset(comm, "adam"));
  else if (!strcmp(c, "reset_momentum")) PetscCall(TestReset(comm, "momentum"));
  else if (!strcmp(c, "reset_lbfgs")) PetscCall(TestReset(comm, "lbfgs"));
  else if (!strcmp(c, "state_mismatch")) PetscCall(TestStateMismatch(comm));
  else if (!strcmp(c, "options")) PetscCall(TestOptions(comm));
  else if (!strcmp(c, "bad_options")) PetscCall(TestBadOptions(comm));
  else SETERRQ(comm, PETSC_ERR_ARG_WRONG, "test_optim: unknown case '%s'; see tests/optim/CMakeLists.txt", c);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(main_body)
