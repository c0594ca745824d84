/* The SINDy-autoencoder step of `phynn bench -bench_model sindy-ae` (apps/bench_sindy.c). */
#ifndef PHYNN_BENCH_SINDY_H
#define PHYNN_BENCH_SINDY_H

#include "phynn/sys.h"

PetscErrorCode PhynnBenchSindy(MPI_Comm comm, long frames, long size_px, const long *widths, int nwidths, long steps, long warmup, uint64_t seed);

#endif
