/* Gradient checks, table-driven (the way ggml's tests/test-backend-ops.cpp lists a test case per
 * op): every op type in the graph's op table has at least one case in `cases[]` below, a small
 * graph built around it with a scalar loss at the root, and every case compares the backward
 * pass with central finite differences of the graph's own forward pass. `every_op` fails when an
 * op type in the table has no case, so a new op cannot land untested.
 *
 * For each parameter entry theta_i: fd = (L(theta_i + h) - L(theta_i - h)) / 2h with h = 1e-6
 * (relative to |theta_i| + 1), and the check is |g_i - fd| <= 1e-6 + 1e-5 |fd|. Central
 * differences have O(h^2) truncation and O(eps L / h) rounding error, about 1e-10 here, so the
 * tolerance leaves room only for a wrong backward pass. A case may override h and the
 * tolerances (ggml's grad_eps/grad_expect) where its loss is larger or less smooth. Non-smooth
 * points (ReLU at 0, |p - y| at p = y) are avoided by drawing parameters at random: a draw within
 * h of a kink has probability about 1e-6. Frozen parameters (batch norm's running statistics) are
 * not differentiated: their backward gradient must be exactly 0.
 *
 * Usage: test_gradcheck GROUP, where GROUP is one of the groups of cases (activations, losses,
 * arithmetic, jet_gradients, every_op, shapes, nd_complex, seeded_jets, sindy, limits, conv, concat, dropout,
 * batchnorm, dense) or a check that is not a gradient check
 * (jet_values, refusals). */
#include <string.h>

#include "phynn/mlp.h"
#include "phynn/sindy_ae.h"
#include "phynn/random.h"
#include "phynn_test.h"

/* ---- the check ------------------------------------------------------------------------------ */
typedef struct {
  double h, atol, rtol; /* 0: the defaults 1e-6, 1e-6, 1e-5 */
} Tol;

static PetscErrorCode GradCheck(PhynnGraph g, int root, const char *what, Tol tol)
{
  double *theta, *grad, *analytic;
  long    n, nfrozen = 0;
  char   *frozen;
  double  worst = 0, h0 = tol.h > 0 ? tol.h : 1e-6, atol = tol.atol > 0 ? tol.atol : 1e-6, rtol = tol.rtol > 0 ? tol.rtol : 1e-5;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, &grad, &n));
  PetscCall(PhynnGraphForward(g, root));
  PetscCall(PhynnGraphBackward(g, root));
  PetscCall(PetscMalloc1(n, &analytic));
  PetscCall(PetscArraycpy(analytic, grad, n));
  PetscCall(PetscCalloc1(n ? n : 1, &frozen));
  for (int k = 0; k < PhynnGraphParamCount(g); k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(g, k, &info));
    for (long i = 0; !info.trainable && i < info.ndoubles; i++) frozen[info.offset + i] = 1;
  }
  for (long i = 0; i < n; i++) {
    double keep = theta[i], h = h0 * (fabs(keep) + 1.0), lp, lm;
    if (frozen[i]) {
      nfrozen++;
      CHECK(analytic[i] == 0, "%s: frozen theta[%ld] has the gradient %.12g; it must be exactly 0", what, i, analytic[i]);
      continue;
    }
    theta[i] = keep + h;
    PetscCall(PhynnGraphForward(g, root));
    lp       = PhynnGraphScalar(g, root);
    theta[i] = keep - h;
    PetscCall(PhynnGraphForward(g, root));
    lm       = PhynnGraphScalar(g, root);
    theta[i] = keep;
    double fd = (lp - lm) / (2 * h), err = fabs(analytic[i] - fd), t = atol + rtol * fabs(fd);
    if (err / t > worst) worst = err / t;
    CHECK(err <= t, "%s: d loss / d theta[%ld]: backward %.12g, finite difference %.12g", what, i, analytic[i], fd);
  }
  printf("ok   %s: %ld parameter gradients match central differences (worst error/tolerance %.3g)%s\n", what, n - nfrozen, worst, nfrozen ? ", the frozen ones are exactly 0" : "");
  PetscCall(PetscFree(analytic));
  PetscCall(PetscFree(frozen));
  PetscFunctionReturn(0);
}

/* Fills every parameter with N(0, 0.7) draws. */
static PetscErrorCode RandomParams(PhynnGraph g, uint64_t seed)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  PhynnNormalFill(seed, 99, 0, n, 0.0, 0.7, theta);
  PetscFunctionReturn(0);
}

/* Sets one scalar parameter (after RandomParams), e.g. to keep a sqrt argument positive. */
static PetscErrorCode SetScalar(PhynnGraph g, int node, double v)
{
  double *theta;
  long    off, sz;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
  PetscCall(PhynnGraphParamSlice(g, node, &off, &sz));
  theta[off] = v;
  PetscFunctionReturn(0);
}

static const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};

/* ---- the case table ------------------------------------------------------------------------- */
/* A case builds its graph (and calls PhynnGraphSetUp), fills the parameters, points the inputs at
 * data it keeps in the scratch (the graph borrows input rows), names itself in s->what and returns
 * the scalar root. */
typedef struct {
  double *buf[8];
  int        nbuf;
  char       what[128];
  PhynnModel model; /* a case built from a model spec: destroyed after its graph */
} Scratch;

static PetscErrorCode ScratchData(Scratch *s, long n, double **p)
{
  PetscFunctionBegin;
  PetscCheck(s->nbuf < 8, PETSC_COMM_SELF, PETSC_ERR_PLIB, "a case keeps at most 8 input arrays");
  PetscCall(PetscCalloc1(n ? n : 1, p));
  s->buf[s->nbuf++] = *p;
  PetscFunctionReturn(0);
}

typedef PetscErrorCode (*BuildFn)(PhynnGraph g, int arg, Scratch *s, int *root);
typedef struct {
  const char *group; /* the CTest case that runs it (gradcheck_<group>) */
  BuildFn     build;
  int         arg;
  Tol         tol;
} GradCase;

/* dense + activation + MSE, with the layer input itself a parameter (checks dx, dW, db). */
static PetscErrorCode BuildActivation(PhynnGraph g, int act, Scratch *s, int *root)
{
  int     X, W, b, Y, z, a;
  double *target;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "X", 5, 3, zeros, &X));
  PetscCall(PhynnGraphParam(g, "W", 4, 3, zeros, &W));
  PetscCall(PhynnGraphParam(g, "b", 1, 4, zeros, &b));
  PetscCall(PhynnGraphInput(g, "Y", 4, &Y));
  PetscCall(PhynnGraphDense(g, X, W, b, NULL, &z));
  PetscCall(PhynnGraphActivation(g, z, (PhynnActivation)act, 0.1, NULL, &a));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, a, Y, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 11 + act));
  PetscCall(ScratchData(s, 20, &target));
  PhynnUniformFill(5, 6, 0, 20, 0.0, 1.0, target);
  PetscCall(PhynnGraphSetInput(g, Y, 5, target));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "dense + %s + mse", PhynnActivationNames[act]));
  PetscFunctionReturn(0);
}

/* Each loss with both prediction and target trainable (checks the mirrored target gradient). */
static PetscErrorCode BuildLoss(PhynnGraph g, int kind, Scratch *s, int *root)
{
  int P, T, p, t;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "P", 6, 3, zeros, &P));
  PetscCall(PhynnGraphParam(g, "T", 6, 3, zeros, &T));
  p = P;
  t = T;
  if (kind == PHYNN_LOSS_BCE) { /* probabilities in (0, 1) and soft labels */
    PetscCall(PhynnGraphActivation(g, P, PHYNN_ACT_SIGMOID, 0, NULL, &p));
    PetscCall(PhynnGraphActivation(g, T, PHYNN_ACT_SIGMOID, 0, NULL, &t));
  } else if (kind == PHYNN_LOSS_CCE) {
    PetscCall(PhynnGraphActivation(g, P, PHYNN_ACT_SOFTMAX, 0, NULL, &p));
    PetscCall(PhynnGraphActivation(g, T, PHYNN_ACT_SOFTMAX, 0, NULL, &t));
  }
  PetscCall(PhynnGraphLoss(g, (PhynnLoss)kind, p, t, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 21 + kind));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "loss %s", PhynnLossNames[kind]));
  PetscFunctionReturn(0);
}

/* add, sub, mul (also with a broadcast scalar), scale, sin, cos, square, sqrt, mean, slice,
 * weighted sum, mean square, in one expression. */
static PetscErrorCode BuildArithmetic(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int    A, B, c, s1, s2, t[10], l1, l2, l3;
  double w[3] = {0.7, -1.3, 2.0};
  PetscFunctionBegin;
  (void)arg;
  PetscCall(PhynnGraphParam(g, "A", 8, 2, zeros, &A)); /* two blocks of 4 rows */
  PetscCall(PhynnGraphParam(g, "B", 4, 1, zeros, &B));
  PetscCall(PhynnGraphParam(g, "c", 1, 1, zeros, &c));
  PetscCall(PhynnGraphSlice(g, A, 2, 0, 1, &s1)); /* block 0, column 1 */
  PetscCall(PhynnGraphSlice(g, A, 2, 1, 0, &s2)); /* block 1, column 0 */
  PetscCall(PhynnGraphMul(g, s1, s2, &t[0]));
  PetscCall(PhynnGraphMul(g, c, t[0], &t[1])); /* broadcast scalar on the left */
  PetscCall(PhynnGraphSin(g, B, &t[2]));
  PetscCall(PhynnGraphCos(g, s2, &t[3]));
  PetscCall(PhynnGraphSquare(g, t[3], &t[4]));
  PetscCall(PhynnGraphAdd(g, t[1], t[2], &t[5]));
  PetscCall(PhynnGraphSub(g, t[5], t[4], &t[6]));
  PetscCall(PhynnGraphScale(g, t[6], -0.4, &t[7]));
  PetscCall(PhynnGraphMul(g, t[7], c, &t[8])); /* broadcast scalar on the right */
  {                                             /* sqrt of a positive value, and the mean (broadcast back) */
    int sq, sp, mean;
    PetscCall(PhynnGraphSquare(g, t[8], &sq));
    PetscCall(PhynnGraphAdd(g, sq, c, &sp)); /* t8^2 + c, c set positive below */
    PetscCall(PhynnGraphSqrt(g, sp, &sp));
    PetscCall(PhynnGraphMean(g, sp, &mean));
    PetscCall(PhynnGraphSub(g, sp, mean, &sp));
    PetscCall(PhynnGraphAdd(g, t[8], sp, &t[8]));
  }
  PetscCall(PhynnGraphMeanSquare(g, t[8], &l1));
  PetscCall(PhynnGraphMeanSquare(g, t[5], &l2));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, s1, B, &l3));
  int terms[3] = {l1, l2, l3};
  PetscCall(PhynnGraphWeightedSum(g, 3, terms, w, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 31));
  PetscCall(SetScalar(g, c, 0.8)); /* keeps the sqrt argument positive */
  PetscCall(PetscStrncpy(s->what, "add/sub/mul/broadcast/scale/sin/cos/square/sqrt/mean/slice/mean-square/weighted-sum", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* A PINN-like residual from a [2,6,5,2] network with jets x, t, xx, xt, tt: the parameter
 * gradient flows through first- and second-order jets (s''' included) and the input scaling. */
static PetscErrorCode BuildJetResidual(PhynnGraph g, int act, Scratch *s, int *root)
{
  PhynnMLP   mlp;
  PhynnJet   jet;
  int        X, h, out, blocks[5], nreq, K;
  int        u, v, ut, uxx, vxt, vtt, ux, r1, r2, r3, l1, l2;
  const char names[2][32] = {"x", "t"};
  long       sizes[4]     = {2, 6, 5, 2};
  double     shift[2] = {0.5, -0.2}, scale[2] = {1.7, 0.6}, *pts;
  PetscFunctionBegin;
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 2, names, "x,t,xx,xt,tt", &jet, &nreq, blocks, NULL));
  K = PhynnJetBlocks(&jet);
  PetscCall(PhynnMLPCreate(g, 4, sizes, (PhynnActivation)act, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &mlp));
  PetscCall(PhynnGraphInput(g, "points", 2, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, shift, scale, &h));
  PetscCall(PhynnMLPApply(g, &mlp, h, &jet, &out));
  PetscCall(PhynnGraphSlice(g, out, K, 0, 0, &u));
  PetscCall(PhynnGraphSlice(g, out, K, 0, 1, &v));
  PetscCall(PhynnGraphSlice(g, out, K, blocks[0], 0, &ux));
  PetscCall(PhynnGraphSlice(g, out, K, blocks[1], 0, &ut));
  PetscCall(PhynnGraphSlice(g, out, K, blocks[2], 0, &uxx));
  PetscCall(PhynnGraphSlice(g, out, K, blocks[3], 1, &vxt));
  PetscCall(PhynnGraphSlice(g, out, K, blocks[4], 1, &vtt));
  /* r1 = u_t - 0.4 u_xx + v_xt u;  r2 = v_tt + sin(u) u_x */
  PetscCall(PhynnGraphScale(g, uxx, -0.4, &r1));
  PetscCall(PhynnGraphAdd(g, ut, r1, &r1));
  PetscCall(PhynnGraphMul(g, vxt, u, &r3));
  PetscCall(PhynnGraphAdd(g, r1, r3, &r1));
  PetscCall(PhynnGraphSin(g, u, &r2));
  PetscCall(PhynnGraphMul(g, r2, ux, &r2));
  PetscCall(PhynnGraphAdd(g, vtt, r2, &r2));
  PetscCall(PhynnGraphMeanSquare(g, r1, &l1));
  PetscCall(PhynnGraphMeanSquare(g, r2, &l2));
  PetscCall(PhynnGraphMul(g, v, v, &r3));
  int    terms[3] = {l1, l2, 0};
  double w[3]     = {1.0, 0.5, 0.1};
  PetscCall(PhynnGraphMeanSquare(g, r3, &terms[2]));
  PetscCall(PhynnGraphWeightedSum(g, 3, terms, w, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 41 + act));
  PetscCall(ScratchData(s, 14, &pts));
  PhynnUniformFill(3, 4, 0, 14, -1.0, 1.0, pts);
  PetscCall(PhynnGraphSetInput(g, X, 7, pts));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "PINN residual with jets x,t,xx,xt,tt through %s", PhynnActivationNames[act]));
  PetscFunctionReturn(0);
}

/* ---- focused cases: one op (or one rule of an op) each, ggml style ---------------------------- */
/* A jet with nfirst directions and the given second-order pairs, for ops fed by parameters. */
static PhynnJet JetOf(int nfirst, int nsecond, const int (*pairs)[2])
{
  PhynnJet jet = PhynnJetNone(nfirst);
  jet.nfirst   = nfirst;
  for (int d = 0; d < nfirst; d++) jet.first[d] = d;
  jet.nsecond = nsecond;
  for (int p = 0; p < nsecond; p++) {
    jet.second[p][0] = pairs[p][0];
    jet.second[p][1] = pairs[p][1];
  }
  return jet;
}

/* Dense without a bias, and dense over K = 3 jet blocks (the bias on the value block only). */
static PetscErrorCode BuildDense(PhynnGraph g, int jetted, Scratch *s, int *root)
{
  PhynnJet jet = JetOf(2, 0, NULL);
  int      X, W, b = -1, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "X", jetted ? 3 * 4 : 4, 5, zeros, &X));
  PetscCall(PhynnGraphParam(g, "W", 3, 5, zeros, &W));
  if (jetted) PetscCall(PhynnGraphParam(g, "b", 1, 3, zeros, &b));
  PetscCall(PhynnGraphDense(g, X, W, b, jetted ? &jet : NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z)); /* a loss that is not quadratic in the output */
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 61 + jetted));
  PetscCall(PetscStrncpy(s->what, jetted ? "dense over 3 jet blocks (bias on the value block)" : "dense without bias", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* The PCA linear autoencoder's graph (src/blocks/block_pca.c) on parameters: a code
 * z = x A^T - A mu through dense with 4-D weights A (K, C, H, W) and a bias computed from
 * parameters, then the reconstruction x' = z A + mu through the transposed dense. arg 0 plain
 * rows, arg 1 over 3 jet blocks (both biases on the value block only). */
static PetscErrorCode BuildDenseTransposed(PhynnGraph g, int arg, Scratch *s, int *root)
{
  PhynnJet   jet = JetOf(2, 0, NULL);
  const long da[4] = {3, 2, 2, 3}, dm[4] = {1, 2, 2, 3};
  int        X, A, mu, c, z, y;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "X", arg ? 3 * 4 : 4, 12, zeros, &X));
  PetscCall(PhynnGraphParamND(g, "A", 4, da, PHYNN_DTYPE_REAL, zeros, &A));
  PetscCall(PhynnGraphParamND(g, "mu", 4, dm, PHYNN_DTYPE_REAL, zeros, &mu));
  PetscCall(PhynnGraphDense(g, mu, A, -1, NULL, &c)); /* (1, 3) = mu A^T */
  PetscCall(PhynnGraphScale(g, c, -1.0, &c));
  PetscCall(PhynnGraphDense(g, X, A, c, arg ? &jet : NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphDenseTransposed(g, z, A, mu, arg ? &jet : NULL, &y));
  PetscCall(PhynnGraphSin(g, y, &y));
  PetscCall(PhynnGraphMeanSquare(g, y, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 231 + arg));
  PetscCall(PetscStrncpy(s->what, arg ? "dense and transposed dense with (3, 2, 2, 3) weights over 3 jet blocks" : "dense and transposed dense with (3, 2, 2, 3) weights, bias from parameters", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* The fused jet activation on stacked parameter blocks with non-zero second-order inputs:
 * arg 0..3 second order through tanh, sigmoid, sine, softplus; arg 4 first order through relu. */
static PetscErrorCode BuildJetActivation(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const PhynnActivation acts[5]     = {PHYNN_ACT_TANH, PHYNN_ACT_SIGMOID, PHYNN_ACT_SINE, PHYNN_ACT_SOFTPLUS, PHYNN_ACT_RELU};
  const int             pairs[3][2] = {{0, 0}, {0, 1}, {1, 1}};
  PhynnJet              jet         = arg < 4 ? JetOf(2, 3, pairs) : JetOf(2, 0, NULL);
  int                   K = PhynnJetBlocks(&jet), Z, a, sq;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "Z", (long)K * 3, 2, zeros, &Z));
  PetscCall(PhynnGraphActivation(g, Z, acts[arg], 0, &jet, &a));
  PetscCall(PhynnGraphSquare(g, a, &sq)); /* weights every block's gradient differently */
  PetscCall(PhynnGraphAdd(g, sq, a, &a));
  PetscCall(PhynnGraphMeanSquare(g, a, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 71 + arg));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "jet activation %s over %s", PhynnActivationNames[acts[arg]], arg < 4 ? "first and second order (xx, xy, yy)" : "first order"));
  PetscFunctionReturn(0);
}

/* Binary ops: arg = 3 op + mode, op in {add, sub, mul}, mode 0 equal shapes, 1 scalar on the
 * left, 2 scalar on the right. */
static PetscErrorCode BuildBinary(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const char *ops[3] = {"add", "sub", "mul"}, *modes[3] = {"", " (scalar on the left)", " (scalar on the right)"};
  int         op = arg / 3, mode = arg % 3, A, B, r;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "A", mode == 1 ? 1 : 4, mode == 1 ? 1 : 3, zeros, &A));
  PetscCall(PhynnGraphParam(g, "B", mode == 2 ? 1 : 4, mode == 2 ? 1 : 3, zeros, &B));
  if (op == 0) PetscCall(PhynnGraphAdd(g, A, B, &r));
  else if (op == 1) PetscCall(PhynnGraphSub(g, A, B, &r));
  else PetscCall(PhynnGraphMul(g, A, B, &r));
  PetscCall(PhynnGraphSin(g, r, &r));
  PetscCall(PhynnGraphMeanSquare(g, r, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 81 + arg));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "%s%s", ops[op], modes[mode]));
  PetscFunctionReturn(0);
}

/* Unary ops and reductions: arg selects scale, sin, cos, square, sqrt, mean, slice, softmax. */
static PetscErrorCode BuildUnary(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const char *names[8] = {"scale", "sin", "cos", "square", "sqrt (of a positive argument)", "mean", "slice (block 1 of 2, column 2)", "softmax"};
  int         A, r, sq, c = -1;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParam(g, "A", 6, 3, zeros, &A));
  switch (arg) {
  case 0: PetscCall(PhynnGraphScale(g, A, -1.7, &r)); break;
  case 1: PetscCall(PhynnGraphSin(g, A, &r)); break;
  case 2: PetscCall(PhynnGraphCos(g, A, &r)); break;
  case 3: PetscCall(PhynnGraphSquare(g, A, &r)); break;
  case 4: /* sqrt(A^2 + c), c = 0.5 */
    PetscCall(PhynnGraphParam(g, "c", 1, 1, zeros, &c));
    PetscCall(PhynnGraphSquare(g, A, &sq));
    PetscCall(PhynnGraphAdd(g, sq, c, &sq));
    PetscCall(PhynnGraphSqrt(g, sq, &r));
    break;
  case 5: { /* (A - mean A) sin A, so the mean's gradient is not the constant it is for a sum */
    PetscCall(PhynnGraphMean(g, A, &r));
    PetscCall(PhynnGraphSub(g, A, r, &r));
    PetscCall(PhynnGraphSin(g, A, &sq));
    PetscCall(PhynnGraphMul(g, r, sq, &r));
  } break;
  case 6: PetscCall(PhynnGraphSlice(g, A, 2, 1, 2, &r)); break;
  default: PetscCall(PhynnGraphActivation(g, A, PHYNN_ACT_SOFTMAX, 0, NULL, &r)); break;
  }
  PetscCall(PhynnGraphSin(g, r, &r));
  PetscCall(PhynnGraphMeanSquare(g, r, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 91 + arg));
  if (c >= 0) PetscCall(SetScalar(g, c, 0.5));
  PetscCall(PetscStrncpy(s->what, names[arg], sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* The jet input layer feeding a dense layer: the weight gradient through the derivative rows
 * e_c scale_c (the input carries no gradient). */
static PetscErrorCode BuildJetInput(PhynnGraph g, int arg, Scratch *s, int *root)
{
  PhynnJet jet = JetOf(2, 1, (const int[][2]){{0, 1}});
  int      X, h, W, b, z;
  double   shift[2] = {0.3, -0.1}, scale[2] = {2.0, 0.7}, *pts;
  PetscFunctionBegin;
  (void)arg;
  PetscCall(PhynnGraphInput(g, "x", 2, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, shift, scale, &h));
  PetscCall(PhynnGraphParam(g, "W", 3, 2, zeros, &W));
  PetscCall(PhynnGraphParam(g, "b", 1, 3, zeros, &b));
  PetscCall(PhynnGraphDense(g, h, W, b, &jet, &z));
  PetscCall(PhynnGraphActivation(g, z, PHYNN_ACT_TANH, 0, &jet, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 101));
  PetscCall(ScratchData(s, 10, &pts));
  PhynnUniformFill(9, 10, 0, 10, -1.0, 1.0, pts);
  PetscCall(PhynnGraphSetInput(g, X, 5, pts));
  PetscCall(PetscStrncpy(s->what, "jet input (scaled, directions x, y, pair xy) + dense + jet tanh", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Losses against a target that is data (an input node), and the weighted sum of terms. */
static PetscErrorCode BuildLossTerms(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int     P, Y, t[4];
  double  w[4] = {0.5, 1.5, -0.25, 2.0}, *y;
  PetscFunctionBegin;
  (void)arg;
  PetscCall(PhynnGraphParam(g, "P", 5, 2, zeros, &P));
  PetscCall(PhynnGraphInput(g, "y", 2, &Y));
  for (int k = 0; k < 2; k++) PetscCall(PhynnGraphLoss(g, k ? PHYNN_LOSS_MAE : PHYNN_LOSS_MSE, P, Y, &t[k]));
  PetscCall(PhynnGraphMeanSquare(g, P, &t[2]));
  PetscCall(PhynnGraphSetLossNorm(g, t[2], 3.0));
  PetscCall(PhynnGraphMean(g, P, &t[3]));
  PetscCall(PhynnGraphWeightedSum(g, 4, t, w, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 111));
  PetscCall(ScratchData(s, 10, &y));
  PhynnUniformFill(11, 12, 0, 10, -1.0, 1.0, y);
  PetscCall(PhynnGraphSetInput(g, Y, 5, y));
  PetscCall(PetscStrncpy(s->what, "mse and mae against data, mean square with a set norm, mean, weighted sum", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Every node's shape is known when it is built, so layers compose after any op (the review's
 * "Dense after Add", the FNO layer sigma(W v + K v) followed by the next layer): arg 0 dense after
 * add, arg 1 slice of an add, both on rows that come from an input. */
static PetscErrorCode BuildAfterAdd(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int     X, W1, W2, b, W3, z1, z2, a, r;
  double *x;
  PetscFunctionBegin;
  PetscCall(PhynnGraphInput(g, "x", 3, &X));
  PetscCall(PhynnGraphParam(g, "W1", 4, 3, zeros, &W1));
  PetscCall(PhynnGraphParam(g, "W2", 4, 3, zeros, &W2));
  PetscCall(PhynnGraphParam(g, "b", 1, 4, zeros, &b));
  PetscCall(PhynnGraphDense(g, X, W1, b, NULL, &z1));
  PetscCall(PhynnGraphDense(g, X, W2, -1, NULL, &z2));
  PetscCall(PhynnGraphAdd(g, z1, z2, &a));
  PetscCall(PhynnGraphActivation(g, a, PHYNN_ACT_TANH, 0, NULL, &a));
  if (arg == 0) {
    PetscCall(PhynnGraphParam(g, "W3", 2, 4, zeros, &W3));
    PetscCall(PhynnGraphAdd(g, a, z2, &a)); /* a residual connection: dense after add */
    PetscCall(PhynnGraphDense(g, a, W3, -1, NULL, &r));
  } else {
    PetscCall(PhynnGraphAdd(g, a, z1, &a));
    PetscCall(PhynnGraphSlice(g, a, 1, 0, 3, &r)); /* column 3 of an add */
  }
  PetscCall(PhynnGraphMeanSquare(g, r, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 151 + arg));
  PetscCall(ScratchData(s, 15, &x));
  PhynnUniformFill(17, 18, 0, 15, -1.0, 1.0, x);
  PetscCall(PhynnGraphSetInput(g, X, 5, x));
  PetscCall(PetscStrncpy(s->what, arg == 0 ? "dense after add (residual layer on input rows)" : "slice of an add (on input rows)", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* N-D and complex values. arg 0: complex N-D parameters through add, sub, scale and mean square
 * (sum |z|^2 / n), beside a real one; arg 1: an (N, C, H, W) input through the jet input layer and
 * dense (N rows of C H W values); arg 2: a real (2, 3, 4) parameter as dense input (2 rows of 12). */
static PetscErrorCode BuildND(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int     X = -1;
  double *x = NULL;
  PetscFunctionBegin;
  if (arg == 0) {
    const long dz[3] = {2, 3, 2}, dr[1] = {5};
    int        A, B, C, R, t[3], r;
    double     w[3] = {1.0, 0.6, 0.3};
    PetscCall(PhynnGraphParamND(g, "A", 3, dz, PHYNN_DTYPE_COMPLEX, zeros, &A));
    PetscCall(PhynnGraphParamND(g, "R", 1, dr, PHYNN_DTYPE_REAL, zeros, &R));
    PetscCall(PhynnGraphParamND(g, "B", 3, dz, PHYNN_DTYPE_COMPLEX, zeros, &B));
    PetscCall(PhynnGraphParamND(g, "C", 3, dz, PHYNN_DTYPE_COMPLEX, zeros, &C));
    PetscCall(PhynnGraphAdd(g, A, B, &r));
    PetscCall(PhynnGraphScale(g, r, -0.7, &r));
    PetscCall(PhynnGraphSub(g, r, C, &r));
    PetscCall(PhynnGraphMeanSquare(g, r, &t[0]));
    PetscCall(PhynnGraphSub(g, C, A, &r));
    PetscCall(PhynnGraphMeanSquare(g, r, &t[1]));
    PetscCall(PhynnGraphSin(g, R, &r));
    PetscCall(PhynnGraphMeanSquare(g, r, &t[2]));
    PetscCall(PhynnGraphMul(g, t[0], t[1], &t[0])); /* not quadratic in the parameters */
    PetscCall(PhynnGraphWeightedSum(g, 3, t, w, root));
    PetscCall(PetscStrncpy(s->what, "complex (2, 3, 2) parameters through add, sub, scale, mean square, beside a real (5)", sizeof(s->what)));
  } else if (arg == 1) {
    const long dims[4] = {0, 2, 3, 3};
    PhynnJet   jet     = PhynnJetNone(18);
    int        h, W, b, z;
    jet.nfirst   = 2;
    jet.first[0] = 1;
    jet.first[1] = 17;
    PetscCall(PhynnGraphInputND(g, "images", 4, dims, &X));
    PetscCall(PhynnGraphJetInput(g, X, &jet, NULL, NULL, &h));
    PetscCall(PhynnGraphParam(g, "W", 4, 18, zeros, &W));
    PetscCall(PhynnGraphParam(g, "b", 1, 4, zeros, &b));
    PetscCall(PhynnGraphDense(g, h, W, b, &jet, &z));
    PetscCall(PhynnGraphActivation(g, z, PHYNN_ACT_TANH, 0, &jet, &z));
    PetscCall(PhynnGraphMeanSquare(g, z, root));
    PetscCall(ScratchData(s, 3 * 18, &x));
    PhynnUniformFill(19, 20, 0, 3 * 18, -1.0, 1.0, x);
    PetscCall(PetscStrncpy(s->what, "(N, 2, 3, 3) images through the jet input (2 directions) + dense + jet tanh", sizeof(s->what)));
  } else {
    const long dims[3] = {2, 3, 4};
    int        X, W, z;
    PetscCall(PhynnGraphParamND(g, "X", 3, dims, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParam(g, "W", 5, 12, zeros, &W));
    PetscCall(PhynnGraphDense(g, X, W, -1, NULL, &z));
    PetscCall(PhynnGraphSin(g, z, &z));
    PetscCall(PhynnGraphMeanSquare(g, z, root));
    PetscCall(PetscStrncpy(s->what, "a (2, 3, 4) parameter as dense input (2 rows of 12)", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 171 + arg));
  if (X >= 0) PetscCall(PhynnGraphSetInput(g, X, 3, x));
  PetscFunctionReturn(0);
}

/* Jets seeded by data (review W3): JetStack builds [x; x'; x''] from nodes, PhynnJetSeeded(1, 1,
 * {(0,0)}) carries it through dense and the fused activation, PhynnGraphBlock reads whole blocks.
 *   arg 0: a SINDy autoencoder's second-order loss. The encoder takes the frames' data
 *          [x; x'; x''] to [z; z'; z''] (z' = J x', z'' = J x'' + H[x', x']); the decoder is
 *          seeded with graph nodes, [z; z'; Theta(z) Xi] with Theta(z) = sin z, so gradients flow
 *          back into the encoder's z' and into Xi through the seeding blocks. Loss:
 *          |dec(z) - x|^2 + |z'' - Theta(z) Xi|^2 + |dec'' - x''|^2.
 *   arg 1: every seeding block a parameter (value, x', x'' receive gradients), tanh.
 *   arg 2: a first-order jet [x; x'] with the value as data and x' a parameter, sigmoid.
 *   arg 3: jet stack and block moving complex values (doubles). */
static PetscErrorCode BuildSeeded(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const int pair[1][2] = {{0, 0}};
  PhynnJet  jet2, jet1;
  int       X = -1, Xd = -1, Xdd = -1;
  double   *x = NULL, *xd = NULL, *xdd = NULL;
  const int N = 4, C = 3;
  PetscFunctionBegin;
  PetscCall(PhynnJetSeeded(PETSC_COMM_SELF, 1, 1, pair, &jet2));
  PetscCall(PhynnJetSeeded(PETSC_COMM_SELF, 1, 0, NULL, &jet1));
  if (arg == 0) {
    PhynnMLP enc, dec;
    long     esz[3] = {C, 5, 2}, dsz[3] = {2, 5, C};
    int      in[3], e, z, zd, zdd, th, Xi, dst[3], d, d0, d2, t[3];
    PetscCall(PhynnMLPCreate(g, 3, esz, PHYNN_ACT_TANH, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &enc));
    PetscCall(PhynnMLPCreate(g, 3, dsz, PHYNN_ACT_SIGMOID, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &dec));
    PetscCall(PhynnGraphParam(g, "Xi", 2, 2, zeros, &Xi));
    PetscCall(PhynnGraphInput(g, "x", C, &X));
    PetscCall(PhynnGraphInput(g, "xdot", C, &Xd));
    PetscCall(PhynnGraphInput(g, "xddot", C, &Xdd));
    in[0] = X; in[1] = Xd; in[2] = Xdd;
    PetscCall(PhynnGraphJetStack(g, 3, in, &e));
    PetscCall(PhynnMLPApply(g, &enc, e, &jet2, &e));
    PetscCall(PhynnGraphBlock(g, e, 3, 0, &z));
    PetscCall(PhynnGraphBlock(g, e, 3, 1, &zd));
    PetscCall(PhynnGraphBlock(g, e, 3, 2, &zdd));
    PetscCall(PhynnGraphSin(g, z, &th));
    PetscCall(PhynnGraphDense(g, th, Xi, -1, NULL, &th)); /* Theta(z) Xi^T: the model's z'' */
    dst[0] = z; dst[1] = zd; dst[2] = th;
    PetscCall(PhynnGraphJetStack(g, 3, dst, &d));
    PetscCall(PhynnMLPApply(g, &dec, d, &jet2, &d));
    PetscCall(PhynnGraphBlock(g, d, 3, 0, &d0));
    PetscCall(PhynnGraphBlock(g, d, 3, 2, &d2));
    PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, d0, X, &t[0]));
    PetscCall(PhynnGraphSub(g, zdd, th, &t[1]));
    PetscCall(PhynnGraphMeanSquare(g, t[1], &t[1]));
    PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, d2, Xdd, &t[2]));
    PetscCall(PhynnGraphWeightedSum(g, 3, t, (const double[]){1.0, 0.5, 0.25}, root));
    PetscCall(PetscStrncpy(s->what, "SINDy autoencoder: encoder seeded by data [x; x'; x''], decoder by graph nodes [z; z'; Theta(z) Xi]", sizeof(s->what)));
  } else if (arg == 1 || arg == 2) {
    PhynnMLP mlp;
    long     sz[4] = {C, 6, 4, 2};
    int      in[3], h, b0, b1, t[2];
    PetscCall(PhynnMLPCreate(g, 4, sz, arg == 1 ? PHYNN_ACT_TANH : PHYNN_ACT_SIGMOID, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &mlp));
    if (arg == 1) {
      PetscCall(PhynnGraphParam(g, "x", N, C, zeros, &in[0]));
      PetscCall(PhynnGraphParam(g, "xdot", N, C, zeros, &in[1]));
      PetscCall(PhynnGraphParam(g, "xddot", N, C, zeros, &in[2]));
    } else {
      PetscCall(PhynnGraphInput(g, "x", C, &X));
      in[0] = X;
      PetscCall(PhynnGraphParam(g, "xdot", N, C, zeros, &in[1]));
    }
    PetscCall(PhynnGraphJetStack(g, arg == 1 ? 3 : 2, in, &h));
    PetscCall(PhynnMLPApply(g, &mlp, h, arg == 1 ? &jet2 : &jet1, &h));
    PetscCall(PhynnGraphBlock(g, h, arg == 1 ? 3 : 2, 0, &b0));
    PetscCall(PhynnGraphBlock(g, h, arg == 1 ? 3 : 2, arg == 1 ? 2 : 1, &b1));
    PetscCall(PhynnGraphMul(g, b0, b1, &t[0]));
    PetscCall(PhynnGraphMeanSquare(g, t[0], &t[0]));
    PetscCall(PhynnGraphMeanSquare(g, b1, &t[1]));
    PetscCall(PhynnGraphWeightedSum(g, 2, t, NULL, root));
    PetscCall(PetscStrncpy(s->what, arg == 1 ? "second-order seeded jet through tanh, every seeding block a parameter" : "first-order seeded jet through sigmoid, value as data and x' a parameter", sizeof(s->what)));
  } else {
    const long dims[3] = {2, 3, 2};
    int        A, B, in[2], st, b;
    PetscCall(PhynnGraphParamND(g, "A", 3, dims, PHYNN_DTYPE_COMPLEX, zeros, &A));
    PetscCall(PhynnGraphParamND(g, "B", 3, dims, PHYNN_DTYPE_COMPLEX, zeros, &B));
    in[0] = A; in[1] = B;
    PetscCall(PhynnGraphJetStack(g, 2, in, &st));
    PetscCall(PhynnGraphScale(g, st, 1.5, &st));
    PetscCall(PhynnGraphBlock(g, st, 2, 1, &b));
    PetscCall(PhynnGraphAdd(g, b, A, &b));
    PetscCall(PhynnGraphMeanSquare(g, b, &b));
    PetscCall(PhynnGraphMeanSquare(g, st, &st));
    PetscCall(PhynnGraphMul(g, b, st, root));
    PetscCall(PetscStrncpy(s->what, "jet stack and block of complex (2, 3, 2) values", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 191 + arg));
  if (X >= 0) {
    PetscCall(ScratchData(s, N * C, &x));
    PhynnUniformFill(23, 24, 0, N * C, -1.0, 1.0, x);
    PetscCall(PhynnGraphSetInput(g, X, N, x));
  }
  if (Xd >= 0) {
    PetscCall(ScratchData(s, N * C, &xd));
    PetscCall(ScratchData(s, N * C, &xdd));
    PhynnUniformFill(23, 25, 0, N * C, -1.0, 1.0, xd);
    PhynnUniformFill(23, 26, 0, N * C, -1.0, 1.0, xdd);
    PetscCall(PhynnGraphSetInput(g, Xd, N, xd));
    PetscCall(PhynnGraphSetInput(g, Xdd, N, xdd));
  }
  PetscFunctionReturn(0);
}

/* The SINDy autoencoder's loss terms (src/sindy_ae.c), from a model spec: encoder seeded by data
 * [x; x'; x''], the sindy block's masked Xi, Theta(z, z') from slices, products, sin, cos and a
 * concatenation, the decoder seeded by [z; z'; Theta Xi]. One coefficient is masked out (its
 * gradient must be exactly 0: the mask is frozen, and Xi's entry gets none through the product).
 *   arg 0..3: order 2, latent 1, sigmoid; the term recon, sindy_x, sindy_z or l1 alone.
 *   arg 4:    order 1, latent 2, tanh, every term weighted.
 *   arg 5:    order 2, latent 2, softplus, with cosines, every term weighted. */
static PetscErrorCode BuildSindyAE(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const long   F = 6, N = 4;
  const int    L = arg < 4 ? 1 : 2, order = arg == 4 ? 1 : 2;
  const char  *act = arg < 4 ? "sigmoid" : (arg == 4 ? "tanh" : "softplus");
  char         spec[512];
  PhynnSindyAE ae;
  double      *x, *xt, *xtt, *one, *zero, *theta;
  long         off, size;
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(spec, sizeof(spec),
                          "input frames dims=%ld\nmlp code(frames) sizes=%ld,5,%d act=%s out=identity\nmlp recon(code) sizes=%d,5,%ld act=%s out=identity\n"
                          "sindy law(code) order=%d poly=2 sine=1 cosine=%d constant=1\noutput code\noutput recon\n",
                          F, F, L, act, L, F, act, order, arg == 5));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &s->model));
  PetscCall(PhynnModelSetSpec(s->model, spec, "BuildSindyAE"));
  PetscCall(PhynnSindyAEFromModel(PETSC_COMM_SELF, s->model, "BuildSindyAE", &ae));
  PetscCall(PhynnModelSetUp(s->model, g, NULL));
  PetscCall(PhynnSindyAEGraph(s->model, g, &ae));
  if (arg < 4) *root = ae.term[arg];
  else PetscCall(PhynnGraphWeightedSum(g, PHYNN_SINDY_AE_TERMS, ae.term, (const double[]){1.0, 0.5, 0.3, 0.2}, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 211 + arg));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
  PetscCall(PhynnGraphParamSlice(g, ae.mask, &off, &size));
  for (long i = 0; i < size; i++) theta[off + i] = i == 1 ? 0.0 : 1.0;
  PetscCall(ScratchData(s, N * F, &x));
  PetscCall(ScratchData(s, N * F, &xt));
  PetscCall(ScratchData(s, N * F, &xtt));
  PetscCall(ScratchData(s, N, &one));
  PetscCall(ScratchData(s, size, &zero));
  PhynnUniformFill(31, 1, 0, N * F, 0.0, 1.0, x);
  PhynnUniformFill(31, 2, 0, N * F, -1.0, 1.0, xt);
  PhynnUniformFill(31, 3, 0, N * F, -1.0, 1.0, xtt);
  for (long i = 0; i < N; i++) one[i] = 1;
  PetscCall(PhynnGraphSetInput(g, ae.x, N, x));
  PetscCall(PhynnGraphSetInput(g, ae.x_t, N, xt));
  if (ae.x_tt >= 0) PetscCall(PhynnGraphSetInput(g, ae.x_tt, N, xtt));
  PetscCall(PhynnGraphSetInput(g, ae.one, N, one));
  PetscCall(PhynnGraphSetInput(g, ae.zero, L, zero));
  PetscCall(PetscSNPrintf(s->what, sizeof(s->what), "SINDy autoencoder, order %d, latent %d, %s: %s", order, L, act, arg < 4 ? PhynnSindyAETermNames[arg] : "all four terms weighted"));
  PetscFunctionReturn(0);
}

/* No hidden limits: a 51 x 51 frame (2601 columns) through the jet input layer (directions along
 * the first and the last pixel) and a dense layer, and a weighted sum of 20 terms. */
#define FRAME 2601
static PetscErrorCode BuildWideFrame(PhynnGraph g, int arg, Scratch *s, int *root)
{
  PhynnJet jet = PhynnJetNone(FRAME);
  int      X, h, W, b, z;
  double  *shift, *scale, *frames;
  PetscFunctionBegin;
  (void)arg;
  jet.nfirst   = 2;
  jet.first[0] = 0;
  jet.first[1] = FRAME - 1;
  PetscCall(ScratchData(s, FRAME, &shift));
  PetscCall(ScratchData(s, FRAME, &scale));
  PetscCall(ScratchData(s, 2 * FRAME, &frames));
  for (long c = 0; c < FRAME; c++) {
    shift[c] = 0.5;
    scale[c] = 1.0 + (double)c / FRAME;
  }
  PhynnUniformFill(13, 14, 0, 2 * FRAME, 0.0, 1.0, frames);
  PetscCall(PhynnGraphInput(g, "frame", FRAME, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, shift, scale, &h));
  PetscCall(PhynnGraphParam(g, "W", 3, FRAME, zeros, &W));
  PetscCall(PhynnGraphParam(g, "b", 1, 3, zeros, &b));
  PetscCall(PhynnGraphDense(g, h, W, b, &jet, &z));
  PetscCall(PhynnGraphActivation(g, z, PHYNN_ACT_TANH, 0, &jet, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 121));
  {
    double *theta; /* smaller weights keep tanh away from saturation over 2601 inputs */
    long    n;
    PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
    for (long i = 0; i < n; i++) theta[i] *= 0.05;
  }
  PetscCall(PhynnGraphSetInput(g, X, 2, frames));
  PetscCall(PetscStrncpy(s->what, "2601-column frames through the jet input (2 directions) + dense + jet tanh", sizeof(s->what)));
  PetscFunctionReturn(0);
}

static PetscErrorCode BuildManyTerms(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int    P, t[20];
  double w[20];
  PetscFunctionBegin;
  (void)arg;
  PetscCall(PhynnGraphParam(g, "P", 20, 1, zeros, &P));
  for (int k = 0; k < 20; k++) {
    PetscCall(PhynnGraphSlice(g, P, 20, k, 0, &t[k])); /* row k */
    PetscCall(PhynnGraphSin(g, t[k], &t[k]));
    PetscCall(PhynnGraphMeanSquare(g, t[k], &t[k]));
    w[k] = 0.1 * (k + 1) * (k % 2 ? -1 : 1);
  }
  PetscCall(PhynnGraphWeightedSum(g, 20, t, w, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 131));
  PetscCall(PetscStrncpy(s->what, "weighted sum of 20 terms", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Convolutions (src/op_conv.c) on parameter images, so dx, dW and db are all checked; a loss
 * sin + mean square that is not quadratic in the output. arg:
 *   0 conv2d, odd sizes (2, 3, 5, 7) by a 3 x 2 kernel, stride 1, no padding, bias
 *   1 conv2d, stride 2 with padding 1, (2, 2, 7, 6) by 3 x 3
 *   2 conv2d on 1-D signals (H = 1): (3, 2, 1, 9) by 1 x 3, stride (1, 2), padding (0, 1), no bias
 *   3 conv2d over 3 jet blocks of 2 images (the bias on the value block), stride 2, padding 1
 *   4 conv_transpose2d, stride 2, padding 1: (2, 3, 4, 5) -> (2, 2, 7, 9)
 *   5 conv_transpose2d on 1-D signals, stride 1, no bias
 *   6 conv_transpose2d over 3 jet blocks, 2 x 2 kernel, stride 2 (upsampling), bias */
static PetscErrorCode BuildConv(PhynnGraph g, int arg, Scratch *s, int *root)
{
  static const struct {
    long        x[4], w[4], sh, sw, ph, pw;
    int         bias, jet, transposed;
    const char *what;
  } c[7] = {
    {{2, 3, 5, 7}, {4, 3, 3, 2}, 1, 1, 0, 0, 1, 0, 0, "conv2d, odd sizes (2, 3, 5, 7) by 3 x 2, stride 1, bias"},
    {{2, 2, 7, 6}, {3, 2, 3, 3}, 2, 2, 1, 1, 1, 0, 0, "conv2d, stride 2, padding 1, (2, 2, 7, 6) by 3 x 3"},
    {{3, 2, 1, 9}, {2, 2, 1, 3}, 1, 2, 0, 1, 0, 0, 0, "conv2d on 1-D signals (H = 1), stride 2, padding 1, no bias"},
    {{6, 2, 5, 5}, {3, 2, 3, 3}, 2, 2, 1, 1, 1, 1, 0, "conv2d over 3 jet blocks (bias on the value block), stride 2, padding 1"},
    {{2, 3, 4, 5}, {3, 2, 3, 3}, 2, 2, 1, 1, 1, 0, 1, "conv_transpose2d, stride 2, padding 1, (2, 3, 4, 5) -> (2, 2, 7, 9)"},
    {{2, 2, 1, 6}, {2, 3, 1, 3}, 1, 1, 0, 0, 0, 0, 1, "conv_transpose2d on 1-D signals (H = 1), stride 1, no bias"},
    {{6, 2, 3, 3}, {2, 2, 2, 2}, 2, 2, 0, 0, 1, 1, 1, "conv_transpose2d over 3 jet blocks, 2 x 2 kernel, stride 2, bias"},
  };
  PhynnJet jet = JetOf(2, 0, NULL);
  long     oc  = c[arg].transposed ? c[arg].w[1] : c[arg].w[0], db[2] = {1, oc};
  int      X, W, b = -1, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParamND(g, "X", 4, c[arg].x, PHYNN_DTYPE_REAL, zeros, &X));
  PetscCall(PhynnGraphParamND(g, "W", 4, c[arg].w, PHYNN_DTYPE_REAL, zeros, &W));
  if (c[arg].bias) PetscCall(PhynnGraphParamND(g, "b", 2, db, PHYNN_DTYPE_REAL, zeros, &b));
  if (c[arg].transposed) PetscCall(PhynnGraphConvTranspose2d(g, X, W, b, c[arg].sh, c[arg].sw, c[arg].ph, c[arg].pw, c[arg].jet ? &jet : NULL, &z));
  else PetscCall(PhynnGraphConv2d(g, X, W, b, c[arg].sh, c[arg].sw, c[arg].ph, c[arg].pw, c[arg].jet ? &jet : NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 191 + arg));
  PetscCall(PetscStrncpy(s->what, c[arg].what, sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* The Fourier layer's spectral convolution (src/op_spectral.c): x and the complex weights R are
 * parameters, so both gradients are checked. The cases cover an even and an odd signal length with
 * every bin kept (up to Nyquist), a 2-D spectrum with positive and negative rows, and jets. */
static PetscErrorCode BuildSpectral(PhynnGraph g, int arg, Scratch *s, int *root)
{
  static const struct {
    long        x[4], kh, kw, oc;
    int         jet;
    const char *what;
  } c[5] = {
    {{2, 2, 1, 8}, 0, 5, 3, 0, "spectral_conv 1-D, N = 8 even, all 5 bins (Nyquist kept)"},
    {{2, 3, 1, 7}, 0, 4, 2, 0, "spectral_conv 1-D, N = 7 odd, all 4 bins"},
    {{3, 2, 1, 9}, 0, 2, 2, 0, "spectral_conv 1-D, N = 9, 2 of 5 bins"},
    {{2, 2, 6, 5}, 2, 3, 2, 0, "spectral_conv 2-D, 6 x 5, rows 0,1 and 4,5, 3 of 3 columns"},
    {{6, 2, 4, 6}, 2, 4, 3, 1, "spectral_conv 2-D over 3 jet blocks, 4 x 6, every row, 4 of 4 columns (Nyquist both ways)"},
  };
  PhynnJet jet = JetOf(2, 0, NULL);
  long     dr[4] = {c[arg].kh ? 2 * c[arg].kh : 1, c[arg].kw, c[arg].x[1], c[arg].oc};
  int      X, R, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParamND(g, "X", 4, c[arg].x, PHYNN_DTYPE_REAL, zeros, &X));
  PetscCall(PhynnGraphParamND(g, "R", 4, dr, PHYNN_DTYPE_COMPLEX, zeros, &R));
  PetscCall(PhynnGraphSpectralConv(g, X, R, c[arg].kh, c[arg].kw, c[arg].jet ? &jet : NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 291 + arg));
  PetscCall(PetscStrncpy(s->what, c[arg].what, sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* append_grid (src/op_grid.c) of 1-D and 2-D parameter fields; the coordinate channels enter the
 * loss (sin of everything), so a wrong slice of the gradient would show. */
static PetscErrorCode BuildAppendGrid(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const long d1[4] = {2, 2, 1, 5}, d2[4] = {2, 1, 3, 4};
  int        X, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParamND(g, "X", 4, arg ? d2 : d1, PHYNN_DTYPE_REAL, zeros, &X));
  PetscCall(PhynnGraphAppendGrid(g, X, 0.1, 0.2, -0.5, 0.3, &z));
  PetscCall(PhynnGraphMul(g, z, z, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 301 + arg));
  PetscCall(PetscStrncpy(s->what, arg ? "append_grid of (2, 1, 3, 4) fields: x and y channels" : "append_grid of (2, 2, 1, 5) signals: an x channel", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* pad_circular (src/op_pad.c) and a convolution after it: 1-D with the padding as wide as the
 * signal (every value copied twice more), 2-D with both paddings. */
static PetscErrorCode BuildPadCircular(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const long dx1[4] = {2, 2, 1, 3}, dx2[4] = {2, 1, 4, 5}, dw1[4] = {2, 2, 1, 3}, dw2[4] = {2, 1, 3, 3};
  int        X, W, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParamND(g, "X", 4, arg ? dx2 : dx1, PHYNN_DTYPE_REAL, zeros, &X));
  PetscCall(PhynnGraphParamND(g, "W", 4, arg ? dw2 : dw1, PHYNN_DTYPE_REAL, zeros, &W));
  PetscCall(PhynnGraphPadCircular(g, X, arg ? 1 : 0, arg ? 2 : 3, &z));
  PetscCall(PhynnGraphConv2d(g, z, W, -1, 1, 1, 0, 0, NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 311 + arg));
  PetscCall(PetscStrncpy(s->what, arg ? "pad_circular (1, 2) of (2, 1, 4, 5) fields, then a 3 x 3 conv" : "pad_circular by 3 of (2, 2, 1, 3) signals (the whole signal), then a 1 x 3 conv", sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Pooling (src/op_pool.c) of parameter images. Random draws make exact ties in a max window
 * improbable (the tie rule is checked by value in CheckConv). arg:
 *   0 average 3 x 3, stride 2, padding 1 on (2, 2, 7, 6)
 *   1 average 2 x 2, stride 2, over 3 jet blocks of 2 images (5 x 5: the last row and column unused)
 *   2 max 3 x 3, stride 2, padding 1 on (2, 2, 7, 6)
 *   3 max on 1-D signals (H = 1): (2, 3, 1, 8), window 1 x 3, stride (1, 2), padding (0, 1) */
static PetscErrorCode BuildPool(PhynnGraph g, int arg, Scratch *s, int *root)
{
  static const struct {
    long        x[4], k[2], st[2], pd[2];
    int         jet, max;
    const char *what;
  } c[4] = {
    {{2, 2, 7, 6}, {3, 3}, {2, 2}, {1, 1}, 0, 0, "avg_pool2d 3 x 3, stride 2, padding 1"},
    {{6, 2, 5, 5}, {2, 2}, {2, 2}, {0, 0}, 1, 0, "avg_pool2d 2 x 2, stride 2, over 3 jet blocks"},
    {{2, 2, 7, 6}, {3, 3}, {2, 2}, {1, 1}, 0, 1, "max_pool2d 3 x 3, stride 2, padding 1"},
    {{2, 3, 1, 8}, {1, 3}, {1, 2}, {0, 1}, 0, 1, "max_pool2d on 1-D signals (H = 1), window 3, stride 2, padding 1"},
  };
  PhynnJet jet = JetOf(2, 0, NULL);
  int      X, z;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParamND(g, "X", 4, c[arg].x, PHYNN_DTYPE_REAL, zeros, &X));
  if (c[arg].max) PetscCall(PhynnGraphMaxPool2d(g, X, c[arg].k[0], c[arg].k[1], c[arg].st[0], c[arg].st[1], c[arg].pd[0], c[arg].pd[1], NULL, &z));
  else PetscCall(PhynnGraphAvgPool2d(g, X, c[arg].k[0], c[arg].k[1], c[arg].st[0], c[arg].st[1], c[arg].pd[0], c[arg].pd[1], c[arg].jet ? &jet : NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 201 + arg));
  PetscCall(PetscStrncpy(s->what, c[arg].what, sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Layout ops (src/op_resize.c) on parameter images. arg 0: nearest upsampling by (2, 3) of odd
 * (2, 3, 3, 5) images; arg 1: reshape of a (3, 2, 3, 4) parameter to (3, 24) and a dense layer
 * on it, then reshape of the dense output (3, 12) to (3, 3, 2, 2) images and a conv2d. */
static PetscErrorCode BuildResize(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int z;
  PetscFunctionBegin;
  if (arg == 0) {
    const long dx[4] = {2, 3, 3, 5};
    int        X;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphUpsampleNearest(g, X, 2, 3, &z));
    PetscCall(PetscStrncpy(s->what, "upsample_nearest by (2, 3) of (2, 3, 3, 5) images", sizeof(s->what)));
  } else {
    const long dx[4] = {3, 2, 3, 4}, flat[2] = {0, 24}, img[4] = {0, 3, 2, 2}, dw[4] = {2, 3, 2, 2};
    int        X, W, K;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParam(g, "W", 12, 24, zeros, &W));
    PetscCall(PhynnGraphParamND(g, "K", 4, dw, PHYNN_DTYPE_REAL, zeros, &K));
    PetscCall(PhynnGraphReshape(g, X, 2, flat, &z));
    PetscCall(PhynnGraphDense(g, z, W, -1, NULL, &z));
    PetscCall(PhynnGraphReshape(g, z, 4, img, &z));
    PetscCall(PhynnGraphConv2d(g, z, K, -1, 1, 1, 1, 1, NULL, &z));
    PetscCall(PetscStrncpy(s->what, "reshape (3, 2, 3, 4) -> (3, 24), dense, reshape (3, 12) -> (3, 3, 2, 2), conv2d", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 221 + arg));
  PetscFunctionReturn(0);
}

/* Concatenation (src/op_concat.c) of parameter images or rows; a layer after it mixes the
 * channels, so a slice handed to the wrong input would show. arg:
 *   0 three images (2, 2, 3, 4), (2, 1, 3, 4), (2, 3, 3, 4) -> (2, 6, 3, 4), then conv2d 3 x 3
 *   1 rows (4, 3) and (4, 5) -> (4, 8), then dense
 *   2 two conv2d outputs over 3 jet blocks (6 images) -> concat -> conv2d in the same jet */
static PetscErrorCode BuildConcat(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int z;
  PetscFunctionBegin;
  if (arg == 0) {
    const long d[3][4] = {{2, 2, 3, 4}, {2, 1, 3, 4}, {2, 3, 3, 4}}, dw[4] = {2, 6, 3, 3};
    int        X[3], W;
    for (int k = 0; k < 3; k++) PetscCall(PhynnGraphParamND(g, k == 0 ? "X0" : k == 1 ? "X1" : "X2", 4, d[k], PHYNN_DTYPE_REAL, zeros, &X[k]));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphConcat(g, 3, X, &z));
    PetscCall(PhynnGraphConv2d(g, z, W, -1, 1, 1, 1, 1, NULL, &z));
    PetscCall(PetscStrncpy(s->what, "concat of (2, 2|1|3, 3, 4) images along channels, then conv2d", sizeof(s->what)));
  } else if (arg == 1) {
    int A, B, W, in[2];
    PetscCall(PhynnGraphParam(g, "A", 4, 3, zeros, &A));
    PetscCall(PhynnGraphParam(g, "B", 4, 5, zeros, &B));
    PetscCall(PhynnGraphParam(g, "W", 2, 8, zeros, &W));
    in[0] = B; in[1] = A; /* the second input first: the order is the caller's */
    PetscCall(PhynnGraphConcat(g, 2, in, &z));
    PetscCall(PhynnGraphDense(g, z, W, -1, NULL, &z));
    PetscCall(PetscStrncpy(s->what, "concat of rows (4, 5) and (4, 3) along features, then dense", sizeof(s->what)));
  } else {
    const long dx[4] = {6, 2, 4, 4}, dw1[4] = {2, 2, 3, 3}, dw2[4] = {1, 2, 3, 3}, dw3[4] = {2, 3, 3, 3};
    PhynnJet   jet = JetOf(2, 0, NULL);
    int        X, W1, W2, W3, in[2];
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W1", 4, dw1, PHYNN_DTYPE_REAL, zeros, &W1));
    PetscCall(PhynnGraphParamND(g, "W2", 4, dw2, PHYNN_DTYPE_REAL, zeros, &W2));
    PetscCall(PhynnGraphParamND(g, "W3", 4, dw3, PHYNN_DTYPE_REAL, zeros, &W3));
    PetscCall(PhynnGraphConv2d(g, X, W1, -1, 1, 1, 1, 1, &jet, &in[0]));
    PetscCall(PhynnGraphConv2d(g, X, W2, -1, 1, 1, 1, 1, &jet, &in[1]));
    PetscCall(PhynnGraphConcat(g, 2, in, &z));
    PetscCall(PhynnGraphConv2d(g, z, W3, -1, 2, 2, 1, 1, &jet, &z));
    PetscCall(PetscStrncpy(s->what, "concat of two conv2d outputs over 3 jet blocks, then conv2d in the jet", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 241 + arg));
  PetscFunctionReturn(0);
}

/* Dropout (src/op_dropout.c) of parameter images: the mask is fixed by (seed, step, sample ids),
 * so the finite differences see the same mask as the backward. arg:
 *   0 training, p = 0.3, (5, 2, 3, 3), seed 3, step 7, sample ids 40..44
 *   1 training, p = 0.5, in a jet of 3 blocks between two conv2d layers (a sample's blocks share a mask)
 *   2 evaluation mode, p = 0.5 (the identity) */
static PetscErrorCode BuildDropout(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int z;
  PetscFunctionBegin;
  if (arg == 1) {
    const long dx[4] = {6, 2, 4, 4}, dw[4] = {2, 2, 3, 3};
    PhynnJet   jet = JetOf(2, 0, NULL);
    int        X, W1, W2;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W1", 4, dw, PHYNN_DTYPE_REAL, zeros, &W1));
    PetscCall(PhynnGraphParamND(g, "W2", 4, dw, PHYNN_DTYPE_REAL, zeros, &W2));
    PetscCall(PhynnGraphConv2d(g, X, W1, -1, 1, 1, 1, 1, &jet, &z));
    PetscCall(PhynnGraphDropout(g, z, 0.5, &jet, &z));
    PetscCall(PhynnGraphConv2d(g, z, W2, -1, 1, 1, 1, 1, &jet, &z));
    PetscCall(PetscStrncpy(s->what, "dropout p = 0.5 in a 3-block jet between conv2d layers (training)", sizeof(s->what)));
  } else {
    const long dx[4] = {5, 2, 3, 3};
    const long ids[5] = {40, 41, 42, 43, 44};
    int        X;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphDropout(g, X, arg == 0 ? 0.3 : 0.5, NULL, &z));
    PetscCall(PhynnGraphSetRandomSeed(g, 3));
    PetscCall(PhynnGraphSetStep(g, 7));
    PetscCall(PhynnGraphSetSampleIds(g, 5, ids));
    if (arg == 2) PetscCall(PhynnGraphSetTraining(g, PETSC_FALSE));
    PetscCall(PetscStrncpy(s->what, arg == 0 ? "dropout p = 0.3 of (5, 2, 3, 3) images (training, fixed seed, step and sample ids)" : "dropout p = 0.5 in evaluation mode (identity)", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 251 + arg));
  PetscFunctionReturn(0);
}

/* Batch norm (src/op_batchnorm.c): dx, dgamma and dbeta against central differences; the running
 * statistics are frozen (their gradient must be exactly 0). The batch statistics make every
 * output depend on every input of its channel, so dx checks the coupling terms A / M and
 * xhat B / M. arg:
 *   0 training, images (4, 3, 3, 2) as a parameter, gamma and beta
 *   1 training, rows (6, 4) per feature, gamma and beta
 *   2 training, after conv2d (dx flows on into W), no gamma or beta, momentum 0.5
 *   3 evaluation: the running statistics (set to mean ~N(0, 0.7), var in [0.5, 1.5)) normalise */
static PetscErrorCode BuildBatchNorm(PhynnGraph g, int arg, Scratch *s, int *root)
{
  const char *what[4] = {"batchnorm of (4, 3, 3, 2) images, training (batch statistics), gamma and beta", "batchnorm of rows (6, 4) per feature, training, gamma and beta",
                         "batchnorm after conv2d, training, no gamma or beta, momentum 0.5", "batchnorm of (4, 3, 3, 2) images, evaluation (running statistics), gamma and beta"};
  const long  dx[4] = {4, 3, 3, 2}, dc[2] = {1, 3}, dr[2] = {6, 4}, df[2] = {1, 4}, dw[4] = {3, 2, 3, 3}, dxc[4] = {3, 2, 4, 4};
  int         X, W, gam = -1, bet = -1, rm, rv, z;
  PetscFunctionBegin;
  if (arg == 2) {
    PetscCall(PhynnGraphParamND(g, "X", 4, dxc, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphConv2d(g, X, W, -1, 1, 1, 1, 1, NULL, &X));
  } else PetscCall(PhynnGraphParamND(g, "X", arg == 1 ? 2 : 4, arg == 1 ? dr : dx, PHYNN_DTYPE_REAL, zeros, &X));
  if (arg != 2) {
    PetscCall(PhynnGraphParamND(g, "gamma", 2, arg == 1 ? df : dc, PHYNN_DTYPE_REAL, zeros, &gam));
    PetscCall(PhynnGraphParamND(g, "beta", 2, arg == 1 ? df : dc, PHYNN_DTYPE_REAL, zeros, &bet));
  }
  PetscCall(PhynnGraphParamND(g, "running_mean", 2, arg == 1 ? df : dc, PHYNN_DTYPE_REAL, zeros, &rm));
  PetscCall(PhynnGraphParamND(g, "running_var", 2, arg == 1 ? df : dc, PHYNN_DTYPE_REAL, zeros, &rv));
  PetscCall(PhynnGraphBatchNorm2d(g, X, gam, bet, rm, rv, 1e-5, arg == 2 ? 0.5 : 0.1, &z));
  if (arg == 3) PetscCall(PhynnGraphSetTraining(g, PETSC_FALSE));
  PetscCall(PhynnGraphSin(g, z, &z)); /* the mean square of xhat alone would be the constant M per channel */
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 261 + arg));
  { /* a positive running variance (random draws may be negative) */
    double *theta;
    long    off, sz;
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PhynnGraphParamSlice(g, rv, &off, &sz));
    PhynnUniformFill(27, 28, 0, sz, 0.5, 1.5, theta + off);
  }
  PetscCall(PetscStrncpy(s->what, what[arg], sizeof(s->what)));
  PetscFunctionReturn(0);
}

/* Spatial ops (src/op_spatial.c). arg 0: spatial_softargmax of (2, 3, 5, 4) parameter images;
 * arg 1: rigid_warp of a (2, 6, 8) template (factor 2, 3 x 4 output) by rotation poses (3, 1)
 * about a pivot; arg 2: the same with (angle, tx, ty) poses (3, 3) and pixels 1.3 times taller than wide. Random real-valued poses keep
 * the sample points off the template's grid lines, where the bilinear slope jumps. arg 3: the
 * intensity centroid (linear weights) of sigmoid images; arg 4: rigid_warp by direction poses (3, 2);
 * arg 5: polar_angle of (3, 4) positions (2 channels) about a pivot, with unequal scales, some
 * positions on either side of the pivot (random values in [-1, 1] keep them off it). */
static PetscErrorCode BuildSpatial(PhynnGraph g, int arg, Scratch *s, int *root)
{
  int z;
  PetscFunctionBegin;
  if (arg == 0) {
    const long dx[4] = {2, 3, 5, 4};
    int        X;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphSpatialSoftArgmax(g, X, PETSC_FALSE, &z));
    PetscCall(PetscStrncpy(s->what, "spatial_softargmax of (2, 3, 5, 4) images", sizeof(s->what)));
  } else if (arg == 5) {
    const double scale[2] = {1.0, 1.15}, pivot[2] = {0.1, 0.2};
    int          Y;
    PetscCall(PhynnGraphParam(g, "Y", 3, 4, zeros, &Y));
    PetscCall(PhynnGraphPolarAngle(g, Y, scale, pivot, &z));
    PetscCall(PetscStrncpy(s->what, "polar_angle of (3, 4) positions about a pivot", sizeof(s->what)));
  } else if (arg == 3) { /* the intensity centroid of positive images: sigmoid(X) > 0 */
    const long dx[4] = {2, 3, 5, 4};
    int        X;
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphActivation(g, X, PHYNN_ACT_SIGMOID, 0, NULL, &z));
    PetscCall(PhynnGraphSpatialSoftArgmax(g, z, PETSC_TRUE, &z));
    PetscCall(PetscStrncpy(s->what, "spatial centroid (linear weights) of (2, 3, 5, 4) positive images", sizeof(s->what)));
  } else {
    const long dt[3] = {2, 6, 8};
    int        T, P, C;
    PetscCall(PhynnGraphParamND(g, "T", 3, dt, PHYNN_DTYPE_REAL, zeros, &T));
    PetscCall(PhynnGraphParam(g, "pose", 3, arg == 1 ? 1 : arg == 2 ? 3 : 2, zeros, &P));
    PetscCall(PhynnGraphParam(g, "pivot", 1, 2, zeros, &C));
    {
      const double c0[2] = {0.3, -0.2};
      PetscCall(PhynnGraphRigidWarp(g, T, P, C, c0, arg == 1 ? 1.0 : 1.3, 3, 4, 2, &z));
    }
    PetscCall(PetscStrncpy(s->what, arg == 1 ? "rigid_warp by angles about a pivot" : arg == 2 ? "rigid_warp by (angle, tx, ty)" : "rigid_warp by directions (angle = atan2)", sizeof(s->what)));
  }
  PetscCall(PhynnGraphSin(g, z, &z));
  PetscCall(PhynnGraphMeanSquare(g, z, root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 241 + arg));
  PetscFunctionReturn(0);
}

#define TOL_DEFAULT {0, 0, 0}
static const GradCase cases[] = {
  {"activations", BuildActivation, PHYNN_ACT_IDENTITY, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_SIGMOID, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_TANH, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_RELU, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_LEAKY_RELU, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_SINE, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_SOFTPLUS, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_SOFTMAX, TOL_DEFAULT},
  {"activations", BuildActivation, PHYNN_ACT_GELU, TOL_DEFAULT},
  {"losses", BuildLoss, PHYNN_LOSS_MSE, TOL_DEFAULT},
  {"losses", BuildLoss, PHYNN_LOSS_MAE, TOL_DEFAULT},
  {"losses", BuildLoss, PHYNN_LOSS_BCE, TOL_DEFAULT},
  {"losses", BuildLoss, PHYNN_LOSS_CCE, TOL_DEFAULT},
  {"arithmetic", BuildArithmetic, 0, TOL_DEFAULT},
  {"jet_gradients", BuildJetResidual, PHYNN_ACT_TANH, TOL_DEFAULT},
  {"jet_gradients", BuildJetResidual, PHYNN_ACT_SIGMOID, TOL_DEFAULT},
  {"jet_gradients", BuildJetResidual, PHYNN_ACT_SINE, TOL_DEFAULT},
  {"jet_gradients", BuildJetResidual, PHYNN_ACT_SOFTPLUS, TOL_DEFAULT},
  {"jet_gradients", BuildJetResidual, PHYNN_ACT_GELU, TOL_DEFAULT},
  {"every_op", BuildDense, 0, TOL_DEFAULT},
  {"every_op", BuildDense, 1, TOL_DEFAULT},
  {"dense", BuildDenseTransposed, 0, TOL_DEFAULT},
  {"dense", BuildDenseTransposed, 1, TOL_DEFAULT},
  {"every_op", BuildJetActivation, 0, TOL_DEFAULT},
  {"every_op", BuildJetActivation, 1, TOL_DEFAULT},
  {"every_op", BuildJetActivation, 2, TOL_DEFAULT},
  {"every_op", BuildJetActivation, 3, TOL_DEFAULT},
  {"every_op", BuildJetActivation, 4, TOL_DEFAULT},
  {"every_op", BuildBinary, 0, TOL_DEFAULT},
  {"every_op", BuildBinary, 1, TOL_DEFAULT},
  {"every_op", BuildBinary, 2, TOL_DEFAULT},
  {"every_op", BuildBinary, 3, TOL_DEFAULT},
  {"every_op", BuildBinary, 4, TOL_DEFAULT},
  {"every_op", BuildBinary, 5, TOL_DEFAULT},
  {"every_op", BuildBinary, 6, TOL_DEFAULT},
  {"every_op", BuildBinary, 7, TOL_DEFAULT},
  {"every_op", BuildBinary, 8, TOL_DEFAULT},
  {"every_op", BuildUnary, 0, TOL_DEFAULT},
  {"every_op", BuildUnary, 1, TOL_DEFAULT},
  {"every_op", BuildUnary, 2, TOL_DEFAULT},
  {"every_op", BuildUnary, 3, TOL_DEFAULT},
  {"every_op", BuildUnary, 4, TOL_DEFAULT},
  {"every_op", BuildUnary, 5, TOL_DEFAULT},
  {"every_op", BuildUnary, 6, TOL_DEFAULT},
  {"every_op", BuildUnary, 7, TOL_DEFAULT},
  {"every_op", BuildJetInput, 0, TOL_DEFAULT},
  {"every_op", BuildLossTerms, 0, TOL_DEFAULT},
  {"shapes", BuildAfterAdd, 0, TOL_DEFAULT},
  {"shapes", BuildAfterAdd, 1, TOL_DEFAULT},
  {"nd_complex", BuildND, 0, TOL_DEFAULT},
  {"nd_complex", BuildND, 1, TOL_DEFAULT},
  {"nd_complex", BuildND, 2, TOL_DEFAULT},
  {"seeded_jets", BuildSeeded, 0, TOL_DEFAULT},
  {"seeded_jets", BuildSeeded, 1, TOL_DEFAULT},
  {"seeded_jets", BuildSeeded, 2, TOL_DEFAULT},
  {"seeded_jets", BuildSeeded, 3, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 0, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 1, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 2, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 3, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 4, TOL_DEFAULT},
  {"sindy", BuildSindyAE, 5, TOL_DEFAULT},
  {"limits", BuildWideFrame, 0, TOL_DEFAULT},
  {"limits", BuildManyTerms, 0, TOL_DEFAULT},
  {"conv", BuildConv, 0, TOL_DEFAULT},
  {"conv", BuildConv, 1, TOL_DEFAULT},
  {"conv", BuildConv, 2, TOL_DEFAULT},
  {"conv", BuildConv, 3, TOL_DEFAULT},
  {"conv", BuildConv, 4, TOL_DEFAULT},
  {"conv", BuildConv, 5, TOL_DEFAULT},
  {"conv", BuildConv, 6, TOL_DEFAULT},
  {"spectral", BuildSpectral, 0, TOL_DEFAULT},
  {"spectral", BuildSpectral, 1, TOL_DEFAULT},
  {"spectral", BuildSpectral, 2, TOL_DEFAULT},
  {"spectral", BuildSpectral, 3, TOL_DEFAULT},
  {"spectral", BuildSpectral, 4, TOL_DEFAULT},
  {"spectral", BuildAppendGrid, 0, TOL_DEFAULT},
  {"spectral", BuildAppendGrid, 1, TOL_DEFAULT},
  {"conv", BuildPadCircular, 0, TOL_DEFAULT},
  {"conv", BuildPadCircular, 1, TOL_DEFAULT},
  {"conv", BuildPool, 0, TOL_DEFAULT},
  {"conv", BuildPool, 1, TOL_DEFAULT},
  {"conv", BuildPool, 2, TOL_DEFAULT},
  {"conv", BuildPool, 3, TOL_DEFAULT},
  {"conv", BuildResize, 0, TOL_DEFAULT},
  {"conv", BuildResize, 1, TOL_DEFAULT},
  {"conv", BuildSpatial, 0, TOL_DEFAULT},
  {"conv", BuildSpatial, 1, TOL_DEFAULT},
  {"conv", BuildSpatial, 2, TOL_DEFAULT},
  {"conv", BuildSpatial, 3, TOL_DEFAULT},
  {"conv", BuildSpatial, 4, TOL_DEFAULT},
  {"conv", BuildSpatial, 5, TOL_DEFAULT},
  {"concat", BuildConcat, 0, TOL_DEFAULT},
  {"concat", BuildConcat, 1, TOL_DEFAULT},
  {"concat", BuildConcat, 2, TOL_DEFAULT},
  {"dropout", BuildDropout, 0, TOL_DEFAULT},
  {"dropout", BuildDropout, 1, TOL_DEFAULT},
  {"dropout", BuildDropout, 2, TOL_DEFAULT},
  {"batchnorm", BuildBatchNorm, 0, TOL_DEFAULT},
  {"batchnorm", BuildBatchNorm, 1, TOL_DEFAULT},
  {"batchnorm", BuildBatchNorm, 2, TOL_DEFAULT},
  {"batchnorm", BuildBatchNorm, 3, TOL_DEFAULT},
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* Builds case c; if `check`, runs the gradient check, else one Forward and Backward; adds the op
 * types its graph holds to covered[] (when not NULL). */
static PetscErrorCode RunCase(const GradCase *c, PetscBool check, int *covered)
{
  PhynnGraph g;
  Scratch    s;
  int        root = -1;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(c->build(g, c->arg, &s, &root));
  if (covered)
    for (int i = 0; i < PhynnGraphNodeCount(g); i++) covered[PhynnGraphNodeOpType(g, i)] = 1;
  if (check) {
    PetscCall(GradCheck(g, root, s.what, c->tol));
  } else {
    PetscCall(PhynnGraphForward(g, root));
    PetscCall(PhynnGraphBackward(g, root));
  }
  if (s.model) PetscCall(PhynnModelRelease(s.model, g));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnModelDestroy(&s.model));
  for (int k = 0; k < s.nbuf; k++) PetscCall(PetscFree(s.buf[k]));
  PetscFunctionReturn(0);
}

/* Every op type of the table must appear in some case's graph. Each case is also built, run and
 * destroyed under PETSc's malloc log (the test runs with -malloc_debug): the memory in use must
 * be what it was, so every op's ctx and what its ALLOC took are given back (DESTROY). */
static PetscErrorCode CheckCoverage(void)
{
  int      *covered, missing = 0, leaks = 0;
  PetscBool logged;
  PetscFunctionBegin;
  PetscCall(PetscMallocGetDebug(&logged, NULL, NULL));
  PetscCall(PetscCalloc1(PhynnGraphOpTypeCount(), &covered));
  for (int k = 0; k < NCASES; k++) {
    PetscLogDouble before, after;
    PetscCall(PetscMallocGetCurrentUsage(&before));
    PetscCall(RunCase(&cases[k], PETSC_FALSE, covered));
    PetscCall(PetscMallocGetCurrentUsage(&after));
    if (after != before) leaks++;
    CHECK(after == before, "case %d (%s) leaves %.0f bytes allocated after PhynnGraphDestroy", k, cases[k].group, after - before);
  }
  for (int k = 0; k < PhynnGraphOpTypeCount(); k++)
    if (!covered[k]) {
      missing++;
      CHECK(0, "op type '%s' has no gradient-check case: add one to cases[] in tests/unit/test_gradcheck.c", PhynnGraphOpTypeName(k));
    }
  if (!missing) printf("ok   every one of the %d op types in the op table has a gradient-check case (%d cases)\n", PhynnGraphOpTypeCount(), NCASES);
  if (!leaks && logged) printf("ok   every case gives back all its memory when its graph is destroyed (PETSc malloc log)\n");
  if (!logged) printf("note the memory check needs -malloc_debug\n");
  PetscCall(PetscFree(covered));
  PetscFunctionReturn(0);
}

/* ---- checks that are not gradient checks -------------------------------------------------- */
/* The jets' values are the input derivatives of the network: compare with central differences
 * of the network output in physical coordinates (through the input scaling). */
static PetscErrorCode CheckJetValues(PhynnActivation act)
{
  PhynnGraph    g;
  PhynnMLP      mlp;
  PhynnJet      jet, none = PhynnJetNone(2);
  int           X, Xp, h, hp, out, outp, blocks[5], nreq;
  const char    names[2][32] = {"x", "t"};
  long          sizes[4]     = {2, 8, 8, 2};
  double        shift[2] = {0.1, 0.3}, scale[2] = {2.0, 0.5}, pts[3 * 2], probe[2];
  const double *val, *pval;
  const char   *req[5] = {"x", "t", "xx", "xt", "tt"};
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 2, names, "x,t,xx,xt,tt", &jet, &nreq, blocks, NULL));
  PetscCall(PhynnMLPCreate(g, 4, sizes, act, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &mlp));
  PetscCall(PhynnGraphInput(g, "points", 2, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, shift, scale, &h));
  PetscCall(PhynnMLPApply(g, &mlp, h, &jet, &out));
  PetscCall(PhynnGraphInput(g, "probe", 2, &Xp));
  PetscCall(PhynnGraphJetInput(g, Xp, &none, shift, scale, &hp));
  PetscCall(PhynnMLPApply(g, &mlp, hp, &none, &outp));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 51 + act));
  PhynnUniformFill(7, 8, 0, 6, -0.8, 0.8, pts);
  PetscCall(PhynnGraphSetInput(g, X, 3, pts));
  PetscCall(PhynnGraphForward(g, out));
  PetscCall(PhynnGraphValue(g, out, &val, NULL));
  PetscCall(PhynnGraphSetInput(g, Xp, 1, probe));
  for (int i = 0; i < 3; i++)
    for (int o = 0; o < 2; o++)
      for (int r = 0; r < 5; r++) {
        /* f(x + a e_c + b e_d) at the stencil points of the requested derivative */
        int    c = strchr(req[r], 't') == req[r] ? 1 : 0, d = (int)strlen(req[r]) == 2 ? (req[r][1] == 't' ? 1 : 0) : -1;
        double hstep = d < 0 ? 1e-5 : 1e-4, fd, f[3][3];
        for (int a = -1; a <= 1; a++)
          for (int b = -1; b <= 1; b++) {
            if (d < 0 && b != 0) continue;
            probe[0] = pts[2 * i];
            probe[1] = pts[2 * i + 1];
            probe[c] += a * hstep;
            if (d >= 0) probe[d] += b * hstep;
            PetscCall(PhynnGraphForward(g, outp));
            PetscCall(PhynnGraphValue(g, outp, &pval, NULL));
            f[a + 1][b + 1] = pval[o];
          }
        if (d < 0) fd = (f[2][1] - f[0][1]) / (2 * hstep);                                   /* f'  ~ (f(+h) - f(-h)) / 2h */
        else if (c == d) fd = (f[2][2] - 2 * f[1][1] + f[0][0]) / (4 * hstep * hstep);       /* both offsets on one axis: steps of 2h */
        else fd = (f[2][2] - f[2][0] - f[0][2] + f[0][0]) / (4 * hstep * hstep);             /* mixed */
        double jetv = val[((long)blocks[r] * 3 + i) * 2 + o];
        char   what[96];
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: d%s of output %d at point %d (jet vs finite difference)", PhynnActivationNames[act], req[r], o, i));
        CHECK_CLOSE(what, jetv, fd, 1e-5, d < 0 ? 1e-8 : 1e-5);
      }
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* Seeded jet values along a trajectory: with [x; x'; x''] stacked and the jet (1 direction, the
 * pair (0,0)), the network's blocks are f(x), J x' and J x'' + H[x', x'], the first and second
 * derivatives in s of f(x + s x' + s^2/2 x'') at s = 0. Compared with central differences of the
 * network along that curve: f' ~ (f(h) - f(-h)) / 2h (h = 1e-5), f'' ~ (f(h) - 2 f(0) + f(-h)) /
 * h^2 (h = 1e-4; truncation O(h^2) ~ 1e-8, rounding ~ eps / h^2 ~ 1e-8). order 1 checks [x; x']. */
static PetscErrorCode CheckSeededJetValues(PhynnActivation act, int order)
{
  const int     pair[1][2] = {{0, 0}}, N = 3, C = 3;
  PhynnGraph    g;
  PhynnMLP      mlp;
  PhynnJet      jet;
  long          sizes[4] = {C, 7, 6, 2};
  int           X, Xd, Xdd, P, in[3], h, out, outp, K = 1 + order;
  double        x[9], xd[9], xdd[9], probe[3];
  const double *val, *pval;
  PetscFunctionBegin;
  PetscCall(PhynnJetSeeded(PETSC_COMM_SELF, 1, order - 1, pair, &jet));
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnMLPCreate(g, 4, sizes, act, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &mlp));
  PetscCall(PhynnGraphInput(g, "x", C, &X));
  PetscCall(PhynnGraphInput(g, "xdot", C, &Xd));
  PetscCall(PhynnGraphInput(g, "xddot", C, &Xdd));
  in[0] = X; in[1] = Xd; in[2] = Xdd;
  PetscCall(PhynnGraphJetStack(g, K, in, &h));
  PetscCall(PhynnMLPApply(g, &mlp, h, &jet, &out));
  PetscCall(PhynnGraphInput(g, "probe", C, &P));
  PetscCall(PhynnMLPApply(g, &mlp, P, NULL, &outp));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 201 + act));
  PhynnUniformFill(27, 28, 0, 9, -0.8, 0.8, x);
  PhynnUniformFill(27, 29, 0, 9, -1.0, 1.0, xd);
  PhynnUniformFill(27, 30, 0, 9, -1.0, 1.0, xdd);
  PetscCall(PhynnGraphSetInput(g, X, N, x));
  PetscCall(PhynnGraphSetInput(g, Xd, N, xd));
  PetscCall(PhynnGraphSetInput(g, Xdd, N, xdd));
  PetscCall(PhynnGraphForward(g, out));
  PetscCall(PhynnGraphValue(g, out, &val, NULL));
  PetscCall(PhynnGraphSetInput(g, P, 1, probe));
  for (int i = 0; i < N; i++)
    for (int o = 0; o < 2; o++)
      for (int r = 1; r <= order; r++) {
        double hs = r == 1 ? 1e-5 : 1e-4, f[3], fd;
        char   what[128];
        for (int a = -1; a <= 1; a++) {
          double t = a * hs;
          for (int c = 0; c < C; c++) probe[c] = x[i * C + c] + t * xd[i * C + c] + 0.5 * t * t * xdd[i * C + c];
          PetscCall(PhynnGraphForward(g, outp));
          PetscCall(PhynnGraphValue(g, outp, &pval, NULL));
          f[a + 1] = pval[o];
        }
        fd = r == 1 ? (f[2] - f[0]) / (2 * hs) : (f[2] - 2 * f[1] + f[0]) / (hs * hs);
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s, jet [x; x'%s]: %s of output %d at point %d (block %d vs finite difference along the curve)", PhynnActivationNames[act], order == 2 ? "; x''" : "",
                                r == 1 ? "z' = J x'" : "z'' = J x'' + H[x', x']", o, i, r));
        CHECK_CLOSE(what, val[((long)r * N + i) * 2 + o], fd, 1e-5, r == 1 ? 1e-8 : 1e-5);
      }
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* Activations without a useful second derivative must be refused in second-order jets. */
static PetscErrorCode CheckRefusals(void)
{
  PhynnGraph     g;
  PhynnJet       jet;
  int            X, h, a, nreq, blocks[2];
  const char     names[1][32] = {"x"};
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 1, names, "xx", &jet, &nreq, blocks, NULL));
  PetscCall(PhynnGraphInput(g, "x", 1, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, NULL, NULL, &h));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnGraphActivation(g, h, PHYNN_ACT_RELU, 0, &jet, &a);
  CHECK(ierr != 0, "relu in a second-order jet must be refused");
  int before = phynn_test_failures;
  CHECK(ierr != 0, "relu in a second-order jet must be refused");
  ierr = PhynnGraphActivation(g, h, PHYNN_ACT_LEAKY_RELU, 0.1, &jet, &a);
  CHECK(ierr != 0, "leaky_relu in a second-order jet must be refused (docs/jets.md)");
  ierr = PhynnGraphActivation(g, h, PHYNN_ACT_SOFTMAX, 0, &jet, &a);
  CHECK(ierr != 0, "softmax in a jet must be refused");
  ierr = PhynnJetFromNames(PETSC_COMM_SELF, 1, names, "y", &jet, &nreq, blocks, NULL);
  CHECK(ierr != 0, "a derivative in an unknown coordinate must be refused");
  PetscCall(PetscPopErrorHandler());
  if (phynn_test_failures == before) printf("ok   relu/leaky_relu/softmax in second-order jets and unknown coordinates are refused\n");
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* Shapes at construction: a node's shape is set when it is built (rows from an input are 0 until
 * a Forward), and a shape error is raised by the op's own SHAPE check at that moment; the refused
 * node is removed, and the graph builds and runs on. */
static PetscErrorCode CheckShapes(void)
{
  PhynnGraph     g;
  PhynnShape     sh;
  int            X, W, V, z, y, a, bad, nbefore, loss;
  double         x[2 * 3] = {0.1, 0.2, 0.3, -0.4, 0.5, -0.6};
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "x", 3, &X));
  PetscCall(PhynnGraphParam(g, "W", 4, 3, zeros, &W));
  PetscCall(PhynnGraphParam(g, "V", 2, 5, zeros, &V));
  PetscCall(PhynnGraphDense(g, X, W, -1, NULL, &z));
  PetscCall(PhynnGraphSin(g, z, &y));
  PetscCall(PhynnGraphAdd(g, z, y, &a));
  PetscCall(PhynnGraphValue(g, a, NULL, &sh));
  CHECK(sh.ndim == 2 && sh.dim[0] == 0 && sh.dim[1] == 4, "an add of (rows, 4) nodes has shape (0, 4) when built, got ndim %d (%ld, %ld)", sh.ndim, sh.dim[0], sh.dim[1]);
  nbefore = PhynnGraphNodeCount(g);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnGraphDense(g, a, V, -1, NULL, &bad); /* V takes 5 inputs, the add gives 4 */
  CHECK(ierr != 0, "dense with 5-input weights after a 4-column add must be refused when built");
  ierr = PhynnGraphSlice(g, a, 1, 0, 4, &bad);
  CHECK(ierr != 0, "a slice of column 4 of a 4-column add must be refused when built");
  ierr = PhynnGraphSlice(g, z, 3, 0, 0, &bad);
  CHECK(ierr == 0, "a slice in 3 blocks of a node whose rows are not known yet is checked at Forward, not when built");
  PetscCall(PetscPopErrorHandler());
  CHECK(PhynnGraphNodeCount(g) == nbefore + 1, "refused nodes are removed: %d nodes, expected %d", PhynnGraphNodeCount(g), nbefore + 1);
  PetscCall(PhynnGraphMeanSquare(g, a, &loss));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 161));
  PetscCall(PhynnGraphSetInput(g, X, 2, x));
  PetscCall(PhynnGraphForward(g, loss));
  CHECK(isfinite(PhynnGraphScalar(g, loss)), "the graph runs after refused nodes");
  PetscCall(PhynnGraphValue(g, a, NULL, &sh));
  CHECK(sh.dim[0] == 2 && sh.dim[1] == 4, "after a Forward over 2 rows the add has shape (2, 4), got (%ld, %ld)", sh.dim[0], sh.dim[1]);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnGraphForward(g, bad); /* 2 rows are not 3 blocks: the Forward's SHAPE says so */
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr != 0, "the slice in 3 blocks of 2 rows must fail at Forward");
  printf("ok   shapes are set when a node is built; mismatches are refused then by the op's SHAPE (and the node removed); row counts are checked at Forward\n");
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* N-D and complex leaves: the parameter layout in doubles (a complex element takes two), the
 * table that reports it, initialisers that fill every double with the consuming op's fans (the
 * default (dim[0], product of the rest) otherwise), N-D inputs read as rows, and refusals. */
static PetscErrorCode CheckNDComplex(void)
{
  PhynnGraph     g;
  PhynnParamInfo info;
  const long     dW[2] = {2, 3}, dZ[3] = {2, 2, 2}, db[2] = {1, 4}, dK[4] = {4, 3, 2, 2};
  const long     want_off[4] = {0, 6, 22, 26}, want_nd[4] = {6, 16, 4, 48};
  int            W, Z, b, K, bad;
  double        *theta, *expect;
  long           n, off, size;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphParamND(g, "W", 2, dW, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_NORMAL, 0, 1}, &W));
  PetscCall(PhynnGraphParamND(g, "Z", 3, dZ, PHYNN_DTYPE_COMPLEX, (PhynnInitSpec){PHYNN_INIT_NORMAL, 0.5, 2}, &Z));
  PetscCall(PhynnGraphParamND(g, "b", 2, db, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 0.25, 0}, &b));
  PetscCall(PhynnGraphParamND(g, "K", 4, dK, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_XAVIER_UNIFORM, 0, 0}, &K));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphInitParameters(g, 7));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  CHECK(n == 74, "theta holds 6 + 2*8 + 4 + 48 = 74 doubles, got %ld", n);
  CHECK(PhynnGraphParamCount(g) == 4, "4 parameters, got %d", PhynnGraphParamCount(g));
  for (int k = 0; k < 4; k++) {
    PetscCall(PhynnGraphParamInfo(g, k, &info));
    PetscCall(PhynnGraphParamSlice(g, info.node, &off, &size));
    CHECK(info.offset == want_off[k] && info.ndoubles == want_nd[k] && off == want_off[k] && size == want_nd[k], "parameter %s: offset %ld (want %ld), %ld doubles (want %ld), slice (%ld, %ld)", info.name, info.offset,
          want_off[k], info.ndoubles, want_nd[k], off, size);
  }
  PetscCall(PhynnGraphParamInfo(g, 1, &info));
  CHECK(info.shape.ndim == 3 && info.shape.dtype == PHYNN_DTYPE_COMPLEX && info.shape.dim[2] == 2 && PhynnShapeElements(&info.shape) == 8, "the table reports Z as complex (2, 2, 2)");
  PetscCall(PetscMalloc1(48, &expect));
  /* every double of a complex parameter is a draw: stream PHYNN_STREAM_INIT + 1, indices 0..15 */
  PhynnNormalFill(7, PHYNN_STREAM_INIT + 1, 0, 16, 0.5, 2, expect);
  CHECK(!memcmp(theta + 6, expect, 16 * sizeof(double)), "Z's 16 doubles (re and im) are the normal draws of its stream");
  /* default fans of a (4, 3, 2, 2) weight no op declared: fan_out = 4, fan_in = 3 * 2 * 2 */
  PhynnUniformFill(7, PHYNN_STREAM_INIT + 3, 0, 48, -sqrt(6.0 / 16.0), sqrt(6.0 / 16.0), expect);
  CHECK(!memcmp(theta + 26, expect, 48 * sizeof(double)), "K (4, 3, 2, 2) takes Xavier with the default fans (fan_out 4, fan_in 12)");
  CHECK(theta[22] == 0.25 && theta[25] == 0.25, "b is the constant 0.25");
  printf("ok   parameters are collated in doubles (complex: two per element), reported so by the table, and initialised on every double\n");
  PetscCall(PetscFree(expect));

  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphParamND(g, "Z", 3, dZ, PHYNN_DTYPE_COMPLEX, zeros, &Z));
  PetscCall(PhynnGraphParamND(g, "R", 3, dZ, PHYNN_DTYPE_REAL, zeros, &W));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnGraphSin(g, Z, &bad);
  CHECK(ierr != 0, "sin of a complex value must be refused when built");
  ierr = PhynnGraphAdd(g, Z, W, &bad);
  CHECK(ierr != 0, "complex + real must be refused");
  ierr = PhynnGraphMul(g, Z, Z, &bad);
  CHECK(ierr != 0, "mul of complex values must be refused (it is not elementwise on the doubles)");
  {
    const long d5[5] = {1, 2, 3, 4, 5}, d0[2] = {3, 0};
    ierr = PhynnGraphParamND(g, "P5", 5, d5, PHYNN_DTYPE_REAL, zeros, &bad);
    CHECK(ierr != 0, "a 5-dimensional parameter must be refused (PHYNN_MAX_DIMS = %d)", PHYNN_MAX_DIMS);
    ierr = PhynnGraphParamND(g, "P0", 2, d0, PHYNN_DTYPE_REAL, zeros, &bad);
    CHECK(ierr != 0, "a parameter with a zero dimension must be refused");
    ierr = PhynnGraphInputND(g, "I5", 5, d5, &bad);
    CHECK(ierr != 0, "a 5-dimensional input must be refused");
  }
  PetscCall(PetscPopErrorHandler());
  CHECK(PhynnGraphNodeCount(g) == 2, "refused nodes leave the graph as it was (%d nodes)", PhynnGraphNodeCount(g));
  printf("ok   complex values are refused by ops that take real values, and shapes beyond PHYNN_MAX_DIMS or with empty dims are refused\n");
  PetscCall(PhynnGraphDestroy(&g));

  { /* an MLP's weights take Xavier with the fans dense declares: W (out, in) -> fan_in = in, fan_out = out */
    PhynnMLP mlp;
    long     sizes[3] = {3, 5, 2};
    int      X, out;
    double   w1[15], w2[10];
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnMLPCreate(g, 3, sizes, PHYNN_ACT_TANH, PHYNN_ACT_IDENTITY, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}, PETSC_TRUE, &mlp));
    PetscCall(PhynnGraphInput(g, "x", 3, &X));
    PetscCall(PhynnMLPApply(g, &mlp, X, NULL, &out));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(PhynnGraphInitParameters(g, 7));
    PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
    PhynnNormalFill(7, PHYNN_STREAM_INIT + 0, 0, 15, 0.0, sqrt(2.0 / (3 + 5)), w1);
    PhynnNormalFill(7, PHYNN_STREAM_INIT + 2, 0, 10, 0.0, sqrt(2.0 / (5 + 2)), w2);
    CHECK(n == 32 && !memcmp(theta, w1, sizeof(w1)) && theta[15] == 0 && theta[19] == 0 && !memcmp(theta + 20, w2, sizeof(w2)), "MLP [3,5,2] Xavier-normal weights with dense's fans, zero biases");
    printf("ok   an MLP's initial weights are Xavier draws with fan_in = W.dim[1], fan_out = W.dim[0] (dense declares them)\n");
    PetscCall(PhynnGraphDestroy(&g));
  }

  { /* an (N, 2, 3, 2) input and the same data as (N, 12) give the same dense output, bitwise */
    const long    dims[4] = {0, 2, 3, 2};
    int           X4, X2, W12, z4, z2;
    double        x[3 * 12];
    const double *v4, *v2;
    PhynnShape    s4;
    PhynnUniformFill(21, 22, 0, 36, -1.0, 1.0, x);
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphInputND(g, "x4", 4, dims, &X4));
    PetscCall(PhynnGraphInput(g, "x2", 12, &X2));
    PetscCall(PhynnGraphParam(g, "W", 3, 12, zeros, &W12));
    PetscCall(PhynnGraphDense(g, X4, W12, -1, NULL, &z4));
    PetscCall(PhynnGraphDense(g, X2, W12, -1, NULL, &z2));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(RandomParams(g, 181));
    PetscCall(PhynnGraphSetInput(g, X4, 3, x));
    PetscCall(PhynnGraphSetInput(g, X2, 3, x));
    PetscCall(PhynnGraphForward(g, z4));
    PetscCall(PhynnGraphForward(g, z2));
    PetscCall(PhynnGraphValue(g, z4, &v4, &s4));
    PetscCall(PhynnGraphValue(g, z2, &v2, NULL));
    CHECK(s4.ndim == 2 && s4.dim[0] == 3 && s4.dim[1] == 3 && !memcmp(v4, v2, 9 * sizeof(double)), "dense of (3, 2, 3, 2) equals dense of the same data as (3, 12)");
    PetscCall(PhynnGraphValue(g, X4, NULL, &s4));
    CHECK(s4.ndim == 4 && s4.dim[0] == 3 && s4.dim[3] == 2, "SetInput gives the N-D input its rows and keeps its dims");
    printf("ok   an (N, C, H, W) input is N rows of C H W values for the row-wise ops\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  PetscFunctionReturn(0);
}

/* The wide jet input's derivative rows are the constants e_c scale_c, so after a dense layer the
 * block of direction c holds W[:, c] scale_c exactly; and the limits that remain are named
 * constants with one-line errors. */
static PetscErrorCode CheckLimits(void)
{
  PhynnGraph     g;
  PhynnJet       jet = PhynnJetNone(FRAME);
  int            X, h, W, z, dummy;
  double        *scale, *frames, *theta;
  const double  *v;
  char           longname[PHYNN_NAME_MAX + 8];
  PetscErrorCode ierr;
  PetscFunctionBegin;
  jet.nfirst   = 2;
  jet.first[0] = 7;
  jet.first[1] = FRAME - 1;
  PetscCall(PetscMalloc2(FRAME, &scale, 3 * FRAME, &frames));
  for (long c = 0; c < FRAME; c++) scale[c] = 0.5 + (double)(c % 17);
  PhynnUniformFill(15, 16, 0, 3 * FRAME, 0.0, 1.0, frames);
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "frame", FRAME, &X));
  PetscCall(PhynnGraphJetInput(g, X, &jet, NULL, scale, &h));
  PetscCall(PhynnGraphParam(g, "W", 4, FRAME, zeros, &W));
  PetscCall(PhynnGraphDense(g, h, W, -1, &jet, &z));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 141));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
  PetscCall(PhynnGraphSetInput(g, X, 3, frames));
  PetscCall(PhynnGraphForward(g, z));
  PetscCall(PhynnGraphValue(g, z, &v, NULL));
  {
    double worst = 0;
    for (int d = 0; d < 2; d++)
      for (long i = 0; i < 3; i++)
        for (long j = 0; j < 4; j++) {
          long   c    = jet.first[d];
          double want = theta[j * FRAME + c] * scale[c], got = v[((1 + d) * 3 + i) * 4 + j];
          worst       = fmax(worst, fabs(got - want));
        }
    CHECK(worst == 0, "2601-column jet input: derivative rows after dense differ from W[:, c] scale_c by %g", worst);
    if (worst == 0) printf("ok   2601-column jet input: after dense, the block of direction c is exactly W[:, c] scale_c\n");
  }
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PetscFree2(scale, frames));

  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscCall(PetscMemzero(longname, sizeof(longname)));
  for (int k = 0; k < PHYNN_NAME_MAX; k++) longname[k] = 'a';
  ierr = PhynnGraphInput(g, longname, 1, &dummy);
  CHECK(ierr != 0, "a node name of %d characters must be refused (PHYNN_NAME_MAX)", PHYNN_NAME_MAX);
  longname[PHYNN_NAME_MAX - 1] = 0;
  ierr = PhynnGraphInput(g, longname, 1, &dummy);
  CHECK(ierr == 0, "a node name of %d characters must be accepted", PHYNN_NAME_MAX - 1);
  {
    PhynnJet   jet9, bad = PhynnJetNone(2);
    const char names[1][32] = {"x"};
    char       request[600];
    int        P, nreq, blocks[4];
    ierr = PhynnJetSeeded(PETSC_COMM_SELF, PHYNN_JET_MAX + 1, 0, NULL, &jet9);
    CHECK(ierr != 0, "a jet of %d directions must be refused (PHYNN_JET_MAX = %d)", PHYNN_JET_MAX + 1, PHYNN_JET_MAX);
    PetscCall(PhynnGraphParam(g, "P", 4, 2, zeros, &P));
    bad.nfirst   = 1;
    bad.first[0] = 2; /* coordinate 2 of 2 */
    ierr         = PhynnGraphJetInput(g, dummy, &bad, NULL, NULL, &dummy);
    CHECK(ierr != 0, "a jet direction outside the input coordinates must be refused");
    bad.nfirst = PHYNN_JET_MAX + 1;
    ierr       = PhynnGraphActivation(g, P, PHYNN_ACT_TANH, 0, &bad, &dummy);
    CHECK(ierr != 0, "a hand-built jet with %d directions must be refused", PHYNN_JET_MAX + 1);
    memset(request, 'x', sizeof(request) - 1);
    request[sizeof(request) - 1] = 0;
    ierr = PhynnJetFromNames(PETSC_COMM_SELF, 1, names, request, &jet9, &nreq, blocks, NULL);
    CHECK(ierr != 0, "a 599-character derivative request must be refused, not truncated");
  }
  PetscCall(PetscPopErrorHandler());
  printf("ok   node names: %d characters accepted, %d refused; jets beyond PHYNN_JET_MAX directions, directions outside the inputs and over-long requests refused\n", PHYNN_NAME_MAX - 1, PHYNN_NAME_MAX);
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* Convolution and pooling by value: conv2d's forward against a direct convolution loop and
 * conv_transpose2d's against a direct scatter loop (to 1e-12), max pooling's tie rule (the
 * gradient goes to the first maximum of a window) and padding (it never wins, even over negative
 * pixels), and the refusals (max pooling in a jet; channels that do not fit). */
static PetscErrorCode CheckConv(void)
{
  static const struct {
    long x[4], w[4], sh, sw, ph, pw;
    int  transposed;
  } c[5] = {
    {{2, 3, 5, 7}, {4, 3, 3, 2}, 1, 1, 0, 0, 0},
    {{2, 2, 7, 6}, {3, 2, 3, 3}, 2, 2, 1, 1, 0},
    {{3, 2, 1, 9}, {2, 2, 1, 3}, 1, 2, 0, 1, 0},
    {{2, 3, 9, 8}, {2, 3, 5, 4}, 3, 2, 2, 1, 0},
    {{2, 3, 4, 5}, {3, 2, 3, 3}, 2, 2, 1, 1, 1},
  };
  PhynnGraph     g;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  for (int t = 0; t < 5; t++) {
    const long   *xd = c[t].x, *wd = c[t].w, db[2] = {1, c[t].transposed ? wd[1] : wd[0]};
    long          N = xd[0], C = xd[1], H = xd[2], Wd = xd[3], KH = wd[2], KW = wd[3], OC = db[1], OH, OW;
    int           X, W, b, y;
    double       *theta, worst = 0, *want;
    const double *v, *xv, *wv, *bv;
    PhynnShape    sh;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParamND(g, "X", 4, xd, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, wd, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphParamND(g, "b", 2, db, PHYNN_DTYPE_REAL, zeros, &b));
    if (c[t].transposed) PetscCall(PhynnGraphConvTranspose2d(g, X, W, b, c[t].sh, c[t].sw, c[t].ph, c[t].pw, NULL, &y));
    else PetscCall(PhynnGraphConv2d(g, X, W, b, c[t].sh, c[t].sw, c[t].ph, c[t].pw, NULL, &y));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(RandomParams(g, 211 + t));
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    xv = theta;
    wv = xv + N * C * H * Wd;
    bv = wv + wd[0] * wd[1] * KH * KW;
    PetscCall(PhynnGraphForward(g, y));
    PetscCall(PhynnGraphValue(g, y, &v, &sh));
    OH = sh.dim[2];
    OW = sh.dim[3];
    if (c[t].transposed) CHECK(OH == (H - 1) * c[t].sh - 2 * c[t].ph + KH && OW == (Wd - 1) * c[t].sw - 2 * c[t].pw + KW, "conv_transpose2d output %ld x %ld", OH, OW);
    else CHECK(OH == (H + 2 * c[t].ph - KH) / c[t].sh + 1 && OW == (Wd + 2 * c[t].pw - KW) / c[t].sw + 1, "conv2d output %ld x %ld", OH, OW);
    PetscCall(PetscCalloc1(N * OC * OH * OW, &want));
    for (long n = 0; n < N; n++)
      for (long o = 0; o < OC; o++)
        for (long i = 0; i < OH * OW; i++) want[(n * OC + o) * OH * OW + i] = bv[o];
    if (!c[t].transposed) /* y[n, o, i, j] = b[o] + sum W[o, ci, p, q] x[n, ci, i sh - ph + p, j sw - pw + q] */
      for (long n = 0; n < N; n++)
        for (long o = 0; o < OC; o++)
          for (long i = 0; i < OH; i++)
            for (long j = 0; j < OW; j++)
              for (long ci = 0; ci < C; ci++)
                for (long p = 0; p < KH; p++)
                  for (long q = 0; q < KW; q++) {
                    long r = i * c[t].sh - c[t].ph + p, s = j * c[t].sw - c[t].pw + q;
                    if (r >= 0 && r < H && s >= 0 && s < Wd) want[((n * OC + o) * OH + i) * OW + j] += wv[((o * C + ci) * KH + p) * KW + q] * xv[((n * C + ci) * H + r) * Wd + s];
                  }
    else /* every input pixel scatters W[ci, o] into y[n, o, r sh - ph + p, s sw - pw + q] */
      for (long n = 0; n < N; n++)
        for (long ci = 0; ci < C; ci++)
          for (long r = 0; r < H; r++)
            for (long s = 0; s < Wd; s++)
              for (long o = 0; o < OC; o++)
                for (long p = 0; p < KH; p++)
                  for (long q = 0; q < KW; q++) {
                    long i = r * c[t].sh - c[t].ph + p, j = s * c[t].sw - c[t].pw + q;
                    if (i >= 0 && i < OH && j >= 0 && j < OW) want[((n * OC + o) * OH + i) * OW + j] += wv[((ci * OC + o) * KH + p) * KW + q] * xv[((n * C + ci) * H + r) * Wd + s];
                  }
    for (long i = 0; i < N * OC * OH * OW; i++) worst = fmax(worst, fabs(v[i] - want[i]));
    CHECK(worst <= 1e-12, "%s case %d: the im2col + GEMM forward differs from the direct loop by %.3g", c[t].transposed ? "conv_transpose2d" : "conv2d", t, worst);
    if (worst <= 1e-12)
      printf("ok   %s (%ld, %ld, %ld, %ld) by (%ld, %ld, %ld, %ld), stride (%ld, %ld), padding (%ld, %ld): forward equals the direct loop (max difference %.2g <= 1e-12)\n", c[t].transposed ? "conv_transpose2d" : "conv2d", N, C, H, Wd, wd[0], wd[1], KH,
             KW, c[t].sh, c[t].sw, c[t].ph, c[t].pw, worst);
    PetscCall(PetscFree(want));
    PetscCall(PhynnGraphDestroy(&g));
  }

  { /* conv2d in a jet of 3 blocks = conv2d of each block, the bias on the value block only */
    const long    dx[4] = {6, 2, 5, 4}, dw[4] = {3, 2, 3, 3}, db[2] = {1, 3};
    PhynnJet      jet = JetOf(2, 0, NULL);
    int           X, W, b, yj, y[3];
    double        worst = 0;
    const double *vj, *v;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphParamND(g, "b", 2, db, PHYNN_DTYPE_REAL, zeros, &b));
    PetscCall(PhynnGraphConv2d(g, X, W, b, 2, 1, 1, 1, &jet, &yj));
    for (int k = 0; k < 3; k++) {
      int Xk;
      PetscCall(PhynnGraphBlock(g, X, 3, k, &Xk));
      PetscCall(PhynnGraphConv2d(g, Xk, W, k == 0 ? b : -1, 2, 1, 1, 1, NULL, &y[k]));
    }
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(RandomParams(g, 231));
    PetscCall(PhynnGraphForward(g, yj));
    PetscCall(PhynnGraphValue(g, yj, &vj, NULL));
    for (int k = 0; k < 3; k++) {
      PhynnShape sh;
      PetscCall(PhynnGraphForward(g, y[k]));
      PetscCall(PhynnGraphValue(g, y[k], &v, &sh));
      long B = PhynnShapeElements(&sh);
      for (long i = 0; i < B; i++) worst = fmax(worst, fabs(vj[k * B + i] - v[i]));
    }
    CHECK(worst <= 1e-12, "conv2d in a 3-block jet differs from conv2d of each block (bias on block 0 only) by %.3g", worst);
    if (worst <= 1e-12) printf("ok   conv2d in a 3-block jet equals conv2d of each block, the bias on the value block only (max difference %.2g)\n", worst);
    PetscCall(PhynnGraphDestroy(&g));
  }

  { /* max pooling: ties go to the first index; padding never wins */
    const long    d[4] = {1, 1, 3, 4};
    const double  x[12] = {-5, -2, -2, -7, /* a 3 x 4 image of negative pixels */
                           -2, -9, -3, -3, -8, -6, -6, -4};
    int           X, y, l;
    double       *theta, *grad;
    const double *v;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParamND(g, "X", 4, d, PHYNN_DTYPE_REAL, zeros, &X));
    /* 2 x 2 windows, stride 2, padding 1: windows cover rows {-1,0}, {1,2} and columns {-1,0}, {1,2}, {3,4} */
    PetscCall(PhynnGraphMaxPool2d(g, X, 2, 2, 2, 2, 1, 1, NULL, &y));
    PetscCall(PhynnGraphMean(g, y, &l));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(PhynnGraphParameters(g, &theta, &grad, NULL));
    PetscCall(PetscArraycpy(theta, x, 12));
    PetscCall(PhynnGraphForward(g, l));
    PetscCall(PhynnGraphBackward(g, l));
    PetscCall(PhynnGraphValue(g, y, &v, NULL));
    /* rows {-1, 0}: columns {-1, 0} -> x00 = -5; {1, 2} -> the tie x01 = x02 = -2 (x01 wins);
     *               {3, 4} -> x03 = -7 (not the padding's 0)
     * rows {1, 2}:  {-1, 0} -> x10 = -2; {1, 2} -> x12 = -3 (the tie x21 = x22 = -6 loses);
     *               {3, 4} -> x13 = -3. The mean's gradient 1/6 goes to x00 x01 x03 x10 x12 x13. */
    const double want_v[6] = {-5, -2, -7, -2, -3, -3};
    const double want_g[12] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0};
    int          okv = 1, okg = 1;
    for (int i = 0; i < 6; i++) okv &= v[i] == want_v[i];
    for (int i = 0; i < 12; i++) okg &= fabs(grad[i] - want_g[i] / 6.0) <= 1e-15;
    CHECK(okv, "max_pool2d over negative pixels with padding: the padding must never win (got %g %g %g / %g %g %g)", v[0], v[1], v[2], v[3], v[4], v[5]);
    CHECK(okg, "max_pool2d: a tie must send the gradient to the first index of its window");
    if (okv && okg) printf("ok   max_pool2d: padding never wins over negative pixels, and a tie sends the gradient to the window's first maximum\n");
    PetscCall(PhynnGraphDestroy(&g));
  }

  { /* refusals, one line each */
    const long dx[4] = {1, 3, 5, 5}, dw[4] = {2, 2, 3, 3};
    PhynnJet   jet = JetOf(1, 0, NULL);
    int        X, W, bad;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParamND(g, "X", 4, dx, PHYNN_DTYPE_REAL, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnGraphConv2d(g, X, W, -1, 1, 1, 0, 0, NULL, &bad);
    CHECK(ierr != 0, "conv2d of 3-channel images by 2-channel weights must be refused when built");
    ierr = PhynnGraphConvTranspose2d(g, X, W, -1, 1, 1, 0, 0, NULL, &bad);
    CHECK(ierr != 0, "conv_transpose2d of 3-channel images by weights for 2 input channels must be refused");
    ierr = PhynnGraphMaxPool2d(g, X, 2, 2, 2, 2, 0, 0, &jet, &bad);
    CHECK(ierr != 0, "max_pool2d in a jet must be refused");
    ierr = PhynnGraphAvgPool2d(g, X, 7, 7, 1, 1, 0, 0, NULL, &bad);
    CHECK(ierr != 0, "a 7 x 7 pooling window on 5 x 5 images must be refused");
    ierr = PhynnGraphAvgPool2d(g, X, 3, 3, 1, 1, 2, 2, NULL, &bad);
    CHECK(ierr != 0, "pooling padding above half the window must be refused");
    PetscCall(PetscPopErrorHandler());
    CHECK(PhynnGraphNodeCount(g) == 2, "refused nodes leave the graph as it was (%d nodes)", PhynnGraphNodeCount(g));
    printf("ok   channel mismatches, windows that do not fit, padding above half a window and max pooling in a jet are refused when built\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  PetscFunctionReturn(0);
}

/* Values of dense with N-D weights and of its transposed form against direct loops:
 * z[r, j] = sum_i x[r, i] W[j, i] + b[j] and y[r, j] = sum_i x[r, i] W[i, j] + b[j], W (3, 2, 2, 3)
 * read as a 3 x 12 matrix; over 2 jet blocks the bias is on the first block only. */
static PetscErrorCode CheckDense(void)
{
  const long     dw[4] = {3, 2, 2, 3}, R = 5;
  const PhynnJet jet   = JetOf(1, 0, NULL);
  for (int t = 0; t < 4; t++) {
    const int     tw = t & 1, jetted = t >> 1;
    const long    in = tw ? 3 : 12, out = tw ? 12 : 3, rows = jetted ? 2 * R : R;
    PhynnGraph    g;
    int           X, W, b, z;
    double       *theta, worst = 0;
    const double *v;
    PhynnShape    sh;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParam(g, "X", rows, in, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PhynnGraphParam(g, "b", 1, out, zeros, &b));
    if (tw) PetscCall(PhynnGraphDenseTransposed(g, X, W, b, jetted ? &jet : NULL, &z));
    else PetscCall(PhynnGraphDense(g, X, W, b, jetted ? &jet : NULL, &z));
    PetscCall(PhynnGraphSetUp(g));
    PetscCall(RandomParams(g, 241 + t));
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PhynnGraphForward(g, z));
    PetscCall(PhynnGraphValue(g, z, &v, &sh));
    CHECK(sh.ndim == 2 && sh.dim[0] == rows && sh.dim[1] == out, "dense%s output (%ld, %ld), want (%ld, %ld)", tw ? " transposed" : "", sh.dim[0], sh.dim[1], rows, out);
    const double *x = theta, *w = x + rows * in, *bias = w + 36;
    for (long r = 0; r < rows; r++)
      for (long j = 0; j < out; j++) {
        double want = r < R ? bias[j] : 0.0;
        for (long i = 0; i < in; i++) want += x[r * in + i] * (tw ? w[i * out + j] : w[j * in + i]);
        worst = PetscMax(worst, fabs(v[r * out + j] - want));
      }
    CHECK(worst <= 1e-14, "dense%s%s differs from the direct sum by %.3g", tw ? " transposed" : "", jetted ? " over 2 jet blocks" : "", worst);
    if (worst <= 1e-14) printf("ok   dense%s with (3, 2, 2, 3) weights%s equals the direct sum (max error %.2g)\n", tw ? " transposed" : "", jetted ? " over 2 jet blocks, bias on the value block" : "", worst);
    PetscCall(PhynnGraphDestroy(&g));
  }
  {
    PhynnGraph     g;
    int            X, W, bad;
    PetscErrorCode ierr;
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
    PetscCall(PhynnGraphParam(g, "X", 2, 12, zeros, &X));
    PetscCall(PhynnGraphParamND(g, "W", 4, dw, PHYNN_DTYPE_REAL, zeros, &W));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnGraphDenseTransposed(g, X, W, -1, NULL, &bad);
    PetscCall(PetscPopErrorHandler());
    CHECK(ierr != 0, "transposed dense of 12 columns with (3, ...) weights (3 inputs) must be refused");
    if (ierr) printf("ok   transposed dense refuses an input whose width is not the weights' first dimension\n");
    PetscCall(PhynnGraphDestroy(&g));
  }
  PetscFunctionReturn(0);
}

/* ---- the groups ------------------------------------------------------------------------------ */
static PetscErrorCode Run(MPI_Comm comm)
{
  const PhynnActivation smooth[] = {PHYNN_ACT_TANH, PHYNN_ACT_SIGMOID, PHYNN_ACT_SINE, PHYNN_ACT_SOFTPLUS};
  const char           *group    = "";
  int                   argc, ran = 0;
  char                **argv;
  PetscFunctionBegin;
  (void)comm;
  PetscCall(PetscGetArgs(&argc, &argv));
  if (argc > 1) group = argv[1];
  if (!strcmp(group, "jet_values")) {
    for (int k = 0; k < 4; k++) PetscCall(CheckJetValues(smooth[k]));
    ran = 1;
  } else if (!strcmp(group, "refusals")) {
    PetscCall(CheckRefusals());
    ran = 1;
  } else if (!strcmp(group, "shapes")) {
    PetscCall(CheckShapes());
  } else if (!strcmp(group, "seeded_jets")) {
    for (int k = 0; k < 4; k++) PetscCall(CheckSeededJetValues(smooth[k], 2));
    PetscCall(CheckSeededJetValues(PHYNN_ACT_TANH, 1));
    PetscCall(CheckSeededJetValues(PHYNN_ACT_RELU, 1)); /* first order through relu is allowed */
  } else if (!strcmp(group, "nd_complex")) {
    PetscCall(CheckNDComplex());
  } else if (!strcmp(group, "limits")) {
    PetscCall(CheckLimits());
  } else if (!strcmp(group, "conv")) {
    PetscCall(CheckConv());
  } else if (!strcmp(group, "dense")) {
    PetscCall(CheckDense());
  } else if (!strcmp(group, "every_op")) {
    PetscCall(CheckCoverage());
  }
  for (int k = 0; k < NCASES; k++)
    if (!strcmp(cases[k].group, group)) {
      PetscCall(RunCase(&cases[k], PETSC_TRUE, NULL));
      ran = 1;
    }
  CHECK(ran, "unknown test group '%s'", group);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
