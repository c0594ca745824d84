/* How well an image model's latent code encodes the angle theta of the data (when the data has
 * theta): the Pearson correlation of each z_k with theta over all frames, and on the latent z_j
 * most correlated with it
 *   - a least-squares polynomial theta ~ p(s) of degree 3, s = (z_j - center) / half in [-1, 1]
 *     (scaled so the normal equations' conditioning does not depend on the code's units). Degree
 *     3: for the pendulum, a position-like code is z ~ sin(theta), and theta = asin(z) = z + z^3/6
 *     + ..., odd, so degree 3 holds the first correction without chasing the frames' scatter. The
 *     fit is checked for monotonicity on [-1, 1] (p' of one sign at 2001 points): only a monotone
 *     map is a coordinate;
 *   - isotonic regression (pool adjacent violators), increasing or decreasing, whichever fits
 *     better: the best monotone map of any shape, so its RMS error says whether theta is a
 *     monotone function of z_j at all, whatever the polynomial's degree.
 * Both over all frames: this describes the code, it does not predict. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"

static double Correlation(long n, const double *a, long sa, const double *b)
{
  double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
  for (long i = 0; i < n; i++) {
    ma += a[i * sa];
    mb += b[i];
  }
  ma /= (double)n;
  mb /= (double)n;
  for (long i = 0; i < n; i++) {
    double da = a[i * sa] - ma, db = b[i] - mb;
    saa += da * da;
    sbb += db * db;
    sab += da * db;
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* min ||A c - b|| for A (n x p, column-major, overwritten) by Householder QR; b overwritten. */
static void LeastSquares(long n, int p, double *A, double *b, double *c)
{
  for (int j = 0; j < p; j++) {
    double norm = 0, *a = A + (long)j * n, alpha, vtv = 0;
    for (long i = j; i < n; i++) norm += a[i] * a[i];
    norm  = sqrt(norm);
    alpha = a[j] > 0 ? -norm : norm; /* the sign that avoids cancellation in v = a - alpha e_j */
    a[j] -= alpha;
    for (long i = j; i < n; i++) vtv += a[i] * a[i];
    if (vtv > 0) { /* apply H = I - 2 v v^T / v^T v to the later columns and to b */
      for (int k = j + 1; k < p; k++) {
        double *ak = A + (long)k * n, d = 0;
        for (long i = j; i < n; i++) d += a[i] * ak[i];
        for (long i = j; i < n; i++) ak[i] -= 2 * d / vtv * a[i];
      }
      double d = 0;
      for (long i = j; i < n; i++) d += a[i] * b[i];
      for (long i = j; i < n; i++) b[i] -= 2 * d / vtv * a[i];
    }
    a[j] = alpha; /* R's diagonal; R's upper part sits above it in the later columns */
  }
  for (int j = p - 1; j >= 0; j--) { /* R c = (Q^T b)[0..p) */
    double s = b[j];
    for (int k = j + 1; k < p; k++) s -= A[(long)k * n + j] * c[k];
    c[j] = A[(long)j * n + j] != 0 ? s / A[(long)j * n + j] : 0;
  }
}

double PhynnLatentThetaFit(const PhynnLatentTheta *lt, double z)
{
  double s = (z - lt->center) / lt->half, p = 0;
  for (int d = lt->degree; d >= 0; d--) p = p * s + lt->coef[d];
  return p;
}

typedef struct {
  double z, theta;
  long   index;
} Pair;

static int ByZ(const void *a, const void *b)
{
  const Pair *x = (const Pair *)a, *y = (const Pair *)b;
  if (x->z != y->z) return x->z < y->z ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Pool adjacent violators: the non-decreasing fit f of y (n values in z order), sign s = +1, or
 * the non-increasing one (s = -1, the same on -y). Returns the sum of squared residuals. */
static double Isotonic(long n, const Pair *p, int s, double *f, double *sum, long *cnt)
{
  long   nb = 0;
  double sse = 0;
  for (long i = 0; i < n; i++) {
    sum[nb] = s * p[i].theta;
    cnt[nb] = 1;
    nb++;
    while (nb > 1 && sum[nb - 2] / (double)cnt[nb - 2] > sum[nb - 1] / (double)cnt[nb - 1]) { /* merge violators */
      sum[nb - 2] += sum[nb - 1];
      cnt[nb - 2] += cnt[nb - 1];
      nb--;
    }
  }
  for (long b = 0, i = 0; b < nb; b++)
    for (long k = 0; k < cnt[b]; k++, i++) {
      f[i] = s * sum[b] / (double)cnt[b];
      sse += (p[i].theta - f[i]) * (p[i].theta - f[i]);
    }
  return sse;
}

static PetscErrorCode FitIsotonic(PhynnImageValidation *v, const double *z)
{
  PhynnLatentTheta *lt = &v->lt;
  Pair             *p;
  double           *f[2], *sum, sse[2];
  long             *cnt, n = v->n;

  PetscFunctionBegin;
  PetscCall(PetscMalloc5(n, &p, n, &f[0], n, &f[1], n, &sum, n, &cnt));
  for (long i = 0; i < n; i++) p[i] = (Pair){z[i * v->K], v->theta[i], i};
  qsort(p, (size_t)n, sizeof(*p), ByZ);
  sse[0]           = Isotonic(n, p, +1, f[0], sum, cnt);
  sse[1]           = Isotonic(n, p, -1, f[1], sum, cnt);
  int best         = sse[1] < sse[0] ? 1 : 0;
  lt->isotonic_dir = best ? -1 : 1;
  lt->isotonic_rms = sqrt(sse[best] / (double)n);
  PetscCall(PetscMalloc1(n, &lt->isotonic));
  for (long i = 0; i < n; i++) lt->isotonic[p[i].index] = f[best][i];
  PetscCall(PetscFree5(p, f[0], f[1], sum, cnt));
  PetscFunctionReturn(0);
}

static PetscErrorCode FitPolynomial(PhynnImageValidation *v, const double *z)
{
  PhynnLatentTheta *lt = &v->lt;
  long              n = v->n, ndistinct = 0;
  double            lo = INFINITY, hi = -INFINITY, *A, *b, sse = 0;
  int               p;
  Pair             *sorted;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &sorted));
  for (long i = 0; i < n; i++) sorted[i] = (Pair){z[i * v->K], 0, i};
  qsort(sorted, (size_t)n, sizeof(*sorted), ByZ);
  for (long i = 0; i < n; i++) ndistinct += !i || sorted[i].z != sorted[i - 1].z;
  PetscCall(PetscFree(sorted));
  for (long i = 0; i < n; i++) {
    lo = PetscMin(lo, z[i * v->K]);
    hi = PetscMax(hi, z[i * v->K]);
  }
  lt->degree = (int)PetscMin(PHYNN_IMAGE_FIT_DEGREE, ndistinct - 1); /* a degree the frames determine */
  lt->center = 0.5 * (lo + hi);
  lt->half   = hi > lo ? 0.5 * (hi - lo) : 1;
  if (lt->degree < 1) PetscFunctionReturn(0);
  p = lt->degree + 1;
  PetscCall(PetscMalloc2(n * p, &A, n, &b));
  for (long i = 0; i < n; i++) {
    double s = (z[i * v->K] - lt->center) / lt->half, w = 1;
    for (int d = 0; d < p; d++, w *= s) A[(long)d * n + i] = w;
    b[i] = v->theta[i];
  }
  LeastSquares(n, p, A, b, lt->coef);
  PetscCall(PetscFree2(A, b));
  for (long i = 0; i < n; i++) {
    double r = v->theta[i] - PhynnLatentThetaFit(lt, z[i * v->K]);
    sse += r * r;
  }
  lt->rms = sqrt(sse / (double)n);
  {
    PetscBool up = PETSC_TRUE, down = PETSC_TRUE;
    for (int k = 0; k <= 2000; k++) {
      double s = -1 + k / 1000.0, dp = 0;
      for (int d = lt->degree; d >= 1; d--) dp = dp * s + d * lt->coef[d];
      if (dp < 0) up = PETSC_FALSE;
      if (dp > 0) down = PETSC_FALSE;
    }
    lt->monotone = up || down ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageLatentTheta(PhynnImageValidation *v)
{
  PhynnLatentTheta *lt = &v->lt;
  double            best = -1;

  PetscFunctionBegin;
  lt->has          = v->theta ? PETSC_TRUE : PETSC_FALSE;
  lt->latent       = -1;
  lt->degree       = 0;
  lt->rms          = NAN;
  lt->isotonic_rms = NAN;
  if (!lt->has) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(v->K, &lt->corr));
  for (long k = 0; k < v->K; k++) {
    lt->corr[k] = v->n > 1 ? Correlation(v->n, v->code + k, v->K, v->theta) : NAN;
    if (isfinite(lt->corr[k]) && fabs(lt->corr[k]) > best) {
      best       = fabs(lt->corr[k]);
      lt->latent = (int)k;
    }
  }
  if (lt->latent < 0) PetscFunctionReturn(0); /* a constant code or a constant theta: nothing to fit */
  PetscCall(FitPolynomial(v, v->code + lt->latent));
  PetscCall(FitIsotonic(v, v->code + lt->latent));
  PetscFunctionReturn(0);
}
