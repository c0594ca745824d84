/* AVX2 kernels (compiled with -mavx2 -mfma; called only when the CPU has them). */
#include <immintrin.h>
#include <sleef.h>

void PhynnVecTanhAVX2(long n, const double *x, double *y);

void PhynnVecTanhAVX2(long n, const double *x, double *y)
{
  long i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, Sleef_tanhd4_u10avx2(_mm256_loadu_pd(x + i)));
  if (i < n) {
    double in[4] = {0, 0, 0, 0}, out[4];
    for (long k = 0; k < n - i; k++) in[k] = x[i + k];
    _mm256_storeu_pd(out, Sleef_tanhd4_u10avx2(_mm256_loadu_pd(in)));
    for (long k = 0; k < n - i; k++) y[i + k] = out[k];
  }
}
