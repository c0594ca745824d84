/* AVX-512 kernels (this file is compiled with -mavx512f -mavx512dq -mfma; called only when the
 * CPU has them). The tail goes through a masked register so every element sees the same code. */
#include <immintrin.h>
#include <sleef.h>

#define PHYNN_VEC_AVX512(name, sleef)                                   \
  void name(long n, const double *x, double *y);                        \
  void name(long n, const double *x, double *y)                         \
  {                                                                     \
    long i = 0;                                                         \
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, sleef(_mm512_loadu_pd(x + i))); \
    if (i < n) {                                                        \
      __mmask8 m = (__mmask8)((1u << (n - i)) - 1u);                    \
      __m512d  v = _mm512_maskz_loadu_pd(m, x + i);                     \
      _mm512_mask_storeu_pd(y + i, m, sleef(v));                        \
    }                                                                   \
  }

PHYNN_VEC_AVX512(PhynnVecTanhAVX512, Sleef_tanhd8_u10avx512f)
PHYNN_VEC_AVX512(PhynnVecErfcAVX512, Sleef_erfcd8_u15avx512f)
PHYNN_VEC_AVX512(PhynnVecExpAVX512, Sleef_expd8_u10avx512f)
