/* Block `grid`: the grid's coordinates appended as channels (src/op_grid.c),
 *
 *   grid pos(norm) xmin=0 xmax=1 periodic=0        (C, 1, W) -> (C + 1, 1, W); 2-D: (C + 2, H, W)
 *
 * so that an operator that is not translation invariant (a Dirichlet problem) knows where each
 * point is: the FNO of Li et al. reads (u0(x), x). Periodic grids run from xmin in steps of
 * (xmax - xmin)/W (xmax excluded), others from xmin to xmax inclusive; a 2-D grid has the same
 * coordinates along y. No parameters. */
#include "phynn/block.h"

typedef struct {
  double xmin, xmax;
  int    periodic;
} GridKeys;

static PetscErrorCode Parse(PhynnBlock b, PhynnSpecStatement *st)
{
  GridKeys *k;
  long      periodic = 0;
  PetscFunctionBegin;
  PetscCall(PetscNew(&k));
  b->data = k;
  PetscCall(PhynnSpecGetReal(st, "xmin", PETSC_TRUE, &k->xmin, NULL));
  PetscCall(PhynnSpecGetReal(st, "xmax", PETSC_TRUE, &k->xmax, NULL));
  PetscCall(PhynnSpecGetInt(st, "periodic", PETSC_FALSE, &periodic, NULL));
  PhynnSpecCheck(st, k->xmax > k->xmin, "xmin=%g, xmax=%g: the domain is empty", k->xmin, k->xmax);
  PhynnSpecCheck(st, periodic == 0 || periodic == 1, "periodic=%ld must be 0 or 1", periodic);
  k->periodic = (int)periodic;
  PetscCall(PhynnSpecCheckUsed(st, b->type->keys));
  PetscFunctionReturn(0);
}

static PetscErrorCode Print(PhynnBlock b, PhynnText *t)
{
  GridKeys *k = (GridKeys *)b->data;
  PetscFunctionBegin;
  PetscCall(PhynnTextAppendReals(t, "xmin", 1, &k->xmin));
  PetscCall(PhynnTextAppendReals(t, "xmax", 1, &k->xmax));
  PetscCall(PhynnTextAppend(t, " periodic=%d", k->periodic));
  PetscFunctionReturn(0);
}

static PetscErrorCode Shape(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out)
{
  PetscFunctionBegin;
  PetscCheck(in[0].ndim == 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "grid %s: its input '%s' is not a field (C, H, W)", b->name, b->args[0]);
  *out = in[0];
  out->dim[0] += in[0].dim[1] == 1 ? 1 : 2;
  PetscFunctionReturn(0);
}

/* The step between grid points of n of them. */
static double Step(const GridKeys *k, long n) { return n > 1 ? (k->xmax - k->xmin) / (double)(k->periodic ? n : n - 1) : 0; }

static PetscErrorCode Apply(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  GridKeys *k = (GridKeys *)b->data;
  int       x;
  (void)state;
  PetscFunctionBegin;
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "grid %s: constant coordinate channels would be wrong in derivative rows; it does not carry jets", b->name);
  PetscCall(PhynnBlockImages(b, g, 0, in[0], &x));
  PetscCall(PhynnGraphAppendGrid(g, x, k->xmin, Step(k, b->in_shape[0].dim[2]), k->xmin, Step(k, b->in_shape[0].dim[1]), out));
  PetscFunctionReturn(0);
}

const PhynnBlockType PhynnBlockGrid = {"grid", "xmin, xmax, periodic", 1, 1, PETSC_TRUE, Parse, Print, Shape, PhynnBlockCreateNothing, Apply, PhynnBlockFreeNothing, PhynnBlockFreeData};
