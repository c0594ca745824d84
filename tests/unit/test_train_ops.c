/* Concatenation, dropout, batch norm and frozen parameters by value (their gradients are checked
 * against central differences in test_gradcheck.c, groups concat, dropout and batchnorm).
 *
 * Usage: test_train_ops GROUP, GROUP one of
 *   concat     the channels land where they should (bitwise), shapes are known when built, and
 *              mismatched inputs (sizes, dimensions, jet layouts, rows) are refused
 *   dropout    p = 0 and evaluation are the identity (bitwise); kept elements are exactly x / (1 - p)
 *              and their share is 1 - p within 5 standard deviations; the mask is a function of
 *              (seed, step, sample id, element) only: the same rows split over two graphs, or
 *              shuffled, get identical masks; a new step, seed or layer gets another; a jet's
 *              blocks share their sample's mask; refusals
 *   batchnorm  training output against a direct two-pass computation (1e-12), the running
 *              statistics after one step (1e-12), evaluation with the running statistics
 *              (1e-12, and they stay bitwise), (N, F) rows, momentum 0, frozen statistics,
 *              refusals
 *   frozen     a frozen parameter's gradient is exactly 0 (and it does change the loss); SGD,
 *              momentum, Nesterov, Adam and L-BFGS leave it bitwise unchanged while they train the
 *              rest; PhynnGraphLoadParameters skips it; freezing after SetUp is refused */
#include <string.h>

#include "phynn/graph.h"
#include "phynn/optim.h"
#include "phynn/random.h"
#include "phynn_test.h"

static const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};

/* ---- concat ---------------------------------------------------------------------------------- */
static PetscErrorCode CheckConcat(void)
{
  PhynnGraph     g;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  { /* images (N, 2, 3, 4) and (N, 1, 3, 4) from inputs, rows (N, 3) and (N, 2) */
    const long    da[4] = {0, 2, 3, 4}, db[4] = {0, 1, 3, 4};
    int           A, B, P, Q, in[2], y, z;
    double        a[2 * 24], b[2 * 12], p[2 * 3], q[2 * 2];
    const double *v, *w;
    PhynnShape    sh;
    int           ok = 1;
    PhynnUniformFill(1, 2, 0, 48, -1, 1, a);
    PhynnUniformFill(1, 3, 0, 24, -1, 1, b);
    PhynnUniformFill(1, 4, 0, 6, -1, 1, p);
    PhynnUniformFill(1, 5, 0, 4, -1, 1, q);
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphInputND(g, "a", 4, da, &A));
    PetscCall(PhynnGraphInputND(g, "b", 4, db, &B));
    in[0] = A; in[1] = B;
    PetscCall(PhynnGraphConcat(g, 2, in, &y));
    PetscCall(PhynnGraphValue(g, y, NULL, &sh));
    CHECK(sh.ndim == 4 && sh.dim[0] == 0 && sh.dim[1] == 3 && sh.dim[2] == 3 && sh.dim[3] == 4, "concat of (N, 2, 3, 4) and (N, 1, 3, 4) has shape (0, 3, 3, 4) when built");
    PetscCall(PhynnGraphInput(g, "p", 3, &P));
    PetscCall(PhynnGraphInput(g, "q", 2, &Q));
    in[0] = P; in[1] = Q;
    PetscCall(PhynnGraphConcat(g, 2, in, &z));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(PhynnGraphSetInput(g, A, 2, a));
    PetscCall(PhynnGraphSetInput(g, B, 2, b));
    PetscCall(PhynnGraphSetInput(g, P, 2, p));
    PetscCall(PhynnGraphSetInput(g, Q, 2, q));
    PetscCall(PhynnGraphForward(g, y));
    PetscCall(PhynnGraphForward(g, z));
    PetscCall(PhynnGraphValue(g, y, &v, &sh));
    PetscCall(PhynnGraphValue(g, z, &w, NULL));
    for (long r = 0; r < 2; r++)
      for (long c = 0; c < 3; c++)
        for (long i = 0; i < 12; i++) ok &= v[(r * 3 + c) * 12 + i] == (c < 2 ? a[(r * 2 + c) * 12 + i] : b[r * 12 + i]);
    for (long r = 0; r < 2; r++)
      for (long c = 0; c < 5; c++) ok &= w[r * 5 + c] == (c < 3 ? p[r * 3 + c] : q[r * 2 + c - 3]);
    CHECK(ok && sh.dim[0] == 2, "concat: y[r, c] is a[r, c] for c < C_a, then b[r, c - C_a], for images and rows");
    if (ok) printf("ok   concat: images join along C and rows along F, each row's channels in input order (bitwise); the shape is known when built\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  { /* refusals */
    const long d1[4] = {2, 2, 3, 4}, d2[4] = {2, 2, 3, 5}, d3[4] = {6, 2, 3, 4}, dw[4] = {2, 2, 3, 3}, dr[2] = {2, 24};
    PhynnJet   jet = PhynnJetNone(0);
    int        X1, X2, X3, R, W, J, bad, in[2], nbefore;
    jet.nfirst = 2; /* 3 blocks */
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParamND(g, "X1", 4, d1, PHYNN_DTYPE_REAL, zeros, &X1));
    PetscCall(PhynnGraphParamND(g, "X2", 4, d2, PHYNN_DTYPE_REAL, zeros, &X2));
    PetscCall(PhynnGraphParamND(g, "X3", 4, d3, PHYNN_DTYPE_REAL, zeros, &X3));
    PetscCall(PhynnGraphParamND(g, "R", 2, dr, PHYNN_DTYPE_REAL, zeros, &R));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphConv2d(g, X3, W, -1, 1, 1, 1, 1, &jet, &J)); /* 6 rows = 3 blocks of 2 */
    nbefore = PhynnGraphNodeCount(g);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    in[0] = X1; in[1] = X2;
    ierr = PhynnGraphConcat(g, 2, in, &bad);
    CHECK(ierr != 0, "concat of 4-wide and 5-wide images must be refused");
    in[1] = R;
    ierr = PhynnGraphConcat(g, 2, in, &bad);
    CHECK(ierr != 0, "concat of images with rows must be refused");
    ierr = PhynnGraphConcat(g, 1, in, &bad);
    CHECK(ierr != 0, "concat of one input must be refused");
    in[0] = J; in[1] = X3;
    ierr = PhynnGraphConcat(g, 2, in, &bad);
    CHECK(ierr != 0, "concat of a 3-block jet with plain rows of the same count must be refused");
    in[0] = X1; in[1] = X3;
    ierr = PhynnGraphConcat(g, 2, in, &bad);
    CHECK(ierr != 0, "concat of 2 and 6 rows must be refused");
    PetscCall(PetscPopErrorHandler());
    CHECK(PhynnGraphNodeCount(g) == nbefore, "refused concats leave the graph as it was");
    printf("ok   concat refuses other trailing sizes, other dimensions, a single input, other jet layouts and other row counts\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  PetscFunctionReturn(0);
}

/* ---- dropout --------------------------------------------------------------------------------- */
#define DE 60 /* values per row: (3, 4, 5) images */

/* Dropout of `rows` rows of x (images (rows, 3, 4, 5)) into y; ids NULL: the default ids. */
static PetscErrorCode RunDropout(double p, PetscBool training, uint64_t seed, long step, long rows, const long *ids, const double *x, double *y)
{
  const long    d[4] = {0, 3, 4, 5};
  PhynnGraph    g;
  int           X, z;
  const double *v;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInputND(g, "x", 4, d, &X));
  PetscCall(PhynnGraphDropout(g, X, p, NULL, &z));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphSetTraining(g, training));
  PetscCall(PhynnGraphSetRandomSeed(g, seed));
  PetscCall(PhynnGraphSetStep(g, step));
  if (ids) PetscCall(PhynnGraphSetSampleIds(g, rows, ids));
  PetscCall(PhynnGraphSetInput(g, X, rows, x));
  PetscCall(PhynnGraphForward(g, z));
  PetscCall(PhynnGraphValue(g, z, &v, NULL));
  PetscCall(PetscArraycpy(y, v, rows * DE));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static int Same(long n, const double *a, const double *b) { return !memcmp(a, b, (size_t)n * sizeof(double)); }

static PetscErrorCode CheckDropout(void)
{
  enum { ROWS = 64 };
  double        *x, *y, *y2, *y3;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PetscMalloc4(ROWS * DE, &x, ROWS * DE, &y, ROWS * DE, &y2, ROWS * DE, &y3));
  PhynnUniformFill(9, 1, 0, ROWS * DE, 0.5, 1.5, x); /* no zeros: a zero output is a dropped element */

  PetscCall(RunDropout(0.0, PETSC_TRUE, 1, 0, ROWS, NULL, x, y));
  CHECK(Same(ROWS * DE, x, y), "dropout p = 0 in training must be the identity (bitwise)");
  PetscCall(RunDropout(0.5, PETSC_FALSE, 1, 0, ROWS, NULL, x, y));
  CHECK(Same(ROWS * DE, x, y), "dropout p = 0.5 in evaluation must be the identity (bitwise)");
  printf("ok   dropout: p = 0 in training and p = 0.5 in evaluation give y = x bitwise\n");

  for (int t = 0; t < 2; t++) { /* kept elements: exactly x / (1 - p); their share 1 - p within 5 sigma */
    double p = t ? 0.2 : 0.5, kept = 0, n = ROWS * DE, sigma = sqrt(p * (1 - p) / n);
    int    exact = 1;
    PetscCall(RunDropout(p, PETSC_TRUE, 5, 3, ROWS, NULL, x, y));
    for (long i = 0; i < ROWS * DE; i++) {
      if (y[i] != 0) kept++;
      exact &= y[i] == 0 || y[i] == x[i] * (1.0 / (1.0 - p));
    }
    CHECK(exact, "dropout p = %g: every output must be 0 or x / (1 - p) exactly", p);
    CHECK(fabs(kept / n - (1 - p)) <= 5 * sigma, "dropout p = %g keeps %.4f of %g elements, want %.4f within 5 sigma = %.4f", p, kept / n, n, 1 - p, 5 * sigma);
    printf("ok   dropout p = %g: outputs are 0 or x / (1 - p) exactly; %.4f kept (want %.2f +- %.4f, 5 sigma)\n", p, kept / n, 1 - p, 5 * sigma);
  }

  { /* the mask follows the sample ids, not the graph or the row position */
    const long lo[2] = {0, 1}, hi[2] = {2, 3}, perm[4] = {2, 0, 3, 1};
    double     xp[4 * DE];
    int        ok = 1;
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, 4, NULL, x, y));                /* rows 0-3, default ids 0..3 */
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, 2, lo, x, y2));                 /* rows 0-1 in one graph ... */
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, 2, hi, x + 2 * DE, y2 + 2 * DE)); /* ... rows 2-3 in another */
    CHECK(Same(4 * DE, y, y2), "rows 0-3 in one graph and rows 0-1, 2-3 in two graphs (ids 0,1 and 2,3) must get identical masks");
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, 2, NULL, x + 2 * DE, y3));      /* rows 2-3 as samples 0, 1 */
    CHECK(!Same(2 * DE, y + 2 * DE, y3), "rows 2-3 given the ids of samples 0 and 1 must get those samples' masks, not their own");
    for (int j = 0; j < 4; j++) PetscCall(PetscArraycpy(xp + j * DE, x + perm[j] * DE, DE));
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, 4, perm, xp, y3)); /* shuffled rows with their ids */
    for (int j = 0; j < 4; j++) ok &= Same(DE, y3 + j * DE, y + perm[j] * DE);
    CHECK(ok, "shuffled rows with their sample ids must get their samples' masks");
    if (ok && Same(4 * DE, y, y2)) printf("ok   dropout masks depend on the global sample ids: rows 0-3 in one graph = rows 0-1 and 2-3 in two graphs (bitwise), and shuffled rows keep their masks\n");
  }

  { /* another step, seed or layer: another mask; the same settings: the same mask */
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, ROWS, NULL, x, y));
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 4, ROWS, NULL, x, y2));
    CHECK(Same(ROWS * DE, y, y2), "the same seed and step must reproduce the mask");
    PetscCall(RunDropout(0.5, PETSC_TRUE, 11, 5, ROWS, NULL, x, y2));
    CHECK(!Same(ROWS * DE, y, y2), "step 5 must draw another mask than step 4");
    PetscCall(RunDropout(0.5, PETSC_TRUE, 12, 4, ROWS, NULL, x, y2));
    CHECK(!Same(ROWS * DE, y, y2), "seed 12 must draw another mask than seed 11");
    {
      const long    d[4] = {0, 3, 4, 5};
      PhynnGraph    g;
      int           X, z1, z2;
      const double *v1, *v2;
      PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
      PetscCall(PhynnGraphInputND(g, "x", 4, d, &X));
      PetscCall(PhynnGraphDropout(g, X, 0.5, NULL, &z1));
      PetscCall(PhynnGraphDropout(g, X, 0.5, NULL, &z2));
      PetscCall(PhynnGraphSetUp(g));
      PetscCall(PhynnGraphSetInput(g, X, ROWS, x));
      PetscCall(PhynnGraphForward(g, z1));
      PetscCall(PhynnGraphForward(g, z2));
      PetscCall(PhynnGraphValue(g, z1, &v1, NULL));
      PetscCall(PhynnGraphValue(g, z2, &v2, NULL));
      CHECK(!Same(ROWS * DE, v1, v2), "two dropout layers on the same rows must draw different masks");
      PetscCall(PhynnGraphDestroy(&g));
    }
    printf("ok   dropout masks are reproducible, and a new step, seed or layer draws a new one\n");
  }

  { /* a jet [x; x'; x''] through dropout: every block of a sample keeps the sample's elements */
    const long    d[4] = {0, 3, 4, 5};
    const int     pair[1][2] = {{0, 0}};
    PhynnJet      jet;
    PhynnGraph    g;
    int           X[3], S, z, ok = 1;
    const double *v;
    PetscCall(PhynnJetSeeded(PETSC_COMM_SELF, 1, 1, pair, &jet));
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    for (int k = 0; k < 3; k++) PetscCall(PhynnGraphInputND(g, k == 0 ? "x" : k == 1 ? "xd" : "xdd", 4, d, &X[k]));
    PetscCall(PhynnGraphJetStack(g, 3, X, &S));
    PetscCall(PhynnGraphDropout(g, S, 0.5, &jet, &z));
    PetscCall(PhynnGraphSetUp(g));
    for (int k = 0; k < 3; k++) PetscCall(PhynnGraphSetInput(g, X[k], 8, x + k * 8 * DE));
    PetscCall(PhynnGraphForward(g, z));
    PetscCall(PhynnGraphValue(g, z, &v, NULL));
    for (int b = 1; b < 3; b++)
      for (long i = 0; i < 8 * DE; i++) ok &= (v[b * 8 * DE + i] == 0) == (v[i] == 0);
    PetscCall(RunDropout(0.5, PETSC_TRUE, 0, 0, 8, NULL, x, y));
    ok &= Same(8 * DE, v, y);
    CHECK(ok, "dropout in a 3-block jet: every block must keep exactly its sample's elements, the value block those of plain dropout");
    if (ok) printf("ok   dropout in a 3-block jet drops the same elements of a sample's value, x' and x'' blocks (the plain dropout's mask)\n");
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnGraphDropout(g, S, 0.5, NULL, &z);
    CHECK(ierr != 0, "dropout of a jet stack without its jet must be refused (the blocks would get different masks)");
    ierr = PhynnGraphDropout(g, X[0], 1.0, NULL, &z);
    CHECK(ierr != 0, "dropout with p = 1 must be refused");
    ierr = PhynnGraphDropout(g, X[0], -0.1, NULL, &z);
    CHECK(ierr != 0, "dropout with p < 0 must be refused");
    PetscCall(PetscPopErrorHandler());
    PetscCall(PhynnGraphDestroy(&g));
  }
  { /* ids that do not match the rows: an error at Forward */
    const long ids[3] = {0, 1, 2};
    {
      const long d[4] = {0, 3, 4, 5};
      PhynnGraph g;
      int        X, z;
      PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
      PetscCall(PhynnGraphInputND(g, "x", 4, d, &X));
      PetscCall(PhynnGraphDropout(g, X, 0.5, NULL, &z));
      PetscCall(PhynnGraphSetUp(g));
      PetscCall(PhynnGraphSetSampleIds(g, 3, ids));
      PetscCall(PhynnGraphSetInput(g, X, 4, x));
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = PhynnGraphForward(g, z);
      CHECK(ierr != 0, "3 sample ids for 4 rows must be an error at Forward");
      ierr = PhynnGraphSetSampleIds(g, 1, (const long[]){-1});
      CHECK(ierr != 0, "a negative sample id must be refused");
      PetscCall(PetscPopErrorHandler());
      PetscCall(PhynnGraphSetSampleIds(g, -1, NULL)); /* back to the default ids */
      PetscCall(PhynnGraphForward(g, z));
      PetscCall(PhynnGraphDestroy(&g));
    }
    printf("ok   dropout refuses p outside [0, 1), a jet stack without its jet, sample ids that do not match the rows, and negative ids\n");
  }
  PetscCall(PetscFree4(x, y, y2, y3));
  PetscFunctionReturn(0);
}

/* ---- batch norm ------------------------------------------------------------------------------ */
/* The reference: per channel c of x (R, C, inner), the two-pass mean and biased variance. */
static void Moments(long R, long C, long inner, const double *x, double *mean, double *var)
{
  for (long c = 0; c < C; c++) {
    double s = 0, q = 0, M = (double)(R * inner);
    for (long r = 0; r < R; r++)
      for (long j = 0; j < inner; j++) s += x[(r * C + c) * inner + j];
    mean[c] = s / M;
    for (long r = 0; r < R; r++)
      for (long j = 0; j < inner; j++) q += (x[(r * C + c) * inner + j] - mean[c]) * (x[(r * C + c) * inner + j] - mean[c]);
    var[c] = q / M;
  }
}

/* max |y - (gamma (x - mean) / sqrt(var + eps) + beta)| */
static double NormError(long R, long C, long inner, const double *x, const double *y, const double *mean, const double *var, const double *gamma, const double *beta, double eps)
{
  double worst = 0;
  for (long r = 0; r < R; r++)
    for (long c = 0; c < C; c++)
      for (long j = 0; j < inner; j++) {
        long i = (r * C + c) * inner + j;
        worst  = fmax(worst, fabs(y[i] - (gamma[c] * (x[i] - mean[c]) / sqrt(var[c] + eps) + beta[c])));
      }
  return worst;
}

static PetscErrorCode CheckBatchNorm(void)
{
  const double   eps = 1e-5;
  PhynnGraph     g;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  for (int rows = 0; rows < 2; rows++) { /* images (5, 3, 4, 5), then rows (7, 4) */
    const long     C = rows ? 4 : 3, R = rows ? 7 : 5, inner = rows ? 1 : 20, dimg[4] = {0, 3, 4, 5}, drow[2] = {0, 4}, dc[1] = {C};
    PhynnParamInfo info;
    int            X, ga, be, rm, rv, y;
    double         x[300], mean[4], var[4], gv[4], bv[4], *theta, keep[8], err, rerr = 0, M = (double)(R * inner);
    const double  *v;
    long           off[4], sz;
    PhynnUniformFill(31, rows, 0, R * C * inner, -2.0, 3.0, x);
    for (long i = 0; i < R * C * inner; i++) x[i] += (double)(i % C); /* channel means 0.5, 1.5, ... */
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphInputND(g, "x", rows ? 2 : 4, rows ? drow : dimg, &X));
    PetscCall(PhynnGraphParamND(g, "gamma", 1, dc, PHYNN_DTYPE_REAL, zeros, &ga));
    PetscCall(PhynnGraphParamND(g, "beta", 1, dc, PHYNN_DTYPE_REAL, zeros, &be));
    PetscCall(PhynnGraphParamND(g, "running_mean", 1, dc, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_NORMAL, 0, 1}, &rm));
    PetscCall(PhynnGraphParamND(g, "running_var", 1, dc, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_NORMAL, 0, 1}, &rv));
    PetscCall(PhynnGraphBatchNorm2d(g, X, ga, be, rm, rv, eps, 0.1, &y));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(PhynnGraphInitParameters(g, 5));
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PhynnGraphParamSlice(g, ga, &off[0], &sz));
    PetscCall(PhynnGraphParamSlice(g, be, &off[1], &sz));
    PetscCall(PhynnGraphParamSlice(g, rm, &off[2], &sz));
    PetscCall(PhynnGraphParamSlice(g, rv, &off[3], &sz));
    {
      int ok = 1;
      for (long c = 0; c < C; c++) ok &= theta[off[2] + c] == 0 && theta[off[3] + c] == 1;
      CHECK(ok, "batchnorm: the running statistics start at mean 0 and variance 1 whatever initialiser was given");
    }
    PetscCall(PhynnGraphParamInfo(g, 2, &info));
    CHECK(!info.trainable && !PhynnGraphGetTrainable(g, rm) && !PhynnGraphGetTrainable(g, rv) && PhynnGraphGetTrainable(g, ga), "batchnorm: the running statistics are frozen parameters, gamma is trainable");
    for (long c = 0; c < C; c++) {
      theta[off[0] + c] = gv[c] = 0.5 + 0.25 * (double)c;
      theta[off[1] + c] = bv[c] = -0.3 * (double)c;
    }
    PetscCall(PhynnGraphSetInput(g, X, R, x));
    PetscCall(PhynnGraphForward(g, y));
    PetscCall(PhynnGraphValue(g, y, &v, NULL));
    Moments(R, C, inner, x, mean, var);
    err = NormError(R, C, inner, x, v, mean, var, gv, bv, eps);
    CHECK(err <= 1e-12, "batchnorm %s, training: the output differs from the two-pass batch normalisation by %.3g > 1e-12", rows ? "rows" : "images", err);
    for (long c = 0; c < C; c++) {
      rerr = fmax(rerr, fabs(theta[off[2] + c] - 0.1 * mean[c]));
      rerr = fmax(rerr, fabs(theta[off[3] + c] - (0.9 + 0.1 * var[c] * M / (M - 1))));
    }
    CHECK(rerr <= 1e-12, "batchnorm: after one training forward the running statistics must be 0.1 mean and 0.9 + 0.1 var M/(M - 1), off by %.3g", rerr);
    printf("ok   batchnorm of %s, training: y = gamma (x - mean)/sqrt(var + eps) + beta over the batch (error %.2g <= 1e-12); running mean 0.1 mean, running var 0.9 + 0.1 unbiased var (error %.2g <= 1e-12)\n",
           rows ? "rows (7, 4) per feature" : "images (5, 3, 4, 5) per channel", err, rerr);

    /* evaluation: the running statistics normalise, and stay as they are */
    PetscCall(PetscArraycpy(keep, theta + off[2], C));
    PetscCall(PetscArraycpy(keep + C, theta + off[3], C));
    PetscCall(PhynnGraphSetTraining(g, PETSC_FALSE));
    PetscCall(PhynnGraphForward(g, y));
    PetscCall(PhynnGraphValue(g, y, &v, NULL));
    err = NormError(R, C, inner, x, v, theta + off[2], theta + off[3], gv, bv, eps);
    CHECK(err <= 1e-12, "batchnorm, evaluation: the output differs from normalisation by the running statistics by %.3g", err);
    CHECK(!memcmp(keep, theta + off[2], C * sizeof(double)) && !memcmp(keep + C, theta + off[3], C * sizeof(double)), "batchnorm: an evaluation forward must leave the running statistics bitwise alone");
    printf("ok   batchnorm, evaluation: normalised by the running statistics (error %.2g <= 1e-12), which stay bitwise unchanged\n", err);
    PetscCall(PhynnGraphDestroy(&g));
  }

  { /* momentum 0 freezes the running statistics; refusals */
    const long    dimg[4] = {0, 2, 3, 3}, dc[1] = {2}, d3[1] = {3}, dw[4] = {2, 2, 3, 3}, dx6[4] = {6, 2, 3, 3}, drow[2] = {0, 2};
    PhynnJet      jet = PhynnJetNone(0);
    int           X, Xr, ga, g3, rm, rv, y, yr, P, W, J, bad, nbefore;
    double        x[36], *theta;
    long          off, sz;
    jet.nfirst = 2;
    PhynnUniformFill(32, 1, 0, 36, -1, 1, x);
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphInputND(g, "x", 4, dimg, &X));
    PetscCall(PhynnGraphInputND(g, "xr", 2, drow, &Xr));
    PetscCall(PhynnGraphParamND(g, "gamma", 1, dc, PHYNN_DTYPE_REAL, zeros, &ga));
    PetscCall(PhynnGraphParamND(g, "gamma3", 1, d3, PHYNN_DTYPE_REAL, zeros, &g3));
    PetscCall(PhynnGraphParamND(g, "running_mean", 1, dc, PHYNN_DTYPE_REAL, zeros, &rm));
    PetscCall(PhynnGraphParamND(g, "running_var", 1, dc, PHYNN_DTYPE_REAL, zeros, &rv));
    PetscCall(PhynnGraphParamND(g, "P", 4, dx6, PHYNN_DTYPE_REAL, zeros, &P));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphConv2d(g, P, W, -1, 1, 1, 1, 1, &jet, &J));
    PetscCall(PhynnGraphBatchNorm2d(g, X, -1, -1, rm, rv, 1e-5, 0.0, &y));
    PetscCall(PhynnGraphBatchNorm2d(g, Xr, -1, -1, rm, rv, 1e-5, 0.1, &yr));
    nbefore = PhynnGraphNodeCount(g);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnGraphBatchNorm2d(g, J, -1, -1, rm, rv, 1e-5, 0.1, &bad);
    CHECK(ierr != 0, "batchnorm of a conv2d output in a 3-block jet must be refused");
    ierr = PhynnGraphBatchNorm2d(g, X, g3, -1, rm, rv, 1e-5, 0.1, &bad);
    CHECK(ierr != 0, "batchnorm with a 3-element gamma for 2 channels must be refused");
    ierr = PhynnGraphBatchNorm2d(g, X, -1, -1, Xr, rv, 1e-5, 0.1, &bad);
    CHECK(ierr != 0, "batchnorm with an input node as running mean must be refused (it must live in theta)");
    ierr = PhynnGraphBatchNorm2d(g, X, -1, -1, rm, rv, 0.0, 0.1, &bad);
    CHECK(ierr != 0, "batchnorm with eps = 0 must be refused");
    ierr = PhynnGraphBatchNorm2d(g, X, -1, -1, rm, rv, 1e-5, 1.5, &bad);
    CHECK(ierr != 0, "batchnorm with momentum 1.5 must be refused");
    PetscCall(PetscPopErrorHandler());
    CHECK(PhynnGraphNodeCount(g) == nbefore, "refused batch norms leave the graph as it was");
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(PhynnGraphInitParameters(g, 1));
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PhynnGraphParamSlice(g, rm, &off, &sz));
    PetscCall(PhynnGraphSetInput(g, X, 2, x));
    PetscCall(PhynnGraphForward(g, y));
    CHECK(theta[off] == 0 && theta[off + 1] == 0 && theta[off + 2] == 1 && theta[off + 3] == 1, "batchnorm with momentum 0 must leave the running statistics at 0 and 1");
    PetscCall(PhynnGraphSetInput(g, Xr, 1, x));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnGraphForward(g, yr);
    PetscCall(PetscPopErrorHandler());
    CHECK(ierr != 0, "batchnorm training on one row of (N, F) (one value per feature) must be an error");
    PetscCall(PhynnGraphSetTraining(g, PETSC_FALSE));
    PetscCall(PhynnGraphForward(g, yr));
    printf("ok   batchnorm: momentum 0 keeps the running statistics; jets, wrong sizes, running statistics outside theta, eps <= 0, momentum > 1 and a one-value batch in training are refused\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  PetscFunctionReturn(0);
}

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
  if (!strcmp(group, "concat")) PetscCall(CheckConcat());
  else if (!strcmp(group, "dropout")) PetscCall(CheckDropout());
  else if (!strcmp(group, "batchnorm")) PetscCall(CheckBatchNorm());
  else if (!strcmp(group, "frozen")) PetscCall(CheckFrozen());
  else CHECK(0, "unknown test group '%s' (concat, dropout, batchnorm, frozen)", group);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
