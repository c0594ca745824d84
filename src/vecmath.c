/* Run-time dispatch of the vectorised kernels in vecmath_avx512.c / vecmath_avx2.c (compiled
 * with those instruction sets), falling back to libm. The choice depends only on the CPU, so
 * results are reproducible on a given machine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/vecmath.h"

typedef void (*VecFn)(long, const double *, double *);
#define PHYNN_VEC_DECLARE(f) void PhynnVec##f##AVX512(long, const double *, double *); void PhynnVec##f##AVX2(long, const double *, double *);
PHYNN_VEC_DECLARE(Tanh)
PHYNN_VEC_DECLARE(Erfc)
PHYNN_VEC_DECLARE(Exp)

#define PHYNN_VEC_LIBM(f, libm) \
  static void Vec##f##Libm(long n, const double *x, double *y) { for (long i = 0; i < n; i++) y[i] = libm(x[i]); }
PHYNN_VEC_LIBM(Tanh, tanh)
PHYNN_VEC_LIBM(Erfc, erfc)
PHYNN_VEC_LIBM(Exp, exp)

static VecFn       vec_tanh = NULL, vec_erfc = NULL, vec_exp = NULL;
static const char *vec_kernel = "libm";

static void Resolve(void)
{
  /* PHYNN_VECMATH=libm forces the C library (for comparisons). */
  const char *force = getenv("PHYNN_VECMATH");
  __builtin_cpu_init();
  if (force && !strcmp(force, "libm")) {
    vec_tanh = VecTanhLibm, vec_erfc = VecErfcLibm, vec_exp = VecExpLibm, vec_kernel = "libm";
  } else if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
    vec_tanh = PhynnVecTanhAVX512, vec_erfc = PhynnVecErfcAVX512, vec_exp = PhynnVecExpAVX512, vec_kernel = "avx512";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    vec_tanh = PhynnVecTanhAVX2, vec_erfc = PhynnVecErfcAVX2, vec_exp = PhynnVecExpAVX2, vec_kernel = "avx2";
  } else {
    vec_tanh = VecTanhLibm, vec_erfc = VecErfcLibm, vec_exp = VecExpLibm, vec_kernel = "libm";
  }
}

void PhynnVecTanh(long n, const double *x, double *y)
{
  if (!vec_tanh) Resolve();
  vec_tanh(n, x, y);
}

void PhynnVecErfc(long n, const double *x, double *y)
{
  if (!vec_erfc) Resolve();
  vec_erfc(n, x, y);
}

void PhynnVecExp(long n, const double *x, double *y)
{
  if (!vec_exp) Resolve();
  vec_exp(n, x, y);
}

const char *PhynnVecMathKernel(void)
{
  if (!vec_tanh) Resolve();
  return vec_kernel;
}
