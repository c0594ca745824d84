/* Block `affine`: y = scale x + shift with two constants, the same for every value of a sample,
 *
 *   affine in(u0) scale=2.5 shift=-0.1        (x - mean) / std with scale = 1/std, shift = -mean/std
 *   affine u(proj) scale=0.4 shift=0.04       and back: std y + mean
 *
 * How an operator model carries its normalisation (apps/operator_arch.c): the constants are in
 * the spec, so the model file holds them and `phynn eval` returns physical values. One pair for
 * all channels and grid points keeps a translation-equivariant operator (FNO on a periodic
 * grid) equivariant and treats the real and imaginary parts of a complex field alike. No
 * parameters; the shift is a frozen one-element parameter <name>.shift (the constant node the
 * graph adds), so the model file shows it too. Linear in x with a constant: refuses jets. */
#include "phynn/block.h"

typedef struct {
  double scale, shift;
} AffineKeys;

typedef struct {
  int shift;
} AffineState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  AffineKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data  = k;
  k->scale = 1;
  PetscCall(PhynnSpecGetReal(st, "scale", PETSC_FALSE, &k->scale, NULL));
  PetscCall(PhynnSpecGetReal(st, "shift", PETSC_FALSE, &k->shift, NULL));
  PhynnSpecCheck(st, k->scale != 0 && PetscIsNormalReal(k->scale) && (k->shift == 0 || PetscIsNormalReal(k->shift)), "scale=%g, shift=%g: give finite values and a non-zero scale", k->scale, k->shift);
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  AffineKeys *k = (AffineKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendReals(t, "scale", 1, &k->scale));
  PetscCall(PhynnTextAppendReals(t, "shift", 1, &k->shift));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  (void)b;
  PetscFunctionBegin;
  *out = in[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  AffineKeys  *k = (AffineKeys *)b->data;
  AffineState *s;
  char         name[PHYNN_SPEC_NAME_MAX + 8];
  (void)init;
  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.shift", b->name));
  PetscCall(PhynnGraphParam(g, name, 1, 1, (PhynnInitSpec){PHYNN_INIT_CONSTANT, k->shift, 0}, &s->shift));
  PetscCall(PhynnGraphSetTrainable(g, s->shift, PETSC_FALSE));
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  AffineKeys  *k = (AffineKeys *)b->data;
  AffineState *s = (AffineState *)state;
  int          y;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "affine %s: its shift would be added to derivative rows; it does not carry jets", b->name);
  PetscCall(PhynnGraphScale(g, in[0], k->scale, &y));
  PetscCall(PhynnGraphAdd(g, y, s->shift, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockAffine = {"affine", "scale, shift", 1, 1, PETSC_TRUE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
