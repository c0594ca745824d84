/* AVX2 kernels (compiled with -mavx2 -mfma; called only when the CPU has them). The tail goes
 * through a padded register so every element sees the same code. */
#include <immintrin.h>
#include <sleef.h>

#define PHYNN_VEC_AVX2(name, sleef)                                     \
  void name(long n, const double *x, double *y);                        \
  void name(long n, const double *x, double *y)                         \
  {                                                                     \
    long i = 0;                                                         \
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, sleef(_mm256_loadu_pd(x + i))); \
    if (i < n) {                                                        \
      double in[4] = {0, 0, 0, 0}, out[4];                              \
      for (long k = 0; k < n - i; k++) in[k] = x[i + k];                \
      _mm256_storeu_pd(out, sleef(_mm256_loadu_pd(in)));                \
      for (long k = 0; k < n - i; k++) y[i + k] = out[k];               \
    }                                                                   \
  }

PHYNN_VEC_AVX2(PhynnVecTanhAVX2, Sleef_tanhd4_u10avx2)
PHYNN_VEC_AVX2(PhynnVecErfcAVX2, Sleef_erfcd4_u15avx2)
PHYNN_VEC_AVX2(PhynnVecExpAVX2, Sleef_expd4_u10avx2)
