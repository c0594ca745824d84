/* Jet plumbing (docs/jets.md): how derivative blocks enter a network (the jet input layer) and
 * how they are read out (slices). A jet value stacks K row blocks of N rows each,
 * [value; first-order directions...; second-order pairs...]. */
#include "graph_impl.h"

/* Jet input layer. Input x (N, nin) in physical units (an N-D input (N, C, H, W) is read as N
 * rows of nin = C H W values and keeps its shape, with K N rows); output (K N, nin):
 *   block 0:            x'_c = (x_c - shift_c) scale_c
 *   block of d/dx_c:    the constant row e_c scale_c   (dx'/dx_c, the chain rule of the scaling)
 *   second-order block: 0                              (the scaling is affine)
 * The input carries no gradient (coordinates are data), so there is no backward. The ctx holds
 * shift[nin] then scale[nin], so a frame of thousands of pixels enters like two coordinates. */
PetscErrorCode PhynnOpJetInput(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0);
  long       N = x->shape.dim[0], nin = PhynnShapeCols(&x->shape);
  int        K = PhynnJetBlocks(&n->jet);

  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const double *shift = (const double *)n->ctx, *scale = shift + n->jet.nin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(n->jet.nin == nin, g->comm, PETSC_ERR_ARG_SIZ, "jet input '%s': the jet is over %d input coordinates but '%s' has %ld columns", n->name, n->jet.nin, x->name, nin);
    n->shape        = x->shape;
    n->shape.dim[0] = K * N;
    break;
  case PHYNN_ACTION_FORWARD: {
    double *v = n->value;
    for (long i = 0; i < N; i++)
      for (long c = 0; c < nin; c++) v[i * nin + c] = (x->value[i * nin + c] - shift[c]) * scale[c];
    PetscCall(PetscArrayzero(v + N * nin, (K - 1) * N * nin));
    for (int d = 0; d < n->jet.nfirst; d++) {
      int     c   = n->jet.first[d];
      double *blk = v + (1 + d) * N * nin;
      for (long i = 0; i < N; i++) blk[i * nin + c] = scale[c];
    }
  } break;
  default: break; /* BACKWARD: coordinates are data */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphJetInput(PhynnGraph g, int x, const PhynnJet *jet, const double *shift, const double *scale, int *id)
{
  PhynnNode *n;
  double    *ss;
  PetscFunctionBegin;
  PetscCheck(jet->nin > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "jet input: the jet has %d input coordinates; it needs at least one", jet->nin);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_JET_INPUT, 1, &x, &n, id));
  n->jet     = *jet;
  n->has_jet = 1;
  PetscCall(PhynnNodeCtx(n, 2 * (size_t)jet->nin * sizeof(double), (void **)&ss));
  for (int c = 0; c < jet->nin; c++) {
    ss[c]            = shift ? shift[c] : 0.0;
    ss[jet->nin + c] = scale ? scale[c] : 1.0;
  }
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

/* Slice: column `col` of row block `block` (of nblocks) -> (N, 1); columns of an N-D node count
 * over its flattened trailing dims. Backward scatters the
 * gradient into that column and zeros elsewhere on first write. */
typedef struct {
  int  nblocks, block;
  long col;
} SliceCtx;

PetscErrorCode PhynnOpSlice(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const SliceCtx *s    = (const SliceCtx *)n->ctx;
  PhynnNode      *x    = PhynnIn(g, n, 0);
  long            rows = x->shape.dim[0], cols = PhynnShapeCols(&x->shape);
  long            N    = rows / s->nblocks;
  const long      off  = (long)s->block * N * cols + s->col;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(rows % s->nblocks == 0, g->comm, PETSC_ERR_ARG_SIZ, "slice of '%s': %ld rows are not %d blocks", x->name, rows, s->nblocks);
    PetscCheck(s->col < cols, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "slice of '%s': column %ld of %ld", x->name, s->col, cols);
    n->shape = PhynnShape2(N, 1);
    break;
  case PHYNN_ACTION_FORWARD:
    for (long i = 0; i < N; i++) n->value[i] = x->value[off + i * cols];
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     overwrite;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &overwrite));
    if (overwrite) PetscCall(PetscArrayzero(gx, rows * cols));
    for (long i = 0; i < N; i++) gx[off + i * cols] += n->grad[i];
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSlice(PhynnGraph g, int x, int nblocks, int block, long col, int *id)
{
  PhynnNode *n;
  SliceCtx  *s;
  PetscFunctionBegin;
  PetscCheck(block >= 0 && block < nblocks, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "slice: block %d of %d", block, nblocks);
  PetscCheck(col >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "slice: negative column %ld", col);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_SLICE, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(SliceCtx), (void **)&s));
  s->nblocks = nblocks;
  s->block   = block;
  s->col     = col;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
