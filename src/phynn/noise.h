/* Pixel noise: salt:P and gauss:SIGMA (src/noise.c). */
#ifndef PHYNN_NOISE_H
#define PHYNN_NOISE_H

#include <stdint.h>

#include "phynn/random.h"
#include "phynn/sys.h"

#define PHYNN_STREAM_DENOISE (PHYNN_STREAM_USER + 2) /* training noise: counter (epoch nframes + frame) npixels + pixel */
#define PHYNN_STREAM_NOISE_CHECK (PHYNN_STREAM_USER + 3) /* validate -noise: counter frame npixels + pixel, the same draws for every level (validation/image_metrics.c) */

typedef enum { PHYNN_NOISE_NONE, PHYNN_NOISE_SALT, PHYNN_NOISE_GAUSS } PhynnNoiseKind;

typedef struct {
  PhynnNoiseKind kind;
  double         level;
} PhynnNoise;

/* Parses "none", "salt:P" or "gauss:SIGMA" (`what` names the option in errors). */
PetscErrorCode PhynnParseNoise(MPI_Comm comm, const char *what, const char *text, PhynnNoiseKind *kind, double *level);
/* Corrupts the F values v with the draws at counters base .. base + F - 1. */
void PhynnApplyNoise(PhynnNoiseKind kind, double level, uint64_t seed, uint64_t stream, uint64_t base, long F, double *v);

#endif
