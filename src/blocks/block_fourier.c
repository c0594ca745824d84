/* Block `fourier`: one Fourier layer of a Fourier neural operator (Li et al. 2021),
 *
 *   fourier f1(h) modes=16 act=gelu                   1-D: h (C, 1, W) -> (out, 1, W)
 *   fourier f1(h) modes=12,12 out=32 act=gelu         2-D: h (C, H, W), rows kh < 12 and kh >= H - 12
 *
 *   y = act( spectral_conv(h; R) + W h + b )
 *
 * spectral_conv (src/op_spectral.c) keeps the lowest `modes` rfft bins along W (bins 0 .. K-1:
 * K bins, the original FNO scripts' convention; the neuraloperator library's n_modes = 2(K-1)
 * keeps the same bins) and, in 2-D, the first modes[0] positive and negative frequencies along
 * H; W h + b is the pointwise (1 x 1 convolution) path, dropped with linear=0. out=0 (the
 * default) keeps the input's channels. Parameters <name>.R (complex (rows kept, K, C, out), Li's initialiser
 * uniform [0, 1/(C out)) for both parts), <name>.W (out, C, 1, 1) and <name>.b (1, out). A stack
 * of these between a lifting and a projection (`conv` blocks with k=1) is an FNO; with act=identity
 * and linear=0 one layer is a pure Fourier multiplier, which represents the periodic heat
 * equation's solution operator exactly. The layer keeps the grid size, and its weights do not
 * depend on it: a model trained at one resolution evaluates at another with the same bins kept
 * (FNO's discretisation invariance), as long as each grid has the bins. */
#include "phynn/block.h"

typedef struct {
  long modes[2], out;
  int  nmodes, act, linear;
} FourierKeys;

typedef struct {
  int R, W, b;
} FourierState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  FourierKeys *k;
  long         linear = 1;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  k->act  = PHYNN_ACT_GELU;
  PetscCall(PhynnSpecGetIntList(st, "modes", PETSC_TRUE, 2, k->modes, &k->nmodes, NULL));
  PetscCall(PhynnSpecGetInt(st, "out", PETSC_FALSE, &k->out, NULL));
  PetscCall(PhynnSpecGetChoice(st, "act", PhynnActivationNames, PETSC_FALSE, &k->act, NULL));
  PetscCall(PhynnSpecGetInt(st, "linear", PETSC_FALSE, &linear, NULL));
  for (int d = 0; d < k->nmodes; d++) PhynnSpecCheck(st, k->modes[d] >= 1, "modes=%ld: keep at least one Fourier bin", k->modes[d]);
  PhynnSpecCheck(st, k->out >= 0, "out=%ld: give a positive number of channels (or leave it out: the input's)", k->out);
  PhynnSpecCheck(st, linear == 0 || linear == 1, "linear=%ld must be 0 or 1", linear);
  PhynnSpecCheck(st, k->act != PHYNN_ACT_SOFTMAX, "act=softmax is not a per-point activation; use gelu, tanh or identity");
  k->linear = (int)linear;
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  FourierKeys *k = (FourierKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "modes", k->nmodes, k->modes));
  PetscCall(PhynnTextAppend(t, " out=%ld act=%s linear=%d", k->out, PhynnActivationNames[k->act], k->linear));
  PetscFunctionReturn(0);
}

/* Bins kept along H (0 for a 1-D signal) and along W. */
static void KeptBins(const FourierKeys *k, long H, long *kh, long *kw)
{
  *kh = H == 1 ? 0 : k->modes[0];
  *kw = k->modes[k->nmodes - 1];
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  FourierKeys *k = (FourierKeys *)b->data;
  long         H, W, kh, kw;
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: its input '%s' is not a field (C, H, W) (H = 1 for 1-D); give the input dims=C,1,NX", b->name, b->args[0]);
  H = in[0].dim[1];
  W = in[0].dim[2];
  PetscCheck(H == 1 || k->nmodes == 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: its input '%s' is a 2-D field (%ld x %ld); give modes=KH,KW", b->name, b->args[0], H, W);
  PetscCheck(H > 1 || k->nmodes == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: its input '%s' is a 1-D signal (H = 1); give one value, modes=K", b->name, b->args[0]);
  KeptBins(k, H, &kh, &kw);
  PetscCheck(kw <= W / 2 + 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: modes=%ld but a grid of %ld points has only %ld rfft bins (nx/2 + 1); keep at most %ld", b->name, kw, W, W / 2 + 1, W / 2 + 1);
  PetscCheck(2 * kh <= H, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: modes=%ld along H but %ld rows hold at most %ld positive and as many negative frequencies", b->name, kh, H, H / 2);
  *out        = in[0];
  out->dim[0] = k->out ? k->out : in[0].dim[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  FourierKeys  *k = (FourierKeys *)b->data;
  FourierState *s;
  const long    C = b->in_shape[0].dim[0], O = b->out_shape.dim[0];
  long          kh, kw, dr[4], dw[4] = {O, C, 1, 1}, db[2] = {1, O};
  char          name[PHYNN_SPEC_NAME_MAX + 8];
  PetscFunctionBegin;
  KeptBins(k, b->in_shape[0].dim[1], &kh, &kw);
  dr[0] = kh ? 2 * kh : 1, dr[1] = kw, dr[2] = C, dr[3] = O;
  PetscCall(PetscNew(&s));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.R", b->name));
  PetscCall(PhynnGraphParamND(g, name, 4, dr, PHYNN_DTYPE_COMPLEX, (PhynnInitSpec){PHYNN_INIT_UNIFORM, 0, 1.0 / (double)(C * O)}, &s->R));
  s->W = s->b = -1;
  if (k->linear) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.W", b->name));
    PetscCall(PhynnGraphParamND(g, name, 4, dw, PHYNN_DTYPE_REAL, *init, &s->W));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.b", b->name));
    PetscCall(PhynnGraphParamND(g, name, 2, db, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &s->b));
  }
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  FourierKeys  *k = (FourierKeys *)b->data;
  FourierState *s = (FourierState *)state;
  long          kh, kw;
  int           x, y, p;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "fourier %s: operator blocks do not carry input derivatives (jets) in a model", b->name);
  PetscCall(PhynnBlockImages(b, g, 0, in[0], &x));
  KeptBins(k, b->in_shape[0].dim[1], &kh, &kw);
  PetscCall(PhynnGraphSpectralConv(g, x, s->R, kh, kw, NULL, &y));
  if (k->linear) {
    PetscCall(PhynnGraphConv2d(g, x, s->W, s->b, 1, 1, 0, 0, NULL, &p));
    PetscCall(PhynnGraphAdd(g, y, p, &y));
  }
  if (k->act != PHYNN_ACT_IDENTITY) PetscCall(PhynnGraphActivation(g, y, (PhynnActivation)k->act, 0.01, NULL, &y));
  *out = y;
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockFourier = {"fourier", "modes, out, act, linear", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
