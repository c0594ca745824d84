/* The weight initialisers (src/graph.c PhynnGraphInitParameters, the -init choices) by their
 * distribution: each one draws a 300 x 200 parameter (n = 60000 values) and the sample mean,
 * variance and range are checked against the formulas, within 5 standard errors of the sample
 * statistic (SE(mean) = sigma / sqrt(n); SE(variance) = sqrt((mu4 - sigma^4) / n), mu4 = 3 sigma^4
 * for a normal, 9/5 sigma^4 for a uniform). The generator is counter-based (Philox, seed 7), so
 * every number is reproducible; the values measured at the time of writing are in the comments.
 *   normal(0.5, 2)          mean 0.5, variance 4
 *   uniform[-0.3, 0.7)      mean 0.2, variance 1/12, every value in [-0.3, 0.7)
 *   xavier_normal           mean 0, variance 2 / (fan_in + fan_out), fans from the dense layer
 *                           that consumes W (300 in, 200 out), and with gain 2 (variance x 4)
 *   xavier_uniform          in [-l, l), l = sqrt(6 / (fan_in + fan_out)), variance l^2 / 3
 *   xavier, fans from a conv W (80, 30, 5, 5) that consumes it: fan_in 30*25, fan_out 80*25 (not
 *                           the fallback (dim[0], the rest) = (80, 750)); and the fallback for a
 *                           parameter no op consumes, (100, 20, 30): fan_out 100, fan_in 600
 *   constant 0.25, zeros    every value exactly
 * plus: the same seed draws bitwise the same values, another seed other values.
 * Usage: test_init */
#include <string.h>

#include "phynn/graph.h"
#include "phynn_test.h"

enum { ROWS = 200, COLS = 300, N = ROWS * COLS };

typedef struct {
  double mean, var, min, max, frac; /* frac: share of values below `cut` */
} Stats;

static Stats Measure(const double *v, long n, double cut)
{
  Stats s = {0, 0, v[0], v[0], 0};
  for (long i = 0; i < n; i++) {
    s.mean += v[i];
    s.min = fmin(s.min, v[i]);
    s.max = fmax(s.max, v[i]);
    s.frac += v[i] < cut;
  }
  s.mean /= (double)n;
  for (long i = 0; i < n; i++) s.var += (v[i] - s.mean) * (v[i] - s.mean);
  s.var /= (double)(n - 1);
  s.frac /= (double)n;
  return s;
}

/* The sample mean and variance against mean and var (mu4_over_var2: the fourth central moment over
 * var^2), and the share of values below `cut` against frac. */
static void CheckMoments(const char *name, const double *v, long n, double mean, double var, double mu4_over_var2, double cut, double frac)
{
  Stats  s = Measure(v, n, cut);
  double se_mean = sqrt(var / (double)n), se_var = var * sqrt((mu4_over_var2 - 1) / (double)n), se_frac = sqrt(frac * (1 - frac) / (double)n);
  char   what[160];
  snprintf(what, sizeof(what), "%s: sample mean of %ld values (tolerance 5 SE = %.3g)", name, n, 5 * se_mean);
  CHECK_CLOSE(what, s.mean, mean, 0, 5 * se_mean);
  snprintf(what, sizeof(what), "%s: sample variance (tolerance 5 SE = %.3g)", name, 5 * se_var);
  CHECK_CLOSE(what, s.var, var, 0, 5 * se_var);
  snprintf(what, sizeof(what), "%s: share of values below %.4g (tolerance 5 SE = %.3g)", name, cut, 5 * se_frac);
  CHECK_CLOSE(what, s.frac, frac, 0, 5 * se_frac);
}

/* Every value in [lo, hi), and the range covered up to (hi - lo) * 20 / n at each end (the chance
 * that no value of n falls in such an end strip is exp(-20)). */
static void CheckRange(const char *name, const double *v, long n, double lo, double hi)
{
  Stats  s   = Measure(v, n, lo);
  double gap = (hi - lo) * 20 / (double)n;
  CHECK(s.min >= lo && s.max < hi, "%s: values in [%.6g, %.6g] outside [%.6g, %.6g)", name, s.min, s.max, lo, hi);
  CHECK(s.min - lo <= gap && hi - s.max <= gap, "%s: the values [%.6g, %.6g] do not reach the ends of [%.6g, %.6g) (within %.3g)", name, s.min, s.max, lo, hi, gap);
  if (s.min >= lo && s.max < hi && s.min - lo <= gap && hi - s.max <= gap)
    printf("ok   %s: all %ld values in [%.6g, %.6g) (measured [%.8g, %.8g]; each end reached within %.3g)\n", name, n, lo, hi, s.min, s.max, gap);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  PhynnGraph g;
  int        x, img, p_conv, p_free, p_normal, p_uniform, p_xn, p_xn2, p_xu, p_const, p_zero, y;
  double    *theta, *first;
  long       nparams, off[9], size[9];
  const double sig_xn = sqrt(2.0 / (COLS + ROWS)), lim_xu = sqrt(6.0 / (COLS + ROWS));
  (void)comm;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphInput(g, "x", COLS, &x));
  PetscCall(PhynnGraphParam(g, "normal", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_NORMAL, 0.5, 2.0}, &p_normal));
  PetscCall(PhynnGraphParam(g, "uniform", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_UNIFORM, -0.3, 0.7}, &p_uniform));
  PetscCall(PhynnGraphParam(g, "xavier_normal", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}, &p_xn));
  PetscCall(PhynnGraphParam(g, "xavier_normal_gain2", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 2.0, 0}, &p_xn2));
  PetscCall(PhynnGraphParam(g, "xavier_uniform", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_XAVIER_UNIFORM, 0, 0}, &p_xu));
  PetscCall(PhynnGraphParam(g, "constant", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 0.25, 0}, &p_const));
  PetscCall(PhynnGraphParam(g, "zeros", ROWS, COLS, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &p_zero));
  /* the Xavier weights feed dense layers, which declare the fans: W (out 200, in 300) */
  PetscCall(PhynnGraphDense(g, x, p_xn, -1, NULL, &y));
  PetscCall(PhynnGraphDense(g, x, p_xn2, -1, NULL, &y));
  PetscCall(PhynnGraphDense(g, x, p_xu, -1, NULL, &y));
  {
    const long di[4] = {0, 30, 8, 8}, dw[4] = {80, 30, 5, 5}, df[3] = {100, 20, 30};
    PetscCall(PhynnGraphInputND(g, "img", 4, di, &img));
    PetscCall(PhynnGraphParamND(g, "conv_W", 4, dw, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_XAVIER_UNIFORM, 0, 0}, &p_conv));
    PetscCall(PhynnGraphConv2d(g, img, p_conv, -1, 1, 1, 2, 2, NULL, &y));
    PetscCall(PhynnGraphParamND(g, "free", 3, df, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}, &p_free));
  }
  PetscCall(PhynnGraphSetUp(g));
  {
    const int nodes[9] = {p_normal, p_uniform, p_xn, p_xn2, p_xu, p_const, p_zero, p_conv, p_free};
    for (int k = 0; k < 9; k++) PetscCall(PhynnGraphParamSlice(g, nodes[k], &off[k], &size[k]));
  }
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &nparams));
  CHECK(nparams == 9L * N, "9 parameters of %d values: got %ld doubles", N, nparams);
  for (int k = 0; k < 9; k++) CHECK(size[k] == N, "parameter %d holds %ld values, want %d", k, size[k], N);
  for (long i = 0; i < nparams; i++) theta[i] = NAN; /* every value must be written by the initialiser */
  PetscCall(PhynnGraphInitParameters(g, 7));

  /* normal(0.5, 2): share below mean - sigma = Phi(-1) = 0.158655 */
  /* measured: mean 0.48862 (tolerance +-0.0408), variance 4.0379 (+-0.115), share 0.16137 (+-0.0075) */
  CheckMoments("normal(0.5, 2)", theta + off[0], N, 0.5, 4.0, 3.0, 0.5 - 2.0, 0.15865525393145707);
  /* uniform[-0.3, 0.7): share below -0.05 (a quarter of the width) = 0.25 */
  /* measured: mean 0.19765 (+-0.0059), variance 0.083245 (+-0.0015), share 0.2502 (+-0.0088),
   * range [-0.2999857, 0.6999926] (each end within 3.3e-4) */
  CheckMoments("uniform[-0.3, 0.7)", theta + off[1], N, 0.2, 1.0 / 12.0, 1.8, -0.05, 0.25);
  CheckRange("uniform[-0.3, 0.7)", theta + off[1], N, -0.3, 0.7);
  /* xavier_normal: sigma = sqrt(2 / 500) = 0.0632456; measured: mean 4.8e-4 (+-1.3e-3), variance
   * 0.0039556 (want 0.004 +-1.15e-4); gain 2: variance 0.015967 (want 0.016 +-4.6e-4) */
  CheckMoments("xavier_normal (fan_in 300, fan_out 200)", theta + off[2], N, 0.0, sig_xn * sig_xn, 3.0, -sig_xn, 0.15865525393145707);
  CheckMoments("xavier_normal gain 2", theta + off[3], N, 0.0, 4 * sig_xn * sig_xn, 3.0, -2 * sig_xn, 0.15865525393145707);
  /* xavier_uniform: l = sqrt(6 / 500) = 0.109545, variance l^2 / 3 = 0.004; measured: variance
   * 0.0040093 (+-7.3e-5), range [-0.1095442, 0.1095417] */
  CheckMoments("xavier_uniform (fan_in 300, fan_out 200)", theta + off[4], N, 0.0, lim_xu * lim_xu / 3.0, 1.8, -lim_xu / 2, 0.25);
  CheckRange("xavier_uniform (fan_in 300, fan_out 200)", theta + off[4], N, -lim_xu, lim_xu);
  {
    /* conv: l = sqrt(6 / 2750) = 0.046710 (the fallback fans would give 0.085); measured range
     * [-0.0467098, 0.0467092], variance 7.2853e-4 (want 7.2727e-4 +-1.3e-5). Unconsumed: variance
     * 0.0028304 (want 2/700 = 0.0028571 +-8.3e-5) */
    const double lc = sqrt(6.0 / (30 * 25 + 80 * 25)), sf = sqrt(2.0 / (600 + 100));
    CheckMoments("xavier_uniform, conv W (80, 30, 5, 5): fan_in 750, fan_out 2000", theta + off[7], N, 0.0, lc * lc / 3.0, 1.8, -lc / 2, 0.25);
    CheckRange("xavier_uniform, conv W (80, 30, 5, 5): fan_in 750, fan_out 2000", theta + off[7], N, -lc, lc);
    CheckMoments("xavier_normal, unconsumed (100, 20, 30): fan_out 100, fan_in 600", theta + off[8], N, 0.0, sf * sf, 3.0, -sf, 0.15865525393145707);
  }
  {
    long bad_c = 0, bad_z = 0;
    for (long i = 0; i < N; i++) {
      bad_c += theta[off[5] + i] != 0.25;
      bad_z += theta[off[6] + i] != 0.0;
    }
    CHECK(bad_c == 0, "constant 0.25: %ld of %d values differ", bad_c, N);
    CHECK(bad_z == 0, "zeros: %ld of %d values differ", bad_z, N);
    if (!bad_c && !bad_z) printf("ok   constant 0.25 and zeros: all %d values exact\n", N);
  }
  /* reproducible: the same seed again gives bitwise the same values; another seed other ones */
  PetscCall(PetscMalloc1(nparams, &first));
  PetscCall(PetscArraycpy(first, theta, nparams));
  PetscCall(PhynnGraphInitParameters(g, 7));
  CHECK(!memcmp(first, theta, (size_t)nparams * sizeof(double)), "seed 7 twice: the values differ");
  PetscCall(PhynnGraphInitParameters(g, 8));
  {
    long same = 0;
    for (int k = 0; k < 9; k++) /* the random ones */
      if (k != 5 && k != 6)
      for (long i = 0; i < N; i++) same += theta[off[k] + i] == first[off[k] + i];
    CHECK(same == 0, "seed 8: %ld of %d random values equal seed 7's", same, 7 * N);
    if (same == 0) printf("ok   seed 7 twice: bitwise the same values; seed 8: none of the %d random values equal\n", 7 * N);
  }
  PetscCall(PetscFree(first));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
