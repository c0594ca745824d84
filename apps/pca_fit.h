/* Principal component analysis of image frames (the `phynn pca` command, docs/pca.md).
 *
 * The n training frames x_i (P = C H W pixels each) are the rows of the snapshot matrix X
 * (n x P). With the mean frame mu = (1/n) sum_i x_i and the centred matrix A = X - 1 mu^T, the
 * SVD A = U S V^T gives the principal components as the rows of V^T (orthonormal directions in
 * pixel space, by decreasing singular value s_1 >= s_2 >= ...). The first K of them span the
 * K-dimensional affine subspace through mu closest to the frames in the least-squares sense
 * (Eckart-Young): ||A - A_K||_F^2 = sum_{k > K} s_k^2, and component k explains the fraction
 * s_k^2 / sum_j s_j^2 of the frames' variance.
 *
 *   PhynnPCAFit(set, var, n, idx, K, &pca);       idx: the training frames (file indices, increasing)
 *   PhynnPCAModel(comm, set, var, &pca, &model);   the linear autoencoder (src/blocks/block_pca.c)
 *   PhynnPCADestroy(&pca); */
#ifndef PHYNN_APPS_PCA_FIT_H
#define PHYNN_APPS_PCA_FIT_H

#include "phynn/imageset.h"
#include "phynn/model.h"

typedef struct {
  long    n, P, K, R;   /* training frames, pixels, components, singular values R = min(n, P) */
  double *mean;         /* P: the mean training frame (every rank) */
  double *components;   /* K x P, orthonormal rows (every rank) */
  double *sigma;        /* R singular values, descending (every rank) */
  double  total;        /* sum_j s_j^2 = ||A||_F^2 */
  int     nprow, nb;    /* the BLACS grid (nprow x 1) and block size used */
  double  read_seconds, svd_seconds;
} PhynnPCA;

/* Collective on the set's communicator: every rank reads only the frames of its block-cyclic rows. */
PetscErrorCode PhynnPCAFit(const PhynnImageSet *s, const char *var, long n, const long *idx, long K, PhynnPCA *pca);
/* The model of problem "pca": input image (C, H, W), blocks `pca code` and `pca_decode recon`,
 * outputs code (z1..zK) and recon (ref = var), parameters filled from pca. Same on every rank. */
PetscErrorCode PhynnPCAModel(MPI_Comm comm, const PhynnImageSet *s, const char *var, const PhynnPCA *pca, PhynnModel *m);
PetscErrorCode PhynnPCADestroy(PhynnPCA *pca);

#endif
