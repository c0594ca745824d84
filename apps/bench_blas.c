/* BLAS facts and a DGEMM reference rate for `phynn bench` (see bench_blas.h). */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench_blas.h"

/* Exported by libopenblas.so.0 (not by the generic libblas.so.3 interface). */
char *openblas_get_corename(void);

/* OpenBLAS kernel sets that use AVX-512 (DYNAMIC_ARCH core names, case-insensitive). */
static PetscBool CoreUsesAvx512(const char *name)
{
  static const char *const avx512[] = {"skylakex", "cooperlake", "sapphirerapids"};
  for (size_t i = 0; i < sizeof(avx512) / sizeof(avx512[0]); i++)
    if (name && !strncasecmp(name, avx512[i], strlen(avx512[i]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

void PhynnBenchBlasGetInfo(PhynnBenchBlasInfo *info)
{
  const char *core = openblas_get_corename();
  const char *conf = openblas_get_config();
  __builtin_cpu_init();
  info->threads     = openblas_get_num_threads();
  info->corename    = core ? core : "unknown";
  info->config      = conf ? conf : "unknown";
  info->cpu_avx512  = __builtin_cpu_supports("avx512f") ? PETSC_TRUE : PETSC_FALSE;
  info->core_avx512 = CoreUsesAvx512(info->corename);
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double PhynnBenchMedian(int n, const double *v)
{
  double *s, med;
  if (n < 1 || !(s = (double *)malloc((size_t)n * sizeof(double)))) return 0.0;
  memcpy(s, v, (size_t)n * sizeof(double));
  qsort(s, (size_t)n, sizeof(double), CompareDouble);
  med = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  free(s);
  return med;
}

PetscErrorCode PhynnBenchDgemmRate(MPI_Comm comm, long R, long in, long out, int reps, double *gflops)
{
  double *X, *W, *Z, *dX, *dW, t[3][64], med = 0, slowest, flops, total_flops;
  int     n = reps < 1 ? 1 : reps > 64 ? 64 : reps;

  PetscFunctionBegin;
  if (R < 1) R = 1;
  PetscCall(PetscMalloc5(R * in, &X, out * in, &W, R * out, &Z, R * in, &dX, out * in, &dW));
  /* Any finite data: DGEMM's speed does not depend on the values. */
  for (long i = 0; i < R * in; i++) X[i] = 1e-3 * (double)(i % 97) - 0.05;
  for (long i = 0; i < out * in; i++) W[i] = 1e-2 * (double)(i % 13) - 0.06;
  for (long i = 0; i < R * out; i++) Z[i] = 1e-3 * (double)(i % 89) - 0.04;
  for (int r = -1; r < n; r++) {
    for (int s = 0; s < 3; s++) {
      double t0;
      PetscCallMPI(MPI_Barrier(comm));
      t0 = PhynnTime();
      if (s == 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)out, (int)in, 1.0, X, (int)in, W, (int)in, 0.0, Z, (int)out);
      else if (s == 1) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)in, (int)out, 1.0, Z, (int)out, W, (int)in, 0.0, dX, (int)in);
      else cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)R, 1.0, Z, (int)out, X, (int)in, 0.0, dW, (int)in);
      if (r >= 0) t[s][r] = PhynnTime() - t0;
    }
  }
  for (int s = 0; s < 3; s++) med += PhynnBenchMedian(n, t[s]);
  flops = 3.0 * 2.0 * (double)R * (double)in * (double)out;
  PetscCallMPI(MPI_Allreduce(&med, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(&flops, &total_flops, 1, MPI_DOUBLE, MPI_SUM, comm));
  *gflops = slowest > 0 ? total_flops / slowest / 1e9 : 0.0;
  PetscCall(PetscFree5(X, W, Z, dX, dW));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBenchObjective(void *ctx, const double *theta, double *loss, double *grad)
{
  PhynnBenchStep *b = (PhynnBenchStep *)ctx;
  PetscFunctionBegin;
  (void)theta; /* the optimiser updated the graph's own buffer */
  PetscCall(PhynnGraphForward(b->g, b->root));
  PetscCall(PhynnGraphBackward(b->g, b->root));
  PetscCall(PetscArraycpy(b->red, b->dtheta, b->n));
  b->red[b->n] = PhynnGraphScalar(b->g, b->root);
  if (PhynnSize(b->comm) > 1) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, b->red, (int)b->n + 1, MPI_DOUBLE, MPI_SUM, b->comm));
  *loss = b->red[b->n];
  if (grad) PetscCall(PetscArraycpy(grad, b->red, b->n));
  PetscFunctionReturn(0);
}
