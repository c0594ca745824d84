/* Blocks `pool` and `upsample` (src/op_pool.c, src/op_resize.c):
 *
 *   pool     p1(c1) kind=max k=2 s=2 p=0     max or average over k x k windows (s defaults to k)
 *   upsample u1(d1) f=2                      nearest-neighbour, f or fh,fw
 *
 * No parameters. */
#include <string.h>

#include "phynn/block.h"

static const char *const PoolKinds[] = {"max", "avg", NULL};

typedef struct {
  int  kind;
  long k[2], s[2], p[2], f[2];
} PoolKeys;

static PetscErrorCode GetPair(PhynnSpecStatement *st, const char *key, PetscBool required, const long *dflt, long *v, PetscBool *found)
{
  int n = 0;
  PetscFunctionBegin;
  v[0] = dflt[0];
  v[1] = dflt[1];
  PetscCall(PhynnSpecGetIntList(st, key, required, 2, v, &n, found));
  if (*found && n == 1) v[1] = v[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  PoolKeys *k;
  PetscBool found;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  if (b->type == &PhynnBlockUpsample) {
    const long one[2] = {1, 1};
    PetscCall(GetPair(st, "f", PETSC_TRUE, one, k->f, &found));
    PhynnSpecCheck(st, k->f[0] >= 1 && k->f[1] >= 1, "f=%ld,%ld: upsampling factors must be at least 1", k->f[0], k->f[1]);
  } else {
    const long zero[2] = {0, 0};
    PetscCall(PhynnSpecGetChoice(st, "kind", PoolKinds, PETSC_FALSE, &k->kind, NULL));
    PetscCall(GetPair(st, "k", PETSC_TRUE, zero, k->k, &found));
    PetscCall(GetPair(st, "s", PETSC_FALSE, k->k, k->s, &found));
    PetscCall(GetPair(st, "p", PETSC_FALSE, zero, k->p, &found));
    for (int d = 0; d < 2; d++) {
      PhynnSpecCheck(st, k->k[d] >= 1 && k->s[d] >= 1, "k=%ld s=%ld: window and stride must be at least 1", k->k[d], k->s[d]);
      PhynnSpecCheck(st, k->p[d] >= 0 && 2 * k->p[d] <= k->k[d], "p=%ld: padding must be between 0 and half the window", k->p[d]);
    }
  }
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  PoolKeys *k = (PoolKeys *)b->data;
  PetscFunctionBegin;
  if (b->type == &PhynnBlockUpsample) PetscCall(PhynnTextAppend(t, " f=%ld,%ld", k->f[0], k->f[1]));
  else PetscCall(PhynnTextAppend(t, " kind=%s k=%ld,%ld s=%ld,%ld p=%ld,%ld", PoolKinds[k->kind], k->k[0], k->k[1], k->s[0], k->s[1], k->p[0], k->p[1]));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PoolKeys *k = (PoolKeys *)b->data;
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: its input '%s' is not images (C, H, W); reshape it first", b->type->kind, b->name, b->args[0]);
  *out = in[0];
  for (int d = 0; d < 2; d++) {
    long n = in[0].dim[1 + d];
    if (b->type == &PhynnBlockUpsample) out->dim[1 + d] = n * k->f[d];
    else {
      out->dim[1 + d] = n + 2 * k->p[d] >= k->k[d] ? (n + 2 * k->p[d] - k->k[d]) / k->s[d] + 1 : 0;
      if (out->dim[1 + d] < 1) {
        char what[128];
        PetscCall(PetscSNPrintf(what, sizeof(what), "a %ld x %ld window (%s %ld pixels)", k->k[0], k->k[1], d ? "width" : "height", n));
        PetscCall(PhynnBlockImageShapeError(b, what));
      }
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  PoolKeys *k = (PoolKeys *)b->data;
  int       x;
  PetscFunctionBegin;
  (void)state;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: image blocks do not carry input derivatives (jets) in a model", b->type->kind, b->name);
  PetscCall(PhynnBlockImages(b, g, 0, in[0], &x));
  if (b->type == &PhynnBlockUpsample) PetscCall(PhynnGraphUpsampleNearest(g, x, k->f[0], k->f[1], out));
  else if (k->kind == 0) PetscCall(PhynnGraphMaxPool2d(g, x, k->k[0], k->k[1], k->s[0], k->s[1], k->p[0], k->p[1], NULL, out));
  else PetscCall(PhynnGraphAvgPool2d(g, x, k->k[0], k->k[1], k->s[0], k->s[1], k->p[0], k->p[1], NULL, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockPool     = {"pool", "kind, k, s, p", 1, 1, PETSC_TRUE, Parse, Print, Shape, PhynnBlockCreateNothing, Apply, PhynnBlockFreeNothing, PhynnBlockFreeData};
const PhynnBlockType PhynnBlockUpsample = {"upsample", "f", 1, 1, PETSC_TRUE, Parse, Print, Shape, PhynnBlockCreateNothing, Apply, PhynnBlockFreeNothing, PhynnBlockFreeData};
