/* How well an image model reconstructs frames: the convention every image model follows (PCA,
 * autoencoders; docs/pca.md) is one input, the frames, and an output named `recon` of the same
 * per-sample shape. For frames idx[0..n) of variable var,
 *   mae = (1 / (n P)) sum_i sum_p |recon(x_i)_p - x_ip|,   max = max_i,p |recon(x_i)_p - x_ip|,
 * the L1 loss of the tutorial's autoencoder, per pixel. Every rank evaluates its PhynnSplitRange
 * share of the frames (reading only those) through the model's own evaluation graph; the sums
 * meet in one reduction. Collective on the set's communicator; m is the same on every rank. */
#ifndef PHYNN_APPS_IMAGE_MODEL_ERROR_H
#define PHYNN_APPS_IMAGE_MODEL_ERROR_H

#include "phynn/imageset.h"
#include "phynn/model.h"

typedef struct {
  double mae, mse, max;
} PhynnImageError;

PetscErrorCode PhynnImageModelError(PhynnModel m, const PhynnImageSet *s, const char *var, long n, const long *idx, PhynnImageError *err);

#endif
