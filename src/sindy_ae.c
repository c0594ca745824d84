/* The SINDy autoencoder's loss graph (phynn/sindy_ae.h; docs/sindy.md). The derivatives along
 * the trajectory are jets seeded by data (the encoder) and by graph nodes (the decoder), so the
 * parameter gradient of every term is reverse mode through ordinary ops: no nested autodiff. */
#include <string.h>

#include "phynn/sindy_ae.h"

const char *const PhynnSindyAETermNames[PHYNN_SINDY_AE_TERMS] = {"recon", "sindy_x", "sindy_z", "l1"};

PetscErrorCode PhynnSindyAEFromModel(MPI_Comm comm, PhynnModel m, const char *origin, PhynnSindyAE *ae)
{
  int                  nb, nin, nout, law = -1;
  const PhynnBlock    *blocks;
  const PhynnModelVar *in, *out;
  PetscFunctionBegin;
  memset(ae, 0, sizeof(*ae));
  PetscCall(PhynnModelGetBlocks(m, &nb, &blocks));
  PetscCall(PhynnModelGetInputs(m, &nin, &in));
  PetscCall(PhynnModelGetOutputs(m, &nout, &out));
  for (int k = 0; k < nb; k++)
    if (blocks[k]->type == &PhynnBlockSindy) {
      PetscCheck(law < 0, comm, PHYNN_ERR_INPUT, "%s: a SINDy autoencoder has one sindy block; '%s' and '%s' are two", origin, blocks[law]->name, blocks[k]->name);
      law = k;
    }
  PetscCheck(law >= 0, comm, PHYNN_ERR_INPUT, "%s: no sindy block; a SINDy autoencoder needs one (sindy law(encoder) order=2 poly=3 sine=1)", origin);
  PetscCheck(nin == 1, comm, PHYNN_ERR_INPUT, "%s: a SINDy autoencoder has one input (the frames); this spec has %d", origin, nin);
  PetscCall(PhynnBlockSindyGetLibrary(blocks[law], &ae->lib));
  PetscCall(PetscStrncpy(ae->law, blocks[law]->name, sizeof(ae->law)));
  PetscCall(PetscStrncpy(ae->encoder, blocks[law]->args[0], sizeof(ae->encoder)));
  for (int k = 0; k < nout; k++)
    if (!strcmp(out[k].name, "recon")) PetscCall(PetscStrncpy(ae->decoder, blocks[out[k].block]->name, sizeof(ae->decoder)));
  PetscCheck(ae->decoder[0], comm, PHYNN_ERR_INPUT, "%s: no output named recon; name the decoder's output (output recon decoder)", origin);
  ae->F = PhynnVarShapeSize(&in[0].shape);
  for (int k = 0; k < nb; k++) {
    if (!strcmp(blocks[k]->name, ae->encoder))
      PetscCheck(blocks[k]->nargs == 1 && !strcmp(blocks[k]->args[0], in[0].name), comm, PHYNN_ERR_INPUT, "%s: the encoder '%s' (the argument of sindy %s) must read the frames '%s' directly", origin, ae->encoder, ae->law, in[0].name);
    if (!strcmp(blocks[k]->name, ae->decoder)) {
      PetscCheck(blocks[k]->nargs == 1 && !strcmp(blocks[k]->args[0], ae->encoder), comm, PHYNN_ERR_INPUT, "%s: the decoder '%s' must read the encoder '%s' (decoder(%s))", origin, ae->decoder, ae->encoder, ae->encoder);
      PetscCheck(PhynnVarShapeSize(&blocks[k]->out_shape) == ae->F, comm, PHYNN_ERR_INPUT, "%s: the decoder '%s' makes %ld values per frame but the frames have %ld", origin, ae->decoder, PhynnVarShapeSize(&blocks[k]->out_shape), ae->F);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyAEGraph(PhynnModel m, PhynnGraph g, PhynnSindyAE *ae)
{
  const int   pair[1][2] = {{0, 0}};
  const int   K          = ae->lib->order + 1; /* [value; d/dt; (d2/dt2)] */
  const long  L = ae->lib->latent, T = ae->lib->nterms;
  PhynnJet    jet;
  int         seeds[3], enc, dec, xim, theta, r;
  char        name[PHYNN_SPEC_NAME_MAX + 8];
  PetscFunctionBegin;
  PetscCall(PhynnJetSeeded(PETSC_COMM_SELF, 1, ae->lib->order == 2 ? 1 : 0, pair, &jet));
  PetscCall(PhynnGraphInput(g, "x", ae->F, &ae->x));
  PetscCall(PhynnGraphInput(g, "x_t", ae->F, &ae->x_t));
  ae->x_tt = -1;
  if (ae->lib->order == 2) PetscCall(PhynnGraphInput(g, "x_tt", ae->F, &ae->x_tt));
  ae->one = -1;
  if (ae->lib->constant) PetscCall(PhynnGraphInput(g, "one", 1, &ae->one));
  PetscCall(PhynnGraphInput(g, "zero", T, &ae->zero));

  /* encoder along the trajectory: [x; x'; x''] -> [z; z'; z''] */
  seeds[0] = ae->x;
  seeds[1] = ae->x_t;
  seeds[2] = ae->x_tt;
  PetscCall(PhynnGraphJetStack(g, K, seeds, &enc));
  PetscCall(PhynnModelApplyBlock(m, g, ae->encoder, &enc, &jet, &enc));
  PetscCall(PhynnGraphBlock(g, enc, K, 0, &ae->z));
  PetscCall(PhynnGraphBlock(g, enc, K, 1, &ae->z_t));
  ae->z_tt = -1;
  if (K == 3) PetscCall(PhynnGraphBlock(g, enc, K, 2, &ae->z_tt));

  /* the SINDy model: Theta(z[, z']) (Xi * mask)^T, the highest derivative of z */
  PetscCall(PhynnModelApplyBlock(m, g, ae->law, &ae->z, NULL, &xim));
  PetscCall(PhynnSindyLibraryGraph(g, ae->lib, ae->z, K == 3 ? ae->z_t : -1, ae->one, &theta));
  PetscCall(PhynnGraphDense(g, theta, xim, -1, NULL, &ae->model));

  /* decoder along the trajectory, seeded by the model: [z; z'; Theta Xi] -> [x~; x~'; x~''] */
  seeds[0] = ae->z;
  seeds[1] = K == 3 ? ae->z_t : ae->model;
  seeds[2] = ae->model;
  PetscCall(PhynnGraphJetStack(g, K, seeds, &dec));
  PetscCall(PhynnModelApplyBlock(m, g, ae->decoder, &dec, &jet, &dec));
  PetscCall(PhynnGraphBlock(g, dec, K, 0, &ae->recon));
  PetscCall(PhynnGraphBlock(g, dec, K, K - 1, &ae->recon_deriv));

  /* the terms */
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, ae->recon, ae->x, &ae->term[0]));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, ae->recon_deriv, K == 3 ? ae->x_tt : ae->x_t, &ae->term[1]));
  PetscCall(PhynnGraphSub(g, K == 3 ? ae->z_tt : ae->z_t, ae->model, &r));
  PetscCall(PhynnGraphMeanSquare(g, r, &ae->term[2]));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MAE, xim, ae->zero, &ae->term[3]));
  for (int k = 0; k < PHYNN_SINDY_AE_TERMS; k++) PetscCall(PhynnGraphSetName(g, ae->term[k], PhynnSindyAETermNames[k]));
  ae->per_sample[0] = ae->per_sample[1] = ae->F;
  ae->per_sample[2] = L;
  ae->per_sample[3] = L * T;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.xi", ae->law));
  PetscCall(PhynnModelGetParamNode(m, g, name, &ae->xi));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.mask", ae->law));
  PetscCall(PhynnModelGetParamNode(m, g, name, &ae->mask));
  PetscFunctionReturn(0);
}
