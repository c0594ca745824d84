/* Block `reshape`: the same values per sample in another shape (src/op_resize.c), e.g. a dense
 * decoder's output back to images:
 *
 *   reshape img(dec) dims=1,160,160
 *
 * The number of values per sample must agree. No parameters. */
#include "phynn/block.h"

typedef struct {
  int  ndim;
  long dims[PHYNN_VAR_MAX_DIMS];
} ReshapeKeys;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  ReshapeKeys *k;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, PHYNN_VAR_MAX_DIMS, k->dims, &k->ndim, NULL));
  for (int d = 0; d < k->ndim; d++) PhynnSpecCheck(st, k->dims[d] >= 1, "dims: size %ld at position %d is not positive", k->dims[d], d + 1);
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  ReshapeKeys *k = (ReshapeKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendInts(t, "dims", k->ndim, k->dims));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  ReshapeKeys *k = (ReshapeKeys *)b->data;
  PetscFunctionBegin;
  out->ndim = k->ndim;
  for (int d = 0; d < k->ndim; d++) out->dim[d] = k->dims[d];
  PetscCheck(PhynnVarShapeSize(out) == PhynnVarShapeSize(&in[0]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reshape %s: its input '%s' has %ld values per sample but dims gives %ld", b->name, b->args[0], PhynnVarShapeSize(&in[0]),
             PhynnVarShapeSize(out));
  PetscFunctionReturn(0);
}

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  ReshapeKeys *k       = (ReshapeKeys *)b->data;
  long         dims[4] = {0, 0, 0, 0};
  PetscFunctionBegin;
  (void)state, (void)jet;
  for (int d = 0; d < k->ndim; d++) dims[1 + d] = k->dims[d];
  PetscCall(PhynnGraphReshape(g, in[0], k->ndim + 1, dims, out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockReshape = {"reshape", "dims", 1, 1, PETSC_TRUE, Parse, Print, Shape, PhynnBlockCreateNothing, Apply, PhynnBlockFreeNothing, PhynnBlockFreeData};
