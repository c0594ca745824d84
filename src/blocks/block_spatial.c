/* Blocks `softargmax` and `warp` (src/op_spatial.c): the encoder end and the decoder end of a
 * spatial autoencoder, one that describes a frame by where things are and draws it by moving a
 * learned picture (docs/autoencoder.md).
 *
 *   softargmax kp(c2) gain=20 weights=softmax           (N, C, H, W) -> (N, 2C) positions in [-1, 1]^2
 *   warp recon(pose) dims=1,160,160 factor=2 motion=rotation pivot=0,0.913 train_pivot=1 aspect=1
 *
 * warp: a template <name>.template (C, factor H, factor W), zero at the start, rotated by the
 * angle pose[:, 0] (motion=rotation: pose (N, 1)), by the angle of the direction pose[:, 0:2]
 * (motion=direction: pose (N, 2), phi = atan2(p1, p0), for swings of any amplitude), or also
 * shifted by pose[:, 1:3] (motion=rigid: pose (N, 3), units of min(H, W)/2) about the pivot, which is `pivot` (units of min(H, W)/2 from
 * the image centre, y up) plus the trained shift <name>.pivot (2) when train_pivot=1. aspect is
 * a pixel's height over its width (1.15 for the tutorial's 160 x 160 frames of a 1 x 1.15
 * window), so that the rotation is rigid in the picture's coordinates. */
#include "phynn/block.h"

static const char *const WarpMotions[] = {"rotation", "rigid", "direction", NULL};

typedef struct {
  long   dims[3], factor;
  int    ndims, motion;
  double pivot[2], aspect;
  long   train_pivot;
} WarpKeys;

typedef struct {
  int T, pivot;
} WarpState;

/* pivot=x,y (default 0,0) and aspect (default 1), read and checked alike by warp and polar. */
static PetscErrorCode ParsePivotAspect(PhynnSpecStatement *st, double *pivot, double *aspect)
{
  int       np = 0;
  PetscBool found;
  PetscFunctionBegin;
  PetscCall(PhynnSpecGetRealList(st, "pivot", PETSC_FALSE, 2, pivot, &np, &found));
  PetscCall(PhynnSpecGetReal(st, "aspect", PETSC_FALSE, aspect, NULL));
  PhynnSpecCheck(st, !found || np == 2, "pivot needs two values x,y (units of half the image, from its centre, y up)");
  PhynnSpecCheck(st, *aspect > 0, "aspect=%g: the pixel height / width must be positive", *aspect);
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseWarp(PhynnBlock b, PhynnSpecStatement *st)
{
  WarpKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data        = k;
  k->factor      = 2;
  k->train_pivot = 1;
  k->aspect      = 1;
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, 3, k->dims, &k->ndims, NULL));
  PetscCall(PhynnSpecGetInt(st, "factor", PETSC_FALSE, &k->factor, NULL));
  PetscCall(PhynnSpecGetChoice(st, "motion", WarpMotions, PETSC_FALSE, &k->motion, NULL));
  PetscCall(ParsePivotAspect(st, k->pivot, &k->aspect));
  PetscCall(PhynnSpecGetInt(st, "train_pivot", PETSC_FALSE, &k->train_pivot, NULL));
  PhynnSpecCheck(st, k->ndims == 3 && k->dims[0] >= 1 && k->dims[1] >= 1 && k->dims[2] >= 1, "dims must be C,H,W of the output images, e.g. dims=1,160,160");
  PhynnSpecCheck(st, k->factor >= 1 && k->factor <= 8, "factor=%ld: the template's refinement must be 1 to 8", k->factor);
  PhynnSpecCheck(st, k->train_pivot == 0 || k->train_pivot == 1, "train_pivot=%ld must be 0 or 1", k->train_pivot);
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintWarp(PhynnBlock b, PhynnText *t)
{
  WarpKeys *k = (WarpKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "dims", 3, k->dims));
  PetscCall(PhynnTextAppend(t, " factor=%ld motion=%s", k->factor, WarpMotions[k->motion]));
  PetscCall(PhynnTextAppendReals(t, "pivot", 2, k->pivot));
  PetscCall(PhynnTextAppend(t, " train_pivot=%ld aspect=%.17g", k->train_pivot, k->aspect));
  PetscFunctionReturn(0);
}

static PetscErrorCode ShapeWarp(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  WarpKeys *k    = (WarpKeys *)b->data;
  long      want = k->motion == 0 ? 1 : k->motion == 1 ? 3 : 2;
  PetscFunctionBegin;
  PetscCheck(PhynnVarShapeSize(&in[0]) == want, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "warp %s: motion=%s needs a pose of %ld value(s) per sample, but its input '%s' has %ld", b->name, WarpMotions[k->motion], want, b->args[0],
             PhynnVarShapeSize(&in[0]));
  out->ndim = 3;
  for (int d = 0; d < 3; d++) out->dim[d] = k->dims[d];
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateWarp(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  WarpKeys  *k = (WarpKeys *)b->data;
  WarpState *s;
  long       dt[3] = {k->dims[0], k->factor * k->dims[1], k->factor * k->dims[2]};
  char       name[PHYNN_SPEC_NAME_MAX + 16];
  PetscFunctionBegin;
  (void)init; /* the template starts blank: the first steps learn the mean picture */
  PetscCall(PetscNew(&s));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.template", b->name));
  PetscCall(PhynnGraphParamND(g, name, 3, dt, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->T));
  s->pivot = -1;
  if (k->train_pivot) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.pivot", b->name));
    PetscCall(PhynnGraphParam(g, name, 1, 2, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->pivot));
  }
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode ApplyWarp(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  WarpKeys  *k = (WarpKeys *)b->data;
  WarpState *s = (WarpState *)state;
  int        pivot = s->pivot;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "warp %s: does not carry input derivatives (jets)", b->name);
  PetscCall(PhynnGraphRigidWarp(g, s->T, in[0], pivot, k->pivot, k->aspect, k->dims[1], k->dims[2], k->factor, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockWarp = {"warp", "dims, factor, motion, pivot, train_pivot, aspect", 1, 1, PETSC_FALSE, ParseWarp, PrintWarp, ShapeWarp, CreateWarp, ApplyWarp, PhynnBlockFreeState, PhynnBlockFreeData};

/* gain multiplies the features before the softmax (an inverse temperature): with features of
 * order 1 and gain 1 the softmax over thousands of background pixels is nearly uniform and the
 * positions hardly move; a gain of 10-30 lets the bright object dominate. weights=linear uses
 * x / sum x instead (the intensity centroid; the input must be non-negative). */
static const char *const SoftArgmaxWeights[] = {"softmax", "linear", NULL};

typedef struct {
  double gain;
  int    weights;
} SoftArgmaxKeys;

static PetscErrorCode ParseSoftArgmax(PhynnBlock b, PhynnSpecStatement *st)
{
  SoftArgmaxKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  k->gain = 1;
  PetscCall(PhynnSpecGetReal(st, "gain", PETSC_FALSE, &k->gain, NULL));
  PetscCall(PhynnSpecGetChoice(st, "weights", SoftArgmaxWeights, PETSC_FALSE, &k->weights, NULL));
  PhynnSpecCheck(st, k->gain > 0, "gain=%g must be positive", k->gain);
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSoftArgmax(PhynnBlock b, PhynnText *t)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " gain=%.17g weights=%s", ((SoftArgmaxKeys *)b->data)->gain, SoftArgmaxWeights[((SoftArgmaxKeys *)b->data)->weights]));
  PetscFunctionReturn(0);
}

static PetscErrorCode ShapeSoftArgmax(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "softargmax %s: its input '%s' is not images (C, H, W)", b->name, b->args[0]);
  out->ndim   = 1;
  out->dim[0] = 2 * in[0].dim[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode ApplySoftArgmax(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  int x;
  PetscFunctionBegin;
  (void)state;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "softargmax %s: does not carry input derivatives (jets)", b->name);
  PetscCall(PhynnBlockImages(b, g, 0, in[0], &x));
  if (((SoftArgmaxKeys *)b->data)->gain != 1) PetscCall(PhynnGraphScale(g, x, ((SoftArgmaxKeys *)b->data)->gain, &x));
  PetscCall(PhynnGraphSpatialSoftArgmax(g, x, ((SoftArgmaxKeys *)b->data)->weights == 1, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockSoftArgmax = {"softargmax", "gain, weights", 1, 1, PETSC_TRUE, ParseSoftArgmax, PrintSoftArgmax, ShapeSoftArgmax, PhynnBlockCreateNothing, ApplySoftArgmax, PhynnBlockFreeNothing, PhynnBlockFreeData};

/* polar: the angle of each keypoint about the pivot, from straight down (src/op_spatial.c,
 * polar_angle), for an encoder whose code must follow a swing of any amplitude below pi:
 *
 *   polar angle(keypoints) dims=160,160 pivot=0,0 aspect=1      (N, 2C) positions -> (N, C) angles
 *
 * dims are the height and width of the frames the positions were found in (only their shape
 * matters: a pooled copy gives the same), pivot and aspect mean what they mean for warp (units of
 * min(W, aspect H)/2 pixel widths from the centre, y up; pixel height / width). */
typedef struct {
  long   dims[2];
  double pivot[2], aspect;
} PolarKeys;

static PetscErrorCode ParsePolar(PhynnBlock b, PhynnSpecStatement *st)
{
  PolarKeys *k;
  int        nd = 0;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data   = k;
  k->aspect = 1;
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, 2, k->dims, &nd, NULL));
  PetscCall(ParsePivotAspect(st, k->pivot, &k->aspect));
  PhynnSpecCheck(st, nd == 2 && k->dims[0] >= 1 && k->dims[1] >= 1, "dims must be H,W of the frames the positions come from, e.g. dims=160,160");
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintPolar(PhynnBlock b, PhynnText *t)
{
  PolarKeys *k = (PolarKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "dims", 2, k->dims));
  PetscCall(PhynnTextAppendReals(t, "pivot", 2, k->pivot));
  PetscCall(PhynnTextAppend(t, " aspect=%.17g", k->aspect));
  PetscFunctionReturn(0);
}

static PetscErrorCode ShapePolar(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  long n = PhynnVarShapeSize(&in[0]);
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 1 && n % 2 == 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "polar %s: its input '%s' must be positions (x, y per channel, as softargmax gives), not %ld values", b->name, b->args[0], n);
  out->ndim   = 1;
  out->dim[0] = n / 2;
  PetscFunctionReturn(0);
}

static PetscErrorCode ApplyPolar(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  PolarKeys *k = (PolarKeys *)b->data;
  double     H = (double)k->dims[0], W = (double)k->dims[1], s = 0.5 * PetscMin(W, k->aspect * H);
  double     scale[2] = {0.5 * W / s, 0.5 * k->aspect * H / s}; /* softargmax's u, v in [-1, 1] to units of s */
  PetscFunctionBegin;
  (void)state;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "polar %s: does not carry input derivatives (jets)", b->name);
  PetscCall(PhynnGraphPolarAngle(g, in[0], scale, k->pivot, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockPolar = {"polar", "dims, pivot, aspect", 1, 1, PETSC_TRUE, ParsePolar, PrintPolar, ShapePolar, PhynnBlockCreateNothing, ApplyPolar, PhynnBlockFreeNothing, PhynnBlockFreeData};
