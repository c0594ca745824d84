/* The constant cache of a model's evaluation graph (src/graph.c PhynnGraphForward,
 * PhynnGraphSetConstantCache; src/model.c PhynnModelEvaluate): the nodes that depend on the
 * weights alone (here a DeepONet's trunk on its grid, and an FNO's grid channel) are computed
 * once per set of weights and then skipped. What must hold, bitwise (the same operations in the
 * same order, so no tolerance):
 *   - a second evaluation, on another sample, equals the same sample evaluated by a fresh model
 *     that never cached anything;
 *   - new weights (PhynnModelSetTheta) are seen: the next evaluation equals a fresh model's with
 *     those weights, not the old trunk's;
 *   - a batch of 3 after single samples equals a fresh model's batch of the same 3.
 * And the cache is used (a white-box check on a bare graph): with the cache on, a weight written
 * through an old theta pointer, which the API forbids (ask PhynnGraphParameters again), is not
 * seen by the weight-only node, while a graph without the cache, or after
 * PhynnGraphInvalidateCache, sees it. Speed is for phynn bench (bench/), not for a test.
 * Usage: test_eval_cache */
#include <string.h>

#include "phynn/graph.h"
#include "phynn/model.h"
#include "phynn/random.h"
#include "phynn_test.h"

#define NX 32

static const char *specs[2] = {
  "input u0 dims=1,1,32\n"
  "deeponet op(u0) branch=16,16 trunk=16,16 p=12 act=tanh xmin=0 xmax=1 periodic=1\n"
  "output op\n",
  "input u0 dims=1,1,32\n"
  "grid pos(u0) xmin=0 xmax=1 periodic=0\n"
  "conv lift(pos) out=4 k=1\n"
  "fourier f1(lift) modes=5 act=gelu\n"
  "conv head(f1) out=1 k=1\n"
  "output head\n",
};

/* A model of spec s with weights drawn from seed. */
static PetscErrorCode Build(const char *s, uint64_t seed, PhynnModel *m)
{
  long    n;
  double *theta;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, m));
  PetscCall(PhynnModelSetSpec(*m, s, "test_eval_cache"));
  PetscCall(PhynnModelGetParameterCount(*m, &n));
  PetscCall(PetscMalloc1(n, &theta));
  PhynnUniformFill(seed, 0, 0, n, -0.5, 0.5, theta);
  PetscCall(PhynnModelSetTheta(*m, n, theta));
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

static PetscErrorCode Eval(PhynnModel m, long n, const double *x, double **y)
{
  const double *in[1] = {x};
  PetscFunctionBegin;
  PetscCall(PhynnModelEvaluate(m, n, in, NULL, y));
  PetscFunctionReturn(0);
}

/* |a - b| over n values: 0 when bitwise equal (NaNs count as different) */
static double MaxDiff(const double *a, const double *b, long n)
{
  double d = 0;
  for (long i = 0; i < n; i++) d = a[i] == b[i] ? d : fmax(d, isnan(a[i] - b[i]) ? INFINITY : fabs(a[i] - b[i]));
  return d;
}

static PetscErrorCode Check(const char *spec, const char *what)
{
  PhynnModel m, fresh;
  double     x[3 * NX], *y[6], *want;
  PetscFunctionBegin;
  PhynnUniformFill(5, 1, 0, 3 * NX, -1.0, 1.0, x);
  PetscCall(Build(spec, 11, &m));
  PetscCall(Eval(m, 1, x, &y[0]));          /* fills the cache */
  PetscCall(Eval(m, 1, x + NX, &y[1]));     /* another sample, trunk from the cache */
  PetscCall(Eval(m, 1, x + NX, &y[2]));     /* again */
  PetscCall(Eval(m, 3, x, &y[3]));          /* a batch of 3 */
  PetscCall(Build(spec, 11, &fresh));
  PetscCall(Eval(fresh, 1, x + NX, &want));
  CHECK(MaxDiff(y[1], want, NX) == 0 && MaxDiff(y[2], want, NX) == 0, "%s: a cached evaluation differs from a fresh model's by %g", what, MaxDiff(y[1], want, NX));
  PetscCall(PetscFree(want));
  PetscCall(PhynnModelDestroy(&fresh));
  /* a batch: against a fresh model's batch of the same 3, bitwise (BLAS may round a 3-row
   * product differently from 1-row ones, so the batch is not compared with y[0], y[1]) */
  PetscCall(Build(spec, 11, &fresh));
  PetscCall(Eval(fresh, 3, x, &want));
  CHECK(MaxDiff(y[3], want, 3 * NX) == 0, "%s: a batch after single samples differs from a fresh model's batch by %g", what, MaxDiff(y[3], want, 3 * NX));
  PetscCall(PetscFree(want));
  PetscCall(PhynnModelDestroy(&fresh));
  /* new weights: the cache must not keep the old trunk */
  {
    PhynnModel other;
    long       n;
    const double *theta;
    PetscCall(Build(spec, 12, &other));
    PetscCall(PhynnModelGetTheta(other, &n, &theta));
    PetscCall(PhynnModelSetTheta(m, n, theta));
    PetscCall(Eval(m, 1, x + NX, &y[4]));
    PetscCall(Eval(other, 1, x + NX, &want));
    CHECK(MaxDiff(y[4], want, NX) == 0, "%s: after new weights the evaluation differs from a fresh model's with them by %g", what, MaxDiff(y[4], want, NX));
    CHECK(MaxDiff(y[4], y[1], NX) > 1e-3, "%s: new weights changed nothing (max change %g)", what, MaxDiff(y[4], y[1], NX));
    PetscCall(PetscFree(want));
    PetscCall(PhynnModelDestroy(&other));
  }
  for (int k = 0; k < 5; k++) PetscCall(PetscFree(y[k]));
  PetscCall(PhynnModelDestroy(&m));
  if (!phynn_test_failures) printf("ok   %s: cached evaluations equal a fresh model's bitwise, and new weights are seen\n", what);
  PetscFunctionReturn(0);
}

/* y = x + sin(p): sin(p) depends on the weights alone. Returns y[0] after p[0] was changed
 * through a stale pointer, with the cache on or off, and with an invalidation or not. */
static PetscErrorCode StaleWrite(PetscBool cache, PetscBool invalidate, double *y0)
{
  PhynnGraph    g;
  int           x, p, s, y;
  double       *theta, xv[2] = {0, 0};
  const double *v;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "x", 1, &x));
  PetscCall(PhynnGraphParam(g, "p", 1, 1, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 0.5, 0}, &p));
  PetscCall(PhynnGraphSin(g, p, &s));
  PetscCall(PhynnGraphAdd(g, x, s, &y));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphInitParameters(g, 1));
  PetscCall(PhynnGraphSetTraining(g, PETSC_FALSE));
  PetscCall(PhynnGraphSetConstantCache(g, cache));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL)); /* kept: the stale pointer */
  PetscCall(PhynnGraphSetInput(g, x, 2, xv));
  PetscCall(PhynnGraphForward(g, y));
  theta[0] = 1.5;
  if (invalidate) PhynnGraphInvalidateCache(g);
  PetscCall(PhynnGraphForward(g, y));
  PetscCall(PhynnGraphValue(g, y, &v, NULL));
  *y0 = v[0];
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  (void)comm;
  PetscFunctionBegin;
  PetscCall(Check(specs[0], "deeponet (trunk on its grid cached)"));
  PetscCall(Check(specs[1], "fno with a grid channel (the grid cached)"));
  {
    double on, off, inval;
    PetscCall(StaleWrite(PETSC_TRUE, PETSC_FALSE, &on));
    PetscCall(StaleWrite(PETSC_FALSE, PETSC_FALSE, &off));
    PetscCall(StaleWrite(PETSC_TRUE, PETSC_TRUE, &inval));
    CHECK(on == sin(0.5), "with the cache on, the weight-only node was recomputed (%.17g, want the cached sin(0.5))", on);
    CHECK(off == sin(1.5) && inval == sin(1.5), "without the cache (%.17g) or after an invalidation (%.17g) the new weight was not seen", off, inval);
    if (on == sin(0.5) && off == sin(1.5) && inval == sin(1.5)) printf("ok   the cache skips a weight-only node until the weights change (cached %.6f, recomputed %.6f)\n", on, off);
  }
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
