/* Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011).
 *
 * A number is a pure function of (seed, stream, index): no state to carry, so point i of a
 * collocation set has the same coordinates whichever rank draws it, restarts reproduce draws
 * exactly, and streams (one per parameter tensor, per point set, per noise source) never overlap.
 * Choose distinct `stream` values for distinct uses; the registry of streams lives in the
 * callers (see PHYNN_STREAM_* below for the shared ones). */
#ifndef PHYNN_RANDOM_H
#define PHYNN_RANDOM_H

#include <stdint.h>

/* Streams used by the core; applications use values >= PHYNN_STREAM_USER. */
enum {
  PHYNN_STREAM_INIT    = 1u << 20, /* parameter initialisation: + parameter tensor index */
  PHYNN_STREAM_SHUFFLE = 2u << 20, /* minibatch shuffles: index epoch * samples + i (trainer.c) */
  PHYNN_STREAM_POINTS  = 3u << 20, /* collocation points: + point set index */
  PHYNN_STREAM_NOISE   = 4u << 20, /* noise added to data */
  PHYNN_STREAM_DROPOUT = 5u << 20, /* dropout masks: + the layer's ordinal, under a key of (seed, step) (src/op_dropout.c) */
  PHYNN_STREAM_USER    = 8u << 20,
};

/* 128 random bits for (seed, stream, index) as four 32-bit words. */
void PhynnPhilox(uint64_t seed, uint64_t stream, uint64_t index, uint32_t out[4]);
/* Uniform in [0, 1) with 53 random bits. */
double PhynnUniform(uint64_t seed, uint64_t stream, uint64_t index);
/* Standard normal (Box-Muller on the two halves of one Philox block). */
double PhynnNormal(uint64_t seed, uint64_t stream, uint64_t index);
/* Fills out[i] for i in [0, n) with draws at indices first + i. */
void PhynnUniformFill(uint64_t seed, uint64_t stream, uint64_t first, long n, double lo, double hi, double *out);
void PhynnNormalFill(uint64_t seed, uint64_t stream, uint64_t first, long n, double mean, double stddev, double *out);

#endif
