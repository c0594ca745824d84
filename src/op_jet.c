/* Jet plumbing (docs/jets.md): how derivative blocks enter a network (the jet input layer, seeded
 * with coordinate unit vectors; the jet stack, seeded by data or graph nodes), how linear ops
 * carry them (the convention shared by dense, convolution and pooling), and how they are read
 * out (a column of a block; a whole block). A jet value stacks K row blocks of N rows each,
 * [value; first-order directions...; second-order pairs...]. */
#include "graph_impl.h"

/* ---- the linear-op convention (declared in graph_impl.h) ------------------------------------ */
static int NodeBlocks(const PhynnNode *n) { return n->has_jet ? PhynnJetBlocks(&n->jet) : 1; }
/* Doubles in one row of a node (its columns, two doubles each if complex). */
static long RowDoubles(const PhynnShape *s) { return PhynnShapeCols(s) * (s->dtype == PHYNN_DTYPE_COMPLEX ? 2 : 1); }

PetscErrorCode PhynnJetLinearShape(PhynnGraph g, const PhynnNode *n, long rows)
{
  int K = NodeBlocks(n);
  PetscFunctionBegin;
  PetscCheck(rows % K == 0, g->comm, PETSC_ERR_ARG_SIZ, "%s '%s': %ld rows are not %d jet blocks", PhynnGraphOpTypeName((int)n->op), n->name, rows, K);
  PetscFunctionReturn(0);
}

int PhynnNodeJetBlocks(PhynnGraph g, const PhynnNode *n)
{
  if (n->has_jet) return PhynnJetBlocks(&n->jet);
  switch (n->op) {
  case PHYNN_OP_JET_STACK: return n->nin;
  case PHYNN_OP_RESHAPE:
  case PHYNN_OP_UPSAMPLE_NEAREST:
  case PHYNN_OP_PAD_CIRCULAR:
  case PHYNN_OP_CONCAT: return PhynnNodeJetBlocks(g, PhynnIn(g, (PhynnNode *)n, 0)); /* row-wise: the input's layout */
  default: return 1;
  }
}

/* z = L a + b: b on the value block's rows only (rows / K of them). */
void PhynnJetBiasForward(const PhynnNode *n, long rows, long channels, long inner, const double *b, double *z)
{
  long value_rows = rows / NodeBlocks(n);
  for (long i = 0; i < value_rows; i++)
    for (long c = 0; c < channels; c++) {
      double *zc = z + (i * channels + c) * inner;
      for (long j = 0; j < inner; j++) zc[j] += b[c];
    }
}

/* db = sum of dz over the value block (the derivative blocks never saw b). */
void PhynnJetBiasBackward(const PhynnNode *n, long rows, long channels, long inner, const double *dz, int overwrite, double *db)
{
  long value_rows = rows / NodeBlocks(n);
  if (overwrite)
    for (long c = 0; c < channels; c++) db[c] = 0;
  for (long i = 0; i < value_rows; i++)
    for (long c = 0; c < channels; c++) {
      const double *dc = dz + (i * channels + c) * inner;
      for (long j = 0; j < inner; j++) db[c] += dc[j];
    }
}

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
  PetscCheck(jet->nin > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "jet input: the jet has %d input coordinates; it needs at least one (a jet seeded by data enters through PhynnGraphJetStack)", jet->nin);
  PetscCall(PhynnJetCheck(g->comm, jet));
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

/* Slice: column `col` of row block `block` (of nblocks) -> (N, 1); the columns of an N-D node
 * are its flattened trailing dims. Backward scatters the gradient into that column and zeros
 * elsewhere on first write. */
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

/* Jet stack: K nodes of one shape (N, ...) -> (K N, ...), block k = input k. This seeds a jet by
 * data instead of unit vectors: [x; x'; x''] for a trajectory's frames (x' = dx/dt, x'' =
 * d2x/dt2), and after dense layers and the fused activation (a jet PhynnJetSeeded(1, 1, {(0,0)}))
 * the blocks are z, z' = J x', z'' = J x'' + H[x', x'], the chain rule along the curve. The inputs
 * may be graph nodes (a decoder's z' and Theta(z) Xi): backward hands input k block k of the
 * gradient, dx_k = dZ[k N : (k+1) N]. Complex values pass (the blocks are moved as doubles). */
PetscErrorCode PhynnOpJetStack(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x0 = PhynnIn(g, n, 0);
  int        K  = n->nin;
  long       B  = PhynnShapeDoubles(&x0->shape); /* doubles per block */

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    int unknown = 0;
    for (int k = 0; k < K; k++) {
      PhynnNode *x = PhynnIn(g, n, k);
      PetscCheck(x->shape.ndim == x0->shape.ndim && x->shape.dtype == x0->shape.dtype && PhynnShapeCols(&x->shape) == PhynnShapeCols(&x0->shape), g->comm, PETSC_ERR_ARG_SIZ,
                 "jet stack '%s': block %d '%s' does not have the shape of block 0 '%s' (%ld against %ld columns%s)", n->name, k, x->name, x0->name, PhynnShapeCols(&x->shape), PhynnShapeCols(&x0->shape),
                 x->shape.dtype != x0->shape.dtype ? ", real against complex" : "");
      PetscCheck(x->shape.dim[0] == x0->shape.dim[0] || PhynnBatchUnknown(g, x) || PhynnBatchUnknown(g, x0), g->comm, PETSC_ERR_ARG_SIZ, "jet stack '%s': block %d '%s' has %ld rows, block 0 '%s' %ld",
                 n->name, k, x->name, x->shape.dim[0], x0->name, x0->shape.dim[0]);
      unknown |= PhynnBatchUnknown(g, x);
    }
    n->shape        = x0->shape;
    n->shape.dim[0] = unknown ? 0 : (long)K * x0->shape.dim[0];
  } break;
  case PHYNN_ACTION_FORWARD:
    for (int k = 0; k < K; k++) PetscCall(PetscArraycpy(n->value + k * B, PhynnIn(g, n, k)->value, B));
    break;
  case PHYNN_ACTION_BACKWARD:
    for (int k = 0; k < K; k++) {
      PhynnNode *x = PhynnIn(g, n, k);
      double    *gx;
      int        ow;
      if (!x->requires_grad) continue;
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
      PhynnAccumulate(gx, ow, B, 1.0, n->grad + k * B);
    }
    break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphJetStack(PhynnGraph g, int K, const int *nodes, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(K >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "jet stack: needs at least one block, got %d", K);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_JET_STACK, K, nodes, &n, id));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

/* Block: row block `block` of x's nblocks -> (N, ...), every column (a whole z, z' or z''). The
 * backward writes the gradient into that block (zeros elsewhere on first write). */
typedef struct {
  int nblocks, block;
} BlockCtx;

PetscErrorCode PhynnOpBlock(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const BlockCtx *c    = (const BlockCtx *)n->ctx;
  PhynnNode      *x    = PhynnIn(g, n, 0);
  long            rows = x->shape.dim[0];
  long            B    = RowDoubles(&x->shape) * (rows / c->nblocks); /* doubles per block */
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCheck(rows % c->nblocks == 0, g->comm, PETSC_ERR_ARG_SIZ, "block of '%s': %ld rows are not %d blocks", x->name, rows, c->nblocks);
    n->shape        = x->shape;
    n->shape.dim[0] = rows / c->nblocks;
    break;
  case PHYNN_ACTION_FORWARD: PetscCall(PetscArraycpy(n->value, x->value + c->block * B, B)); break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    if (ow) PetscCall(PetscArrayzero(gx, PhynnShapeDoubles(&x->shape)));
    PhynnAccumulate(gx + c->block * B, 0, B, 1.0, n->grad);
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphBlock(PhynnGraph g, int x, int nblocks, int block, int *id)
{
  PhynnNode *n;
  BlockCtx  *c;
  PetscFunctionBegin;
  PetscCheck(block >= 0 && block < nblocks, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "block: block %d of %d", block, nblocks);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_BLOCK, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(BlockCtx), (void **)&c));
  c->nblocks = nblocks;
  c->block   = block;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
