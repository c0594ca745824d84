/* Run-time dispatch of the vectorised kernels in vecmath_avx512.c / vecmath_avx2.c (compiled
 * with those instruction sets), falling back to libm. The choice depends only on the CPU, so
 * results are reproducible on a given machine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/vecmath.h"

void PhynnVecTanhAVX512(long n, const double *x, double *y);
void PhynnVecTanhAVX2(long n, const double *x, double *y);

static void VecTanhLibm(long n, const double *x, double *y)
{
  for (long i = 0; i < n; i++) y[i] = tanh(x[i]);
}

typedef void (*VecFn)(long, const double *, double *);
static VecFn       vec_tanh = NULL;
static const char *vec_kernel = "libm";

static void Resolve(void)
{
  /* PHYNN_VECMATH=libm forces the C library (for comparisons). */
  const char *force = getenv("PHYNN_VECMATH");
  __builtin_cpu_init();
  if (force && !strcmp(force, "libm")) {
    vec_tanh = VecTanhLibm; vec_kernel = "libm";
  } else if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
    vec_tanh = PhynnVecTanhAVX512; vec_kernel = "avx512";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    vec_tanh = PhynnVecTanhAVX2; vec_kernel = "avx2";
  } else {
    vec_tanh = VecTanhLibm; vec_kernel = "libm";
  }
}

void PhynnVecTanh(long n, const double *x, double *y)
{
  if (!vec_tanh) Resolve();
  vec_tanh(n, x, y);
}

const char *PhynnVecMathKernel(void)
{
  if (!vec_tanh) Resolve();
  return vec_kernel;
}
