/* Corrupted frames for denoising autoencoders and noise checks (docs/autoencoder.md):
 * salt:P replaces each pixel with probability P by a uniform value in [0, 1] (the paper's
 * definition of "20% noise"), gauss:S adds N(0, S^2) (what the tutorial's notebook does). Every
 * draw is a pure function of (seed, stream, counter), so it is the same on any rank count. */
#include <stdlib.h>
#include <string.h>

#include "phynn/noise.h"

PetscErrorCode PhynnParseNoise(MPI_Comm comm, const char *what, const char *text, PhynnNoiseKind *kind, double *level)
{
  char *end;
  PetscFunctionBegin;
  *kind  = PHYNN_NOISE_NONE;
  *level = 0;
  if (!text[0] || !strcmp(text, "none")) PetscFunctionReturn(0);
  if (!strncmp(text, "salt:", 5)) *kind = PHYNN_NOISE_SALT;
  else if (!strncmp(text, "gauss:", 6)) *kind = PHYNN_NOISE_GAUSS;
  else SETERRQ(comm, PHYNN_ERR_INPUT, "%s: '%s' is not salt:P (pixels replaced with probability P) or gauss:SIGMA (Gaussian noise) or none", what, text);
  *level = strtod(strchr(text, ':') + 1, &end);
  PetscCheck(*end == '\0' && end != strchr(text, ':') + 1, comm, PHYNN_ERR_INPUT, "%s: '%s' needs a number after the colon, e.g. salt:0.2 or gauss:0.05", what, text);
  PetscCheck(*kind != PHYNN_NOISE_SALT || (*level >= 0 && *level <= 1), comm, PHYNN_ERR_INPUT, "%s: salt:%g is not a probability in [0, 1]", what, *level);
  PetscCheck(*kind != PHYNN_NOISE_GAUSS || *level >= 0, comm, PHYNN_ERR_INPUT, "%s: gauss:%g needs a standard deviation >= 0", what, *level);
  PetscFunctionReturn(0);
}

/* Corrupts frame values v (F of them) with draws at counter base + pixel. */
void PhynnApplyNoise(PhynnNoiseKind kind, double level, uint64_t seed, uint64_t stream, uint64_t base, long F, double *v)
{
  for (long p = 0; p < F; p++) {
    if (kind == PHYNN_NOISE_SALT) {
      uint32_t r[4];
      PhynnPhilox(seed, stream, base + (uint64_t)p, r);
      double u = ((double)r[0] + 0.5) / 4294967296.0, value = ((double)r[1] + 0.5) / 4294967296.0;
      if (u < level) v[p] = value;
    } else if (kind == PHYNN_NOISE_GAUSS) v[p] += level * PhynnNormal(seed, stream, base + (uint64_t)p);
  }
}

