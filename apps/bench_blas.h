/* Helpers of `phynn bench` (apps/cmd_bench.c): what the BLAS library is, and how fast its DGEMM
 * runs here on the shapes of a dense layer, so the step time can be read against the machine. */
#ifndef PHYNN_APPS_BENCH_BLAS_H
#define PHYNN_APPS_BENCH_BLAS_H

#include "phynn/graph.h"
#include "phynn/sys.h"

typedef struct {
  int         threads;  /* openblas_get_num_threads() */
  const char *corename; /* openblas_get_corename(): the kernel set OpenBLAS picked ("Prescott", "SkylakeX") */
  const char *config;   /* openblas_get_config() */
  PetscBool   cpu_avx512;      /* the CPU has AVX-512F */
  PetscBool   core_avx512;     /* OpenBLAS runs AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids) */
} PhynnBenchBlasInfo;

void PhynnBenchBlasGetInfo(PhynnBenchBlasInfo *info);

/* Median of n values (0 for n < 1; the array is left unchanged). */
double PhynnBenchMedian(int n, const double *v);

/* Times cblas_dgemm on the three GEMMs of a dense layer (in -> out) over R stacked rows on every
 * rank at once: forward Z = X W^T (R x out), backward dX = dZ W (R x in), dW = dZ^T X (out x in).
 * Each shape runs once untimed, then `reps` times; *gflops is the aggregate rate over all ranks:
 * the sum of every rank's flops over the slowest rank's time (the medians of each shape added).
 * Collective on comm. */
PetscErrorCode PhynnBenchDgemmRate(MPI_Comm comm, long R, long in, long out, int reps, double *gflops);

/* One training step's objective for the model benchmarks (autoencoder, sindy-ae): forward and
 * backward of `root` in g, then one MPI_Allreduce of [gradient | loss] (dtheta is g's gradient
 * buffer of n doubles, red n + 1 doubles of scratch). An optimiser callback (PhynnOptimizerStep). */
typedef struct {
  MPI_Comm   comm;
  PhynnGraph g;
  int        root;
  long       n;
  double    *dtheta, *red;
} PhynnBenchStep;
PetscErrorCode PhynnBenchObjective(void *ctx, const double *theta, double *loss, double *grad);

#endif
