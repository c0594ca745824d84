/* Gradient checks: every operation, activation and loss, and the parameter gradients of first-
 * and second-derivative (jet) terms, against central finite differences of the graph's own
 * forward pass.
 *
 * For each parameter entry theta_i: fd = (L(theta_i + h) - L(theta_i - h)) / 2h with h = 1e-6
 * (relative to |theta_i| + 1), and the check is |g_i - fd| <= 1e-6 + 1e-5 |fd|. Central
 * differences have O(h^2) truncation and O(eps L / h) rounding error, about 1e-10 here, so the
 * tolerance leaves room only for a wrong backward pass. Usage: test_gradcheck CASE */
#include <string.h>

#include "phynn/mlp.h"
#include "phynn/random.h"
#include "phynn_test.h"

static PetscErrorCode GradCheck(PhynnGraph g, int root, const char *what)
{
  double *theta, *grad, *analytic;
  long    n;
  double  worst = 0;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, &grad, &n));
  PetscCall(PhynnGraphForward(g, root));
  PetscCall(PhynnGraphBackward(g, root));
  PetscCall(PetscMalloc1(n, &analytic));
  PetscCall(PetscArraycpy(analytic, grad, n));
  for (long i = 0; i < n; i++) {
    double keep = theta[i], h = 1e-6 * (fabs(keep) + 1.0), lp, lm;
    theta[i] = keep + h;
    PetscCall(PhynnGraphForward(g, root));
    lp       = PhynnGraphScalar(g, root);
    theta[i] = keep - h;
    PetscCall(PhynnGraphForward(g, root));
    lm       = PhynnGraphScalar(g, root);
    theta[i] = keep;
    double fd = (lp - lm) / (2 * h), err = fabs(analytic[i] - fd), tol = 1e-6 + 1e-5 * fabs(fd);
    if (err / tol > worst) worst = err / tol;
    CHECK(err <= tol, "%s: d loss / d theta[%ld]: backward %.12g, finite difference %.12g", what, i, analytic[i], fd);
  }
  printf("ok   %s: %ld parameter gradients match central differences (worst error/tolerance %.3f)\n", what, n, worst);
  PetscCall(PetscFree(analytic));
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

static const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};

/* dense + activation + MSE, with the layer input itself a parameter (checks dx, dW, db). */
static PetscErrorCode CheckActivation(PhynnActivation act)
{
  PhynnGraph g;
  int        X, W, b, Y, z, a, loss;
  double     target[5 * 4];
  char       what[64];
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphParam(g, "X", 5, 3, zeros, &X));
  PetscCall(PhynnGraphParam(g, "W", 4, 3, zeros, &W));
  PetscCall(PhynnGraphParam(g, "b", 1, 4, zeros, &b));
  PetscCall(PhynnGraphInput(g, "Y", 4, &Y));
  PetscCall(PhynnGraphDense(g, X, W, b, NULL, &z));
  PetscCall(PhynnGraphActivation(g, z, act, 0.1, NULL, &a));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, a, Y, &loss));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 11 + act));
  PhynnUniformFill(5, 6, 0, 20, 0.0, 1.0, target);
  PetscCall(PhynnGraphSetInput(g, Y, 5, target));
  PetscCall(PetscSNPrintf(what, sizeof(what), "dense + %s + mse", PhynnActivationNames[act]));
  PetscCall(GradCheck(g, loss, what));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* Each loss with both prediction and target trainable (checks the mirrored target gradient). */
static PetscErrorCode CheckLoss(PhynnLoss kind)
{
  PhynnGraph g;
  int        P, T, p, t, loss;
  char       what[64];
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
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
  PetscCall(PhynnGraphLoss(g, kind, p, t, &loss));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 21 + kind));
  PetscCall(PetscSNPrintf(what, sizeof(what), "loss %s", PhynnLossNames[kind]));
  PetscCall(GradCheck(g, loss, what));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* add, sub, mul (also with a broadcast scalar), scale, sin, cos, square, slice, weighted sum,
 * mean square, in one expression. */
static PetscErrorCode CheckArithmetic(void)
{
  PhynnGraph g;
  int        A, B, c, s1, s2, t[10], l1, l2, l3, root;
  double     w[3] = {0.7, -1.3, 2.0};
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
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
    PetscCall(PhynnGraphAdd(g, sq, c, &sp)); /* t8^2 + c, c drawn positive below */
    PetscCall(PhynnGraphSqrt(g, sp, &sp));
    PetscCall(PhynnGraphMean(g, sp, &mean));
    PetscCall(PhynnGraphSub(g, sp, mean, &sp));
    PetscCall(PhynnGraphAdd(g, t[8], sp, &t[8]));
  }
  PetscCall(PhynnGraphMeanSquare(g, t[8], &l1));
  PetscCall(PhynnGraphMeanSquare(g, t[5], &l2));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, s1, B, &l3));
  int terms[3] = {l1, l2, l3};
  PetscCall(PhynnGraphWeightedSum(g, 3, terms, w, &root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 31));
  {
    double *theta;
    long    off, sz;
    PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
    PetscCall(PhynnGraphParamSlice(g, c, &off, &sz));
    theta[off] = 0.8; /* keeps the sqrt argument positive */
  }
  PetscCall(GradCheck(g, root, "add/sub/mul/broadcast/scale/sin/cos/square/sqrt/mean/slice/mean-square/weighted-sum"));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* A PINN-like residual from a [2,6,5,2] network with jets x, t, xx, xt, tt: the parameter
 * gradient flows through first- and second-order jets (s''' included) and the input scaling. */
static PetscErrorCode CheckJetResidual(PhynnActivation act)
{
  PhynnGraph g;
  PhynnMLP   mlp;
  PhynnJet   jet;
  int        X, h, out, blocks[5], nreq, K;
  int        u, v, ut, uxx, vxt, vtt, ux, r1, r2, r3, l1, l2, root;
  const char names[2][32] = {"x", "t"};
  long       sizes[4]     = {2, 6, 5, 2};
  double     shift[2] = {0.5, -0.2}, scale[2] = {1.7, 0.6}, pts[7 * 2];
  char       what[96];
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 2, names, "x,t,xx,xt,tt", &jet, &nreq, blocks, NULL));
  K = PhynnJetBlocks(&jet);
  PetscCall(PhynnMLPCreate(g, 4, sizes, act, PHYNN_ACT_IDENTITY, zeros, PETSC_TRUE, &mlp));
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
  double w[3]     = {1.0, 0.5, 0.0};
  PetscCall(PhynnGraphMeanSquare(g, r3, &terms[2]));
  w[2] = 0.1;
  PetscCall(PhynnGraphWeightedSum(g, 3, terms, w, &root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(RandomParams(g, 41 + act));
  PhynnUniformFill(3, 4, 0, 14, -1.0, 1.0, pts);
  PetscCall(PhynnGraphSetInput(g, X, 7, pts));
  PetscCall(PetscSNPrintf(what, sizeof(what), "PINN residual with jets x,t,xx,xt,tt through %s", PhynnActivationNames[act]));
  PetscCall(GradCheck(g, root, what));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

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
  ierr = PhynnGraphActivation(g, h, PHYNN_ACT_SOFTMAX, 0, &jet, &a);
  CHECK(ierr != 0, "softmax in a jet must be refused");
  ierr = PhynnJetFromNames(PETSC_COMM_SELF, 1, names, "y", &jet, &nreq, blocks, NULL);
  CHECK(ierr != 0, "a derivative in an unknown coordinate must be refused");
  PetscCall(PetscPopErrorHandler());
  printf("ok   relu/softmax in second-order jets and unknown coordinates are refused\n");
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static char test_case[64];

static PetscErrorCode Run(MPI_Comm comm)
{
  PetscFunctionBegin;
  (void)comm;
  if (!strcmp(test_case, "activations"))
    for (int a = 0; a < PHYNN_ACT_COUNT; a++) PetscCall(CheckActivation((PhynnActivation)a));
  else if (!strcmp(test_case, "losses"))
    for (int l = 0; l < PHYNN_LOSS_COUNT; l++) PetscCall(CheckLoss((PhynnLoss)l));
  else if (!strcmp(test_case, "arithmetic")) PetscCall(CheckArithmetic());
  else if (!strcmp(test_case, "jet_gradients")) {
    PhynnActivation smooth[] = {PHYNN_ACT_TANH, PHYNN_ACT_SIGMOID, PHYNN_ACT_SINE, PHYNN_ACT_SOFTPLUS};
    for (int k = 0; k < 4; k++) PetscCall(CheckJetResidual(smooth[k]));
  } else if (!strcmp(test_case, "jet_values")) {
    PhynnActivation smooth[] = {PHYNN_ACT_TANH, PHYNN_ACT_SIGMOID, PHYNN_ACT_SINE, PHYNN_ACT_SOFTPLUS};
    for (int k = 0; k < 4; k++) PetscCall(CheckJetValues(smooth[k]));
  } else if (!strcmp(test_case, "refusals")) PetscCall(CheckRefusals());
  else CHECK(0, "unknown test case '%s'", test_case);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (argc > 1) snprintf(test_case, sizeof(test_case), "%s", argv[1]);
  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  PetscErrorCode ierr = Run(PETSC_COMM_WORLD);
  if (PetscFinalize()) return 1;
  return phynn_test_failures || ierr ? 1 : 0;
}
