/* The built-in architectures of `phynn train operator` (docs/operators.md), written as model
 * specs (so -arch FILE is the same language). Each maps the input field (cin, H, W) to the output
 * field (cout, H, W), normalised in and out by `affine` blocks with the training set's mean and
 * standard deviation (one pair for the inputs, one for the outputs):
 *   fno       lifting (k=1 conv to -width channels), -layers Fourier layers keeping -modes bins
 *             (GELU between them, none after the last), projection (k=1 convs: 2 width, GELU, cout)
 *   deeponet  branch MLP on every input value, trunk MLP on the grid (periodic features on a
 *             periodic grid), -width wide, -layers hidden layers each, p = -width; 1-D, 1 output
 *   cnn       a U-Net: -layers stride-2 encoder convolutions doubling the channels from -width,
 *             transposed-convolution decoders with skip connections (concat) back to the grid */
#ifndef PHYNN_APPS_OPERATOR_ARCH_H
#define PHYNN_APPS_OPERATOR_ARCH_H

#include "phynn/operator_data.h"
#include "phynn/spec.h"

typedef struct {
  long   width, modes, layers;
  double in_mean, in_std, out_mean, out_std;
  char   ref[64];
} PhynnOperatorArchOpts;

/* The cnn's default levels: the grid is halved until its smaller side is 8 points (and while the
 * sizes stay divisible), so the bottom of the U-Net sees the whole domain; at least 1. */
long PhynnOperatorCnnLevels(const PhynnOperatorData *d);
PetscErrorCode PhynnOperatorArch(MPI_Comm comm, const char *arch, const PhynnOperatorData *d, const PhynnOperatorArchOpts *o, PhynnText *t);

#endif
