/* The registry of block kinds (phynn/block.h), in the manner of PETSc's TSRegister/TSRegisterAll. */
#include <string.h>

#include "phynn/block.h"

#define PHYNN_BLOCK_MAX_KINDS 32

static const PhynnBlockType *phynn_block_kinds[PHYNN_BLOCK_MAX_KINDS];
static int                   phynn_block_nkinds = 0;

long PhynnVarShapeSize(const PhynnVarShape *s)
{
  long n = 1;
  for (int k = 0; k < s->ndim; k++) n *= s->dim[k];
  return n;
}

PetscErrorCode PhynnBlockFreeData(PhynnBlock b)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(b->data));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockFreeState(void **state)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*state));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockCreateNothing(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state)
{
  PetscFunctionBegin;
  (void)b, (void)g, (void)init;
  *state = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockFreeNothing(void **state)
{
  PetscFunctionBegin;
  *state = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockRegister(const PhynnBlockType *type)
{
  PetscFunctionBegin;
  for (int k = 0; k < phynn_block_nkinds; k++)
    if (!strcmp(phynn_block_kinds[k]->kind, type->kind)) {
      phynn_block_kinds[k] = type; /* re-registering replaces, as PetscFunctionListAdd does */
      PetscFunctionReturn(0);
    }
  PetscCheck(phynn_block_nkinds < PHYNN_BLOCK_MAX_KINDS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "at most %d block kinds can be registered", PHYNN_BLOCK_MAX_KINDS);
  PetscCheck(strcmp(type->kind, "input") && strcmp(type->kind, "output"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "'%s' is a statement of the model itself, not a block kind", type->kind);
  phynn_block_kinds[phynn_block_nkinds++] = type;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockRegisterAll(void)
{
  static PetscBool done = PETSC_FALSE;
  PetscFunctionBegin;
  if (done) PetscFunctionReturn(0);
  done = PETSC_TRUE;
  PetscCall(PhynnBlockRegister(&PhynnBlockMLP));
  PetscCall(PhynnBlockRegister(&PhynnBlockParam));
  PetscCall(PhynnBlockRegister(&PhynnBlockPendulum));
  PetscCall(PhynnBlockRegister(&PhynnBlockConv));
  PetscCall(PhynnBlockRegister(&PhynnBlockConvT));
  PetscCall(PhynnBlockRegister(&PhynnBlockPool));
  PetscCall(PhynnBlockRegister(&PhynnBlockUpsample));
  PetscCall(PhynnBlockRegister(&PhynnBlockReshape));
  PetscCall(PhynnBlockRegister(&PhynnBlockSoftArgmax));
  PetscCall(PhynnBlockRegister(&PhynnBlockWarp));
  PetscCall(PhynnBlockRegister(&PhynnBlockPolar));
  PetscCall(PhynnBlockRegister(&PhynnBlockBatchNorm));
  PetscCall(PhynnBlockRegister(&PhynnBlockDropout));
  PetscCall(PhynnBlockRegister(&PhynnBlockConcat));
  PetscCall(PhynnBlockRegister(&PhynnBlockPCA));
  PetscCall(PhynnBlockRegister(&PhynnBlockPCADecode));
  PetscCall(PhynnBlockRegister(&PhynnBlockSindy));
  PetscCall(PhynnBlockRegister(&PhynnBlockFourier));
  PetscCall(PhynnBlockRegister(&PhynnBlockDeepONet));
  PetscCall(PhynnBlockRegister(&PhynnBlockAffine));
  PetscCall(PhynnBlockRegister(&PhynnBlockGrid));
  PetscFunctionReturn(0);
}

const PhynnBlockType *PhynnBlockFind(const char *kind)
{
  for (int k = 0; k < phynn_block_nkinds; k++)
    if (!strcmp(phynn_block_kinds[k]->kind, kind)) return phynn_block_kinds[k];
  return NULL;
}

void PhynnBlockKinds(char *list, size_t len)
{
  list[0] = '\0';
  for (int k = 0; k < phynn_block_nkinds; k++) {
    if (k) strncat(list, ", ", len - strlen(list) - 1);
    strncat(list, phynn_block_kinds[k]->kind, len - strlen(list) - 1);
  }
}

PetscErrorCode PhynnBlockImages(PhynnBlock b, PhynnGraph g, int arg, int node, int *images)
{
  PhynnShape           s;
  const PhynnVarShape *v = &b->in_shape[arg];
  PetscFunctionBegin;
  PetscCheck(v->ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: its input '%s' is not images (C, H, W) but %d-dimensional per sample; reshape it first (reshape NAME(%s) dims=C,H,W)", b->type->kind, b->name,
             b->args[arg], v->ndim, b->args[arg]);
  PetscCall(PhynnGraphNodeShape(g, node, &s));
  *images = node;
  if (s.ndim != 4) {
    long dims[4] = {0, v->dim[0], v->dim[1], v->dim[2]};
    PetscCall(PhynnGraphReshape(g, node, 4, dims, images));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBlockImageShapeError(PhynnBlock b, const char *what)
{
  const PhynnVarShape *v = &b->in_shape[0];
  PetscFunctionBegin;
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s %s: %s does not fit its input '%s' of %ld x %ld x %ld (C x H x W); change the layer or the image size", b->type->kind, b->name, what, b->args[0], v->dim[0],
          v->ndim > 1 ? v->dim[1] : 1, v->ndim > 2 ? v->dim[2] : 1);
}
