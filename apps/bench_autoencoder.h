/* The autoencoder step of `phynn bench -bench_model autoencoder` (apps/bench_autoencoder.c). */
#ifndef PHYNN_BENCH_AUTOENCODER_H
#define PHYNN_BENCH_AUTOENCODER_H

#include "phynn/sys.h"

PetscErrorCode PhynnBenchAutoencoder(MPI_Comm comm, const char *arch, long frames, long size_px, long steps, long warmup, uint64_t seed);

#endif
