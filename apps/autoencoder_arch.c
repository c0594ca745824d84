/* The built-in architectures of `phynn train autoencoder` (docs/autoencoder.md), written as model
 * specs so that a user's -arch FILE is the same language:
 *
 * spatial (default): a spatial autoencoder. The encoder finds where things are: the frame averaged
 *   down to about 80 x 80 pixels, a soft-argmax per channel (the expected position under the
 *   softmax of 20 x the intensity: where the bright object is; Levine and Finn et al. 2016), that
 *   position's angle about the pivot (polar), and a residual MLP from the angle to the latent
 *   code. The decoder draws the frame by moving one learned picture: a residual MLP from the code
 *   to an angle, and a rigid rotation of a template at twice the resolution about the pivot (a
 *   spatial-transformer decoder). Both residual MLPs start as the identity (skip=1), so training
 *   starts with the rotation turning the right way, as far as the pendulum does, for a swing of
 *   any amplitude below pi. Both ends are smooth functions along the pendulum's one-dimensional
 *   family of frames, so frames between training frames are encoded and drawn between them,
 *   instead of being blended from their neighbours. When the pivot is not known (a file without
 *   coordinates, no -pivot) the MLP reads the position itself and the decoder trains the pivot.
 * conv: a plain convolutional autoencoder (stride-2 convolutions, a dense bottleneck, mirrored
 *   transposed convolutions, sigmoid output), the usual design; for comparison. */
#include <string.h>

#include "autoencoder_arch.h"

static PetscErrorCode AppendOutputs(PhynnText *t, long latent, const char *var)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, "output code names="));
  for (long k = 0; k < latent; k++) PetscCall(PhynnTextAppend(t, "%sz%ld", k ? "," : "", k + 1));
  PetscCall(PhynnTextAppend(t, "\noutput recon ref=%s\n", var));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnAutoencoderArch(MPI_Comm comm, const char *arch, long C, long H, long W, long latent, const double *geometry, const char *var, PhynnText *t)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, "input image dims=%ld,%ld,%ld\n", C, H, W));
  if (!strcmp(arch, "spatial")) {
    long f = PetscMax(1, PetscMin(H, W) / 80); /* the encoder looks at about 80 x 80 pixels: coarser ones snap the positions to their pixels */
    PetscCall(PhynnTextAppend(t, "pool small(image) kind=avg k=%ld s=%ld p=0\n", f, f));
    PetscCall(PhynnTextAppend(t, "softargmax keypoints(small) gain=20\n"));
    if (geometry[3] != 0) { /* the pivot is known: the code starts as the keypoint's angle about it, the rotation as the code */
      PetscCall(PhynnTextAppend(t, "polar angle(keypoints) dims=%ld,%ld pivot=%.17g,%.17g aspect=%.17g\n", H, W, geometry[0], geometry[1], geometry[2]));
      PetscCall(PhynnTextAppend(t, "mlp code(angle) sizes=%ld,64,64,%ld act=tanh out=identity bias=1 skip=1\n", C, latent));
      PetscCall(PhynnTextAppend(t, "mlp pose(code) sizes=%ld,64,64,1 act=tanh out=identity bias=1 skip=1\n", latent));
    } else {
      PetscCall(PhynnTextAppend(t, "mlp code(keypoints) sizes=%ld,64,64,%ld act=tanh out=identity bias=1\n", 2 * C, latent));
      PetscCall(PhynnTextAppend(t, "mlp pose(code) sizes=%ld,64,64,1 act=tanh out=identity bias=1\n", latent));
    }
    PetscCall(PhynnTextAppend(t, "warp recon(pose) dims=%ld,%ld,%ld factor=2 motion=rotation pivot=%.17g,%.17g train_pivot=%d aspect=%.17g\n", C, H, W, geometry[0], geometry[1], geometry[3] != 0 ? 0 : 1, geometry[2]));
  } else if (!strcmp(arch, "conv")) {
    PetscCheck(H % 16 == 0 && W % 16 == 0, comm, PHYNN_ERR_INPUT, "-arch conv halves the frames four times, so it needs a height and width divisible by 16 (these are %ld x %ld); give -arch FILE with your own layers", H, W);
    long h = H / 16, w = W / 16;
    PetscCall(PhynnTextAppend(t, "conv e1(image) out=8 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "conv e2(e1) out=16 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "conv e3(e2) out=16 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "conv e4(e3) out=16 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "mlp code(e4) sizes=%ld,64,%ld act=relu out=identity bias=1\n", 16 * h * w, latent));
    PetscCall(PhynnTextAppend(t, "mlp dec(code) sizes=%ld,64,%ld act=relu out=relu bias=1\n", latent, 16 * h * w));
    PetscCall(PhynnTextAppend(t, "reshape d0(dec) dims=16,%ld,%ld\n", h, w));
    PetscCall(PhynnTextAppend(t, "convt d1(d0) out=16 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "convt d2(d1) out=16 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "convt d3(d2) out=8 k=4 s=2 p=1 act=relu\n"));
    PetscCall(PhynnTextAppend(t, "convt recon(d3) out=%ld k=4 s=2 p=1 act=sigmoid\n", C));
  } else SETERRQ(comm, PHYNN_ERR_INPUT, "option -arch: '%s' is not a built-in architecture (spatial, conv) and not a file; give one of those or a model-spec file", arch);
  PetscCall(AppendOutputs(t, latent, var));
  PetscFunctionReturn(0);
}
