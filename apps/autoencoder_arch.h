/* Built-in autoencoder architectures as model specs (apps/autoencoder_arch.c). Every image model
 * (autoencoder, PCA) has one input `image` (C, H, W) and two outputs: the block `code` (the
 * latent, K values) and the block `recon` (the reconstruction, the input's shape). */
#ifndef PHYNN_AUTOENCODER_ARCH_H
#define PHYNN_AUTOENCODER_ARCH_H

#include "phynn/spec.h"

/* Appends the spec of built-in architecture `arch` ("spatial", "conv") for C x H x W frames of
 * variable `var`, latent size `latent`; geometry is the spatial decoder's rotation pivot x, y
 * (units of the warp block: min(W, aspect H)/2 pixel widths from the centre, y up) and the pixel
 * aspect (height / width). */
PetscErrorCode PhynnAutoencoderArch(MPI_Comm comm, const char *arch, long C, long H, long W, long latent, const double *geometry, const char *var, PhynnText *t);

#endif
