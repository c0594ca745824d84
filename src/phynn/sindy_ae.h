/* The SINDy autoencoder's loss graph (Champion et al. 2019; docs/sindy.md).
 *
 * A model spec with an encoder block, a decoder block and a `sindy` block (the coefficients Xi,
 * their mask and the library Theta) is wired into the graph of the four loss terms:
 *
 *   order 2: the encoder is seeded along the trajectory with [x; x'; x''] (a second-order jet,
 *            phynn/graph.h "seeded jets"), giving [z; z'; z''] exactly:
 *              z' = J x',  z'' = J x'' + H[x', x']            (J, H: the encoder's derivatives)
 *            the SINDy model's z'' is Theta(z, z') Xi^T, and the decoder is seeded with
 *            [z; z'; Theta(z, z') Xi^T], giving the decoder's x~ and x~''. Terms:
 *              recon    mean (x - x~)^2
 *              sindy_x  mean (x'' - x~'')^2
 *              sindy_z  mean (z'' - Theta Xi^T)^2
 *              l1       mean |Xi * mask|
 *   order 1: the same with one derivative: [x; x'] -> [z; z'], the model z' = Theta(z) Xi^T, the
 *            decoder seeded with [z; Theta Xi^T], sindy_x compares x' with x~'.
 *
 * The means run over all elements (frames x pixels, frames x latent, coefficients): the trainer
 * divides the batch terms by the global batch count times the per-sample widths given here. */
#ifndef PHYNN_SINDY_AE_H
#define PHYNN_SINDY_AE_H

#include "phynn/model.h"
#include "phynn/sindy.h"

#define PHYNN_SINDY_AE_TERMS 4
extern const char *const PhynnSindyAETermNames[PHYNN_SINDY_AE_TERMS]; /* recon, sindy_x, sindy_z, l1 */

typedef struct {
  /* blocks of the spec */
  char                     encoder[PHYNN_SPEC_NAME_MAX], decoder[PHYNN_SPEC_NAME_MAX], law[PHYNN_SPEC_NAME_MAX];
  const PhynnSindyLibrary *lib;
  long                     F;          /* values per frame */
  /* input nodes, (N x F): the frames and their time derivatives (x_tt only for order 2); one
   * (N x 1) holds ones (the constant term; -1 without it); zero (L x nterms) holds zeros */
  int                      x, x_t, x_tt, one, zero;
  /* results */
  int                      term[PHYNN_SINDY_AE_TERMS]; /* the loss nodes, in PhynnSindyAETermNames order */
  long                     per_sample[PHYNN_SINDY_AE_TERMS]; /* elements per frame (l1: per rank, the coefficients) */
  int                      z, z_t, z_tt, model, recon, recon_deriv; /* recon_deriv: x~'' (order 2) or x~' */
  int                      xi, mask;   /* parameter nodes of Xi and its mask (L x nterms) */
} PhynnSindyAE;

/* Finds the blocks of m: the one `sindy` block, the block it reads (the encoder) and the output
 * named `recon` (the decoder), and checks that they fit (one input of F values per frame; the
 * decoder reads the encoder). Errors name the spec's origin. */
PetscErrorCode PhynnSindyAEFromModel(MPI_Comm comm, PhynnModel m, const char *origin, PhynnSindyAE *ae);
/* Builds the loss terms in g (PhynnModelSetUp(m, g) first). */
PetscErrorCode PhynnSindyAEGraph(PhynnModel m, PhynnGraph g, PhynnSindyAE *ae);

#endif
