/* Blocks `pca` and `pca_decode`: principal component analysis as a linear autoencoder, the
 * baseline every image autoencoder is compared with (`phynn pca`, docs/pca.md).
 *
 *   input      image dims=1,160,160
 *   pca        code(image) k=10 spectrum=30
 *   pca_decode recon(code) dims=1,160,160
 *   output     code names=z1,...,z10
 *   output     recon ref=image
 *
 * With the mean frame mu and the K principal components C (orthonormal rows, C C^T = I):
 *   pca:        z  = C (x - mu) = x C^T - C mu      one dense layer, bias -C mu (from parameters)
 *   pca_decode: x' = mu + C^T z = z C + mu          the transposed dense layer, bias mu
 * so x' is the orthogonal projection of x onto the affine span of the components through mu.
 * Both are linear: a jet passes through exactly (z_t = C x_t), and the biases sit on the value
 * block only (the derivative of a constant is 0). Like an mlp, pca reads its input as the model
 * hands it to blocks, i.e. mapped to [-1, 1] if the input statement has lb/ub; `phynn pca`
 * writes none, so the parameters are in the frames' own units.
 *
 * `pca NAME(IN)` owns the parameters, all created zero and filled by the command that fits them:
 *   NAME.mean               (1, C, H, W)  the mean training frame (one frame: mean[0] is the image)
 *   NAME.components         (K, C, H, W)  the principal directions, rows of V^T of the centred frames
 *   NAME.singular_values    (K)           their singular values s_1 >= ... >= s_K
 *   NAME.explained_variance (K)           s_k^2 / sum_j s_j^2 over the whole spectrum
 *   NAME.spectrum           (R)           every singular value of the centred training matrix
 *                                         (R = spectrum = min(frames, pixels)): the plot a
 *                                         physicist wants, and what K leaves out
 * `pca_decode NAME(CODE)` owns none: it finds CODE.mean and CODE.components in the graph by name
 * (the encoder's statement comes first, so its parameters exist), and checks their shapes against
 * its own dims (the per-sample shape of the reconstruction, that of the encoder's input). */
#include <string.h>

#include "phynn/block.h"

typedef struct {
  long k, spectrum;
} PCAKeys;

typedef struct {
  int mean, components; /* parameter nodes */
} PCAState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  PCAKeys  *k;
  PetscBool found;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetInt(st, "k", PETSC_TRUE, &k->k, NULL));
  PhynnSpecCheck(st, k->k >= 1, "k=%ld: give at least one component", k->k);
  k->spectrum = k->k;
  PetscCall(PhynnSpecGetInt(st, "spectrum", PETSC_FALSE, &k->spectrum, &found));
  PhynnSpecCheck(st, k->spectrum >= k->k, "spectrum=%ld stores fewer singular values than the k=%ld components", k->spectrum, k->k);
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockPCA.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  PCAKeys *k = (PCAKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " k=%ld spectrum=%ld", k->k, k->spectrum));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PCAKeys *k = (PCAKeys *)b->data;
  long     P = PhynnVarShapeSize(&in[0]);
  PetscFunctionBegin;
  PetscCheck(in[0].ndim >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pca %s: its input '%s' must be per-sample data (frames), not a param", b->name, b->args[0]);
  PetscCheck(k->k <= P && k->spectrum <= P, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pca %s: k=%ld and spectrum=%ld must not exceed the %ld values per sample of '%s'", b->name, k->k, k->spectrum, P, b->args[0]);
  out->ndim   = 1;
  out->dim[0] = k->k;
  PetscFunctionReturn(0);
}

/* "<block>.<local>" (checked for length by the graph) */
static PetscErrorCode ParamName(PhynnBlock b, const char *local, char *name, size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, len, "%s.%s", b->name, local));
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  const PhynnInitSpec zeros = {PHYNN_INIT_ZEROS, 0, 0};
  PCAKeys            *k     = (PCAKeys *)b->data;
  const PhynnVarShape *s    = &b->in_shape[0];
  PCAState           *st;
  long                dims[PHYNN_MAX_DIMS];
  char                name[PHYNN_NAME_MAX + 32];
  int                 node;
  (void)init; /* the command fills the parameters */
  PetscFunctionBegin;
  PetscCall(PetscNew(&st));
  *state = st;
  for (int d = 0; d < s->ndim; d++) dims[1 + d] = s->dim[d];
  dims[0] = 1;
  PetscCall(ParamName(b, "mean", name, sizeof(name)));
  PetscCall(PhynnGraphParamND(g, name, 1 + s->ndim, dims, PHYNN_DTYPE_REAL, zeros, &st->mean));
  dims[0] = k->k;
  PetscCall(ParamName(b, "components", name, sizeof(name)));
  PetscCall(PhynnGraphParamND(g, name, 1 + s->ndim, dims, PHYNN_DTYPE_REAL, zeros, &st->components));
  PetscCall(ParamName(b, "singular_values", name, sizeof(name)));
  PetscCall(PhynnGraphParamND(g, name, 1, &k->k, PHYNN_DTYPE_REAL, zeros, &node));
  PetscCall(ParamName(b, "explained_variance", name, sizeof(name)));
  PetscCall(PhynnGraphParamND(g, name, 1, &k->k, PHYNN_DTYPE_REAL, zeros, &node));
  PetscCall(ParamName(b, "spectrum", name, sizeof(name)));
  PetscCall(PhynnGraphParamND(g, name, 1, &k->spectrum, PHYNN_DTYPE_REAL, zeros, &node));
  PetscFunctionReturn(0);
}

/* z = x C^T + b with b = -C mu: mu (1, C, H, W) is one row of P values for dense. */
static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  PCAState *st = (PCAState *)state;
  int       cmu, bias;
  (void)b;
  PetscFunctionBegin;
  PetscCall(PhynnGraphDense(g, st->mean, st->components, -1, NULL, &cmu));
  PetscCall(PhynnGraphScale(g, cmu, -1.0, &bias));
  PetscCall(PhynnGraphDense(g, in[0], st->components, bias, jet, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockPCA = {"pca", "k, spectrum", 1, 1, PETSC_FALSE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};

/* ---- pca_decode ------------------------------------------------------------------------------- */

static PetscErrorCode DecodeParse(PhynnBlock b, PhynnSpecStatement *st)
{
  PhynnVarShape *k;
  long           dims[PHYNN_VAR_MAX_DIMS];
  int            nd;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, PHYNN_VAR_MAX_DIMS, dims, &nd, NULL));
  k->ndim = nd;
  for (int d = 0; d < nd; d++) {
    PhynnSpecCheck(st, dims[d] >= 1, "dims: %ld is not positive", dims[d]);
    k->dim[d] = dims[d];
  }
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockPCADecode.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode DecodePrint(PhynnBlock b, PhynnText *t)
{
  PhynnVarShape *k = (PhynnVarShape *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "dims", k->ndim, k->dim));
  PetscFunctionReturn(0);
}

static PetscErrorCode DecodeShape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pca_decode %s: its argument '%s' must be a code of one value per component (a pca block)", b->name, b->args[0]);
  *out = *(PhynnVarShape *)b->data;
  PetscFunctionReturn(0);
}

/* The parameter `name` of graph g and its shape; an error naming the decoder when it is missing. */
static PetscErrorCode FindParam(PhynnBlock b, PhynnGraph g, const char *local, PhynnParamInfo *info)
{
  char name[PHYNN_NAME_MAX + 32];
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s", b->args[0], local));
  for (int k = 0; k < PhynnGraphParamCount(g); k++) {
    PetscCall(PhynnGraphParamInfo(g, k, info));
    if (!strcmp(info->name, name)) PetscFunctionReturn(0);
  }
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pca_decode %s: its argument '%s' is not a pca block (the model has no parameter %s)", b->name, b->args[0], name);
}

static PetscErrorCode DecodeCreate(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  const PhynnVarShape *s = (const PhynnVarShape *)b->data;
  PhynnParamInfo       mean, comp;
  PCAState            *st;
  PetscBool            same;
  (void)init;
  PetscFunctionBegin;
  PetscCall(FindParam(b, g, "mean", &mean));
  PetscCall(FindParam(b, g, "components", &comp));
  same = comp.shape.ndim == 1 + s->ndim && mean.shape.ndim == 1 + s->ndim && comp.shape.dim[0] == b->in_shape[0].dim[0] && mean.shape.dim[0] == 1;
  for (int d = 0; same && d < s->ndim; d++) same = comp.shape.dim[1 + d] == s->dim[d] && mean.shape.dim[1 + d] == s->dim[d];
  PetscCheck(same, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pca_decode %s: dims (%ld values per sample) are not the shape of %s's frames (components %s)", b->name, PhynnVarShapeSize(s), b->args[0], comp.name);
  PetscCall(PetscNew(&st));
  st->mean       = mean.node;
  st->components = comp.node;
  *state         = st;
  PetscFunctionReturn(0);
}

/* x' = z C + mu, reshaped from rows of P values to the frames' (C, H, W). */
static PetscErrorCode DecodeApply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  const PhynnVarShape *s  = (const PhynnVarShape *)b->data;
  PCAState            *st = (PCAState *)state;
  long                 dims[PHYNN_MAX_DIMS] = {0};
  int                  y;
  PetscFunctionBegin;
  PetscCall(PhynnGraphDenseTransposed(g, in[0], st->components, st->mean, jet, &y));
  for (int d = 0; d < s->ndim; d++) dims[1 + d] = s->dim[d];
  if (s->ndim == 1) *out = y;
  else PetscCall(PhynnGraphReshape(g, y, 1 + s->ndim, dims, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockPCADecode = {"pca_decode", "dims", 1, 1, PETSC_FALSE, DecodeParse, DecodePrint, DecodeShape, DecodeCreate, DecodeApply, PhynnBlockFreeState, PhynnBlockFreeData};
