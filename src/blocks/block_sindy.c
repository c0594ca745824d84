/* Block `sindy`: the coefficients Xi of a sparse model of a latent code's dynamics, with its
 * library and its mask (phynn/sindy.h; docs/sindy.md).
 *
 *   sindy law(encoder) order=2 poly=3 sine=1 cosine=0 constant=1 velocity=1 init=1
 *
 * The argument is the block whose output is the latent code z (its width is the latent size L).
 * Parameters: law.xi (L x nterms), drawn as the constant `init` (Champion et al. start every
 * coefficient at 1), and law.mask (L x nterms, 0 or 1), frozen (never trained), all ones at the
 * start; sequential thresholding writes zeros into it. Keeping the mask in theta means the model
 * file, a checkpoint and a resume carry it like any weight. The block's value is the masked
 * coefficients xi * mask, not a per-sample output: the command that trains the model builds
 * Theta(z, z') (PhynnSindyLibraryGraph) and multiplies. */
#include "phynn/block.h"
#include "phynn/sindy.h"

typedef struct {
  long              order, poly, sine, cosine, constant, velocity;
  double            init;
  PhynnSindyLibrary lib; /* set up by Shape, when the latent size is known */
} SindyKeys;

typedef struct {
  int xi, mask;
} SindyState;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  SindyKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data     = k;
  k->order    = 2;
  k->poly     = 3;
  k->sine     = 1;
  k->constant = 1;
  k->velocity = 1;
  k->init     = 1;
  PetscCall(PhynnSpecGetInt(st, "order", PETSC_FALSE, &k->order, NULL));
  PetscCall(PhynnSpecGetInt(st, "poly", PETSC_FALSE, &k->poly, NULL));
  PetscCall(PhynnSpecGetInt(st, "sine", PETSC_FALSE, &k->sine, NULL));
  PetscCall(PhynnSpecGetInt(st, "cosine", PETSC_FALSE, &k->cosine, NULL));
  PetscCall(PhynnSpecGetInt(st, "constant", PETSC_FALSE, &k->constant, NULL));
  PetscCall(PhynnSpecGetInt(st, "velocity", PETSC_FALSE, &k->velocity, NULL));
  PetscCall(PhynnSpecGetReal(st, "init", PETSC_FALSE, &k->init, NULL));
  PhynnSpecCheck(st, k->order == 1 || k->order == 2, "order=%ld: 1 (z' = Theta(z) Xi) or 2 (z'' = Theta(z, z') Xi)", k->order);
  PhynnSpecCheck(st, k->poly >= 0 && k->poly <= 10, "poly=%ld: a polynomial degree from 0 (none) to 10", k->poly);
  PhynnSpecCheck(st, (k->sine == 0 || k->sine == 1) && (k->cosine == 0 || k->cosine == 1) && (k->constant == 0 || k->constant == 1), "sine, cosine and constant are 0 or 1");
  PhynnSpecCheck(st, k->velocity == 1 || (k->velocity == 0 && k->order == 2), "velocity=%ld: 1 (terms in z and z') or, for order=2, 0 (terms in z only)", k->velocity);
  PhynnSpecCheck(st, k->poly > 0 || k->sine || k->cosine, "the library is empty: give poly >= 1, sine=1 or cosine=1");
  PetscCall(PhynnSpecCheckUsed(st, PhynnBlockSindy.keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  SindyKeys *k = (SindyKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " order=%ld poly=%ld sine=%ld cosine=%ld constant=%ld init=%.17g", k->order, k->poly, k->sine, k->cosine, k->constant, k->init));
  if (!k->velocity) PetscCall(PhynnTextAppend(t, " velocity=0")); /* printed only when set, so the spec of every earlier model reads back unchanged */
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  SindyKeys *k = (SindyKeys *)b->data;
  char       what[PHYNN_SPEC_NAME_MAX + 16];
  long       L = PhynnVarShapeSize(&in[0]);
  PetscFunctionBegin;
  PetscCheck(in[0].ndim >= 1 && L >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "sindy %s: its argument '%s' is not a per-sample latent code", b->name, b->args[0]);
  PetscCall(PetscSNPrintf(what, sizeof(what), "sindy %s", b->name));
  PetscCall(PhynnSindyLibrarySetUp(PETSC_COMM_SELF, what, (int)L, (int)k->order, (int)k->poly, (int)k->sine, (int)k->cosine, (int)k->constant, (int)k->velocity, &k->lib));
  out->ndim   = 0; /* not per sample */
  out->dim[0] = L * k->lib.nterms;
  PetscFunctionReturn(0);
}

static PetscErrorCode Create(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  SindyKeys  *k = (SindyKeys *)b->data;
  SindyState *s;
  long        dims[2] = {k->lib.latent, k->lib.nterms};
  char        name[PHYNN_SPEC_NAME_MAX + 8];
  (void)init; /* Xi has its own initialiser */
  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.xi", b->name));
  PetscCall(PhynnGraphParamND(g, name, 2, dims, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_CONSTANT, k->init, 0}, &s->xi));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.mask", b->name));
  PetscCall(PhynnGraphParamND(g, name, 2, dims, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_CONSTANT, 1, 0}, &s->mask));
  PetscCall(PhynnGraphSetTrainable(g, s->mask, PETSC_FALSE));
  *state = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  SindyState *s = (SindyState *)state;
  (void)b; (void)in; (void)jet;
  PetscFunctionBegin;
  PetscCall(PhynnGraphMul(g, s->xi, s->mask, out)); /* masked coefficients: a pruned term gets no gradient */
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockSindyGetLibrary(PhynnBlock b, const PhynnSindyLibrary **lib)
{
  PetscFunctionBegin;
  PetscCheck(b->type == &PhynnBlockSindy, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "block %s is a %s, not a sindy block", b->name, b->type->kind);
  *lib = &((SindyKeys *)b->data)->lib;
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockSindy = {"sindy", "order, poly, sine, cosine, constant, velocity, init", 1, 1, PETSC_FALSE, Parse, Print, Shape, Create, Apply, PhynnBlockFreeState, PhynnBlockFreeData};
