/* AVX-512 kernels (this file is compiled with -mavx512f -mavx512dq -mfma; called only when the
 * CPU has them). The tail goes through a padded register so every element sees the same code. */
#include <immintrin.h>
#include <sleef.h>

void PhynnVecTanhAVX512(long n, const double *x, double *y);

void PhynnVecTanhAVX512(long n, const double *x, double *y)
{
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, Sleef_tanhd8_u10avx512f(_mm512_loadu_pd(x + i)));
  if (i < n) {
    __mmask8 m = (__mmask8)((1u << (n - i)) - 1u);
    __m512d  v = _mm512_maskz_loadu_pd(m, x + i);
    _mm512_mask_storeu_pd(y + i, m, Sleef_tanhd8_u10avx512f(v));
  }
}
