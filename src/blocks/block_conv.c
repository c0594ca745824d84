/* Blocks `conv` and `convt`: a 2-D convolution (or transposed convolution) of images, then an
 * activation (src/op_conv.c has the mathematics).
 *
 *   conv  c1(image) out=8 k=5 s=2 p=2 act=relu bias=1     (N, C, H, W) -> (N, 8, H', W')
 *   convt d1(z)     out=1 k=4 s=2 p=1 act=sigmoid         upsampling decoder layer
 *
 * k, s and p are one value or two (height, width). conv: H' = (H + 2p - k)/s + 1 (the division
 * exact or not: the last rows that do not fill a window are dropped, as in PyTorch); convt:
 * H' = (H - 1) s - 2p + k. Parameters <name>.W (out, C, kh, kw) for conv, (C, out, kh, kw) for
 * convt (PyTorch's layouts), and <name>.b (1, out). An input that a dense block made is reshaped
 * from its per-sample shape (PhynnBlockImages). conv's pad=circular (default zeros) pads by p
 * periodically (src/op_pad.c): the domain has no ends, as on a periodic family. */
#include "phynn/block.h"

typedef struct {
  long out, k[2], s[2], p[2];
  int  act, bias, circular;
} ConvKeys;

static const char *const PadKinds[] = {"zeros", "circular", NULL};

typedef struct {
  int W, b;
} ConvState;

static PetscErrorCode GetPair(PhynnSpecStatement *st, const char *key, PetscBool required, long dflt, long *v)
{
  int       n = 0;
  PetscBool found;
  PetscFunctionBegin;
  v[0] = v[1] = dflt;
  PetscCall(PhynnSpecGetIntList(st, key, required, 2, v, &n, &found));
  if (found && n == 1) v[1] = v[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  ConvKeys *k;
  long      bias = 1;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  k->act  = PHYNN_ACT_IDENTITY;
  PetscCall(PhynnSpecGetInt(st, "out", PETSC_TRUE, &k->out, NULL));
  PetscCall(GetPair(st, "k", PETSC_TRUE, 1, k->k));
  PetscCall(GetPair(st, "s", PETSC_FALSE, 1, k->s));
  PetscCall(GetPair(st, "p", PETSC_FALSE, 0, k->p));
  PetscCall(PhynnSpecGetChoice(st, "act", PhynnActivationNames, PETSC_FALSE, &k->act, NULL));
  PetscCall(PhynnSpecGetInt(st, "bias", PETSC_FALSE, &bias, NULL));
  PetscCall(PhynnSpecGetChoice(st, "pad", PadKinds, PETSC_FALSE, &k->circular, NULL));
  PhynnSpecCheck(st, !k->circular || b->type == &PhynnBlockConv, "pad=circular is for conv; a transposed convolution pads zeros (upsample, then conv pad=circular, for a periodic decoder)");
  PhynnSpecCheck(st, k->out >= 1, "out=%ld: a layer needs at least one output channel", k->out);
  for (int d = 0; d < 2; d++) {
    PhynnSpecCheck(st, k->k[d] >= 1, "k=%ld: the kernel needs at least one pixel", k->k[d]);
    PhynnSpecCheck(st, k->s[d] >= 1, "s=%ld: the stride must be at least 1", k->s[d]);
    PhynnSpecCheck(st, k->p[d] >= 0, "p=%ld: the padding cannot be negative", k->p[d]);
  }
  PhynnSpecCheck(st, bias == 0 || bias == 1, "bias=%ld must be 0 or 1", bias);
  PhynnSpecCheck(st, k->act != PHYNN_ACT_SOFTMAX, "act=softmax is not a per-pixel activation; use sigmoid or identity");
  k->bias = (int)bias;
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  ConvKeys *k = (ConvKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " out=%ld k=%ld,%ld s=%ld,%ld p=%ld,%ld act=%s bias=%d", k->out, k->k[0], k->k[1], k->s[0], k->s[1], k->p[0], k->p[1], PhynnActivationNames[k->act], k->bias));
  if (k->circular) PetscCall(PhynnTextAppend(t, " pad=circular")); /* only when set: the canonical form of older specs stays as it was */
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  ConvKeys *k = (ConvKeys *)b->data;
  int       t = b->type == &PhynnBlockConvT;
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: its input '%s' is not images (C, H, W); give the input dims=C,H,W or reshape it first", b->type->kind, b->name, b->args[0]);
  out->ndim   = 3;
  out->dim[0] = k->out;
  for (int d = 0; d < 2; d++) {
    long n = in[0].dim[1 + d], o;
    if (t) o = (n - 1) * k->s[d] - 2 * k->p[d] + k->k[d];
    else o = n + 2 * k->p[d] >= k->k[d] ? (n + 2 * k->p[d] - k->k[d]) / k->s[d] + 1 : 0;
    if (o < 1) {
      char what[128];
      PetscCall(PetscSNPrintf(what, sizeof(what), "kernel %ld x %ld with stride %ld and padding %ld (%s %ld pixels)", k->k[0], k->k[1], k->s[d], k->p[d], d ? "width" : "height", n));
      PetscCall(PhynnBlockImageShapeError(b, what));
    }
    out->dim[1 + d] = o;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  ConvKeys  *k = (ConvKeys *)b->data;
  ConvState *s;
  long       C = b->in_shape[0].dim[0], dw[4], db[2] = {1, k->out};
  char       name[PHYNN_SPEC_NAME_MAX + 8];
  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  dw[0] = b->type == &PhynnBlockConvT ? C : k->out;
  dw[1] = b->type == &PhynnBlockConvT ? k->out : C;
  dw[2] = k->k[0];
  dw[3] = k->k[1];
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.W", b->name));
  PetscCall(PhynnGraphParamND(g, name, 4, dw, PHYNN_DTYPE_REAL, *init, &s->W));
  s->b = -1;
  if (k->bias) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.b", b->name));
    PetscCall(PhynnGraphParamND(g, name, 2, db, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->b));
  }
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  ConvKeys  *k = (ConvKeys *)b->data;
  ConvState *s = (ConvState *)state;
  int        x, y;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: image blocks do not carry input derivatives (jets) in a model", b->type->kind, b->name);
  PetscCall(PhynnBlockImages(b, g, 0, in[0], &x));
  if (b->type == &PhynnBlockConvT) PetscCall(PhynnGraphConvTranspose2d(g, x, s->W, s->b, k->s[0], k->s[1], k->p[0], k->p[1], NULL, &y));
  else if (k->circular) { /* periodic: wrap the field around, then convolve without padding */
    PetscCall(PhynnGraphPadCircular(g, x, k->p[0], k->p[1], &x));
    PetscCall(PhynnGraphConv2d(g, x, s->W, s->b, k->s[0], k->s[1], 0, 0, NULL, &y));
  } else PetscCall(PhynnGraphConv2d(g, x, s->W, s->b, k->s[0], k->s[1], k->p[0], k->p[1], NULL, &y));
  if (k->act != PHYNN_ACT_IDENTITY) PetscCall(PhynnGraphActivation(g, y, (PhynnActivation)k->act, 0.01, NULL, &y));
  *out = y;
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockConv  = {"conv", "out, k, s, p, act, bias, pad", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
const PhynnBlockType PhynnBlockConvT = {"convt", "out, k, s, p, act, bias", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
