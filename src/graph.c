/* The graph driver: node creation, parameter collation, forward and backward sweeps, the
 * lifecycle of op-owned state, and the pool of gradient buffers. The mathematics of each
 * operation, and its builder, live in src/op_*.c. */
#include <string.h>

#include "graph_impl.h"
#include "phynn/random.h"

typedef PetscErrorCode (*PhynnOpFn)(PhynnGraph, PhynnNode *, PhynnAction);

/* The op table, indexed by PhynnOpType: each op's name (profiles, errors, tests) and function. */
static const struct {
  const char *name;
  PhynnOpFn   fn;
} phynn_ops[PHYNN_OP_COUNT] = {
  [PHYNN_OP_INPUT]          = {"input", PhynnOpInput},
  [PHYNN_OP_PARAM]          = {"param", PhynnOpParam},
  [PHYNN_OP_JET_INPUT]      = {"jet_input", PhynnOpJetInput},
  [PHYNN_OP_DENSE]          = {"dense", PhynnOpDense},
  [PHYNN_OP_ACTIVATION]     = {"activation", PhynnOpActivation},
  [PHYNN_OP_JET_ACTIVATION] = {"jet_activation", PhynnOpJetActivation},
  [PHYNN_OP_SOFTMAX]        = {"softmax", PhynnOpSoftmax},
  [PHYNN_OP_SLICE]          = {"slice", PhynnOpSlice},
  [PHYNN_OP_ADD]            = {"add", PhynnOpAdd},
  [PHYNN_OP_SUB]            = {"sub", PhynnOpSub},
  [PHYNN_OP_MUL]            = {"mul", PhynnOpMul},
  [PHYNN_OP_SCALE]          = {"scale", PhynnOpScale},
  [PHYNN_OP_SIN]            = {"sin", PhynnOpSin},
  [PHYNN_OP_COS]            = {"cos", PhynnOpCos},
  [PHYNN_OP_SQUARE]         = {"square", PhynnOpSquare},
  [PHYNN_OP_SQRT]           = {"sqrt", PhynnOpSqrt},
  [PHYNN_OP_MEAN]           = {"mean", PhynnOpMean},
  [PHYNN_OP_LOSS]           = {"loss", PhynnOpLoss},
  [PHYNN_OP_MEAN_SQUARE]    = {"mean_square", PhynnOpMeanSquare},
  [PHYNN_OP_WEIGHTED_SUM]   = {"weighted_sum", PhynnOpWeightedSum},
  [PHYNN_OP_JET_STACK]      = {"jet_stack", PhynnOpJetStack},
  [PHYNN_OP_BLOCK]          = {"block", PhynnOpBlock},
  [PHYNN_OP_CONV2D]         = {"conv2d", PhynnOpConv2d},
  [PHYNN_OP_CONV_TRANSPOSE2D] = {"conv_transpose2d", PhynnOpConvTranspose2d},
  [PHYNN_OP_AVG_POOL2D]     = {"avg_pool2d", PhynnOpPool2d},
  [PHYNN_OP_MAX_POOL2D]     = {"max_pool2d", PhynnOpPool2d},
  [PHYNN_OP_UPSAMPLE_NEAREST] = {"upsample_nearest", PhynnOpUpsampleNearest},
  [PHYNN_OP_SPATIAL_SOFTARGMAX] = {"spatial_softargmax", PhynnOpSpatialSoftArgmax},
  [PHYNN_OP_RIGID_WARP] = {"rigid_warp", PhynnOpRigidWarp},
  [PHYNN_OP_POLAR_ANGLE] = {"polar_angle", PhynnOpPolarAngle},
  [PHYNN_OP_SPECTRAL_CONV] = {"spectral_conv", PhynnOpSpectralConv},
  [PHYNN_OP_APPEND_GRID] = {"append_grid", PhynnOpAppendGrid},
  [PHYNN_OP_PAD_CIRCULAR] = {"pad_circular", PhynnOpPadCircular},
  [PHYNN_OP_RESHAPE]        = {"reshape", PhynnOpReshape},
  [PHYNN_OP_CONCAT]         = {"concat", PhynnOpConcat},
  [PHYNN_OP_DROPOUT]        = {"dropout", PhynnOpDropout},
  [PHYNN_OP_BATCHNORM]      = {"batchnorm", PhynnOpBatchNorm},
};

int         PhynnGraphOpTypeCount(void) { return PHYNN_OP_COUNT; }
const char *PhynnGraphOpTypeName(int k) { return k >= 0 && k < PHYNN_OP_COUNT && phynn_ops[k].name ? phynn_ops[k].name : "?"; }
int         PhynnGraphNodeOpType(PhynnGraph g, int node) { return node >= 0 && node < g->nnodes ? (int)g->nodes[node].op : -1; }

PetscErrorCode PhynnGraphSetProfiling(PhynnGraph g, PetscBool on)
{
  PetscFunctionBegin;
  g->profile = on;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphGetOpSeconds(PhynnGraph g, int k, double *forward, double *backward)
{
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < PHYNN_OP_COUNT, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "op type %d does not exist", k);
  if (forward) *forward = g->op_seconds[0][k];
  if (backward) *backward = g->op_seconds[1][k];
  PetscFunctionReturn(0);
}

long PhynnShapeElements(const PhynnShape *s)
{
  long n = 1;
  for (int i = 0; i < s->ndim; i++) n *= s->dim[i];
  return n;
}

long PhynnShapeDoubles(const PhynnShape *s) { return PhynnShapeElements(s) * (s->dtype == PHYNN_DTYPE_COMPLEX ? 2 : 1); }

PhynnShape PhynnShape2(long rows, long cols)
{
  PhynnShape s = {2, {rows, cols, 0, 0}, PHYNN_DTYPE_REAL};
  return s;
}

static int ShapeEqual(const PhynnShape *a, const PhynnShape *b)
{
  if (a->ndim != b->ndim || a->dtype != b->dtype) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->dim[i] != b->dim[i]) return 0;
  return 1;
}

PetscErrorCode PhynnGraphCreate(MPI_Comm comm, PhynnGraph *g)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(g));
  (*g)->comm        = comm;
  (*g)->training    = PETSC_TRUE; /* PyTorch's default: evaluation code says so */
  (*g)->nsample_ids = -1;
  PetscFunctionReturn(0);
}

/* Releases what a node owns: the op's state (DESTROY), the ctx block, the input list, the value. */
static PetscErrorCode NodeRelease(PhynnGraph g, PhynnNode *n)
{
  PetscFunctionBegin;
  PetscCall(phynn_ops[n->op].fn(g, n, PHYNN_ACTION_DESTROY));
  PetscCall(PetscFree(n->ctx));
  n->ctx_size = 0;
  PetscCall(PetscFree(n->in));
  n->nin = 0;
  if (n->op != PHYNN_OP_INPUT && n->op != PHYNN_OP_PARAM) PetscCall(PetscFree(n->value));
  n->value     = NULL;
  n->value_cap = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphDestroy(PhynnGraph *g)
{
  PetscFunctionBegin;
  if (!*g) PetscFunctionReturn(0);
  for (int i = 0; i < (*g)->nnodes; i++) PetscCall(NodeRelease(*g, &(*g)->nodes[i]));
  for (int i = 0; i < (*g)->npool; i++) PetscCall(PetscFree((*g)->pool[i]));
  PetscCall(PetscFree((*g)->pool));
  PetscCall(PetscFree((*g)->pool_cap));
  PetscCall(PetscFree((*g)->nodes));
  PetscCall(PetscFree((*g)->theta));
  PetscCall(PetscFree((*g)->dtheta));
  PetscCall(PetscFree((*g)->sample_ids));
  PetscCall(PetscFree(*g));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphNewNode(PhynnGraph g, PhynnOpType op, int nin, const int *in, PhynnNode **node, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(!g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "the graph is already set up; add nodes before PhynnGraphSetUp");
  PetscCheck(op >= 0 && op < PHYNN_OP_COUNT && phynn_ops[op].fn, g->comm, PETSC_ERR_PLIB, "op type %d has no entry in the op table (src/graph.c)", (int)op);
  PetscCheck(nin >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "an op needs a non-negative number of inputs, got %d", nin);
  for (int k = 0; k < nin; k++) PetscCheck(in[k] >= 0 && in[k] < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", in[k]);
  if (g->nnodes == g->cap) {
    int        cap = g->cap ? 2 * g->cap : 32;
    PhynnNode *grown;
    PetscCall(PetscCalloc1(cap, &grown));
    if (g->nnodes) PetscCall(PetscArraycpy(grown, g->nodes, g->nnodes));
    PetscCall(PetscFree(g->nodes));
    g->nodes = grown;
    g->cap   = cap;
  }
  *id = g->nnodes;
  n   = &g->nodes[*id];
  PetscCall(PetscMemzero(n, sizeof(*n)));
  if (nin) PetscCall(PetscMalloc1(nin, &n->in));
  g->nnodes++;
  n->op  = op;
  n->nin = nin;
  for (int k = 0; k < nin; k++) {
    n->in[k] = in[k];
    if (g->nodes[in[k]].requires_grad) n->requires_grad = 1;
    if (g->nodes[in[k]].batched) n->batched = 1;
    if (g->nodes[in[k]].data_dep) n->data_dep = 1;
  }
  if (op == PHYNN_OP_INPUT) n->data_dep = 1;
  PetscCall(PetscSNPrintf(n->name, sizeof(n->name), "node%d", *id));
  *node = n;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphFinishNode(PhynnGraph g, int id)
{
  PhynnNode     *n = &g->nodes[id];
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(id == g->nnodes - 1, g->comm, PETSC_ERR_PLIB, "only the newest node can be finished");
  ierr = phynn_ops[n->op].fn(g, n, PHYNN_ACTION_SHAPE);
  if (ierr) { /* the op refused its inputs: drop the node */
    PetscCall(NodeRelease(g, n));
    g->nnodes--;
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpRequireReal(PhynnGraph g, PhynnNode *n)
{
  PetscFunctionBegin;
  for (int k = 0; k < n->nin; k++) {
    PhynnNode *x = PhynnIn(g, n, k);
    PetscCheck(x->shape.dtype == PHYNN_DTYPE_REAL, g->comm, PHYNN_ERR_INPUT, "%s '%s': input '%s' is complex, but this op takes real values (complex values pass through add, sub, scale, mean_square, jet_stack and block)",
               phynn_ops[n->op].name, n->name, x->name);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNodeCtx(PhynnNode *n, size_t size, void **ctx)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(n->ctx));
  PetscCall(PetscCalloc(size ? size : 1, &n->ctx));
  n->ctx_size = size;
  *ctx        = n->ctx;
  PetscFunctionReturn(0);
}

void PhynnNodeDeclareFans(PhynnNode *p, long fan_in, long fan_out)
{
  if (p->op != PHYNN_OP_PARAM || p->fan_in > 0) return;
  p->fan_in  = fan_in;
  p->fan_out = fan_out;
}

PetscErrorCode PhynnGraphSetName(PhynnGraph g, int node, const char *name)
{
  size_t len;
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  PetscCall(PetscStrlen(name, &len));
  PetscCheck(len < PHYNN_NAME_MAX, g->comm, PHYNN_ERR_INPUT, "node name '%s' has %zu characters; at most %d (PHYNN_NAME_MAX - 1)", name, len, PHYNN_NAME_MAX - 1);
  PetscCall(PetscStrncpy(g->nodes[node].name, name, sizeof(g->nodes[node].name)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphNodeShape(PhynnGraph g, int node, PhynnShape *shape)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  *shape = g->nodes[node].shape;
  PetscFunctionReturn(0);
}

/* Runs the op's ALLOC for node n's current shape and records it. */
static PetscErrorCode NodeAlloc(PhynnGraph g, PhynnNode *n)
{
  PetscFunctionBegin;
  PetscCall(phynn_ops[n->op].fn(g, n, PHYNN_ACTION_ALLOC));
  n->alloc_shape = n->shape;
  n->allocated   = 1;
  PetscFunctionReturn(0);
}

/* Collation (kann's kad_ext_collate): every parameter gets a slice of ONE buffer theta, in
 * creation order, sized in doubles (a complex element takes two), and its gradient the same
 * slice of dtheta, so a data-parallel step reduces one buffer. */
PetscErrorCode PhynnGraphSetUp(PhynnGraph g)
{
  long offset = 0;
  PetscFunctionBegin;
  if (g->setup) PetscFunctionReturn(0); /* once: theta keeps its values */
  /* Which nodes need a gradient, now that every parameter's trainable flag is final (a builder
   * may freeze a parameter after other nodes consumed it): nodes are in topological order. */
  for (int i = 0; i < g->nnodes; i++) {
    PhynnNode *n = &g->nodes[i];
    if (n->op == PHYNN_OP_PARAM) n->requires_grad = !n->frozen;
    else if (n->op != PHYNN_OP_INPUT) {
      n->requires_grad = 0;
      for (int k = 0; k < n->nin; k++) n->requires_grad |= g->nodes[n->in[k]].requires_grad;
    }
  }
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op == PHYNN_OP_PARAM) {
      g->nodes[i].param_offset = offset;
      offset += PhynnShapeDoubles(&g->nodes[i].shape);
    }
  g->nparams = offset;
  PetscCall(PetscCalloc1(offset ? offset : 1, &g->theta));
  PetscCall(PetscCalloc1(offset ? offset : 1, &g->dtheta));
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op == PHYNN_OP_PARAM) g->nodes[i].value = g->theta + g->nodes[i].param_offset;
  g->setup = 1;
  for (int i = 0; i < g->nnodes; i++) PetscCall(NodeAlloc(g, &g->nodes[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParameters(PhynnGraph g, double **theta, double **grad, long *n)
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  if (theta) *theta = g->theta;
  if (theta) PhynnGraphInvalidateCache(g); /* the caller may write the weights */
  if (grad) *grad = g->dtheta;
  if (n) *n = g->nparams;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphLoadParameters(PhynnGraph g, const double *theta)
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  if (theta == g->theta) PetscFunctionReturn(0);
  PhynnGraphInvalidateCache(g);
  for (int i = 0; i < g->nnodes; i++) {
    const PhynnNode *n = &g->nodes[i];
    if (n->op == PHYNN_OP_PARAM && !n->frozen) PetscCall(PetscArraycpy(g->theta + n->param_offset, theta + n->param_offset, PhynnShapeDoubles(&n->shape)));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParamSlice(PhynnGraph g, int node, long *offset, long *size)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  PetscCheck(g->nodes[node].op == PHYNN_OP_PARAM, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not a parameter", g->nodes[node].name);
  *offset = g->nodes[node].param_offset;
  *size   = PhynnShapeDoubles(&g->nodes[node].shape);
  PetscFunctionReturn(0);
}

int PhynnGraphParamCount(PhynnGraph g)
{
  int k = 0;
  for (int i = 0; i < g->nnodes; i++) k += g->nodes[i].op == PHYNN_OP_PARAM;
  return k;
}

PetscErrorCode PhynnGraphParamInfo(PhynnGraph g, int k, PhynnParamInfo *info)
{
  PetscFunctionBegin;
  for (int i = 0, j = 0; i < g->nnodes; i++) {
    PhynnNode *n = &g->nodes[i];
    if (n->op != PHYNN_OP_PARAM) continue;
    if (j++ != k) continue;
    info->name     = n->name;
    info->node     = i;
    info->offset   = g->setup ? n->param_offset : -1; /* known once PhynnGraphSetUp collated theta */
    info->ndoubles = PhynnShapeDoubles(&n->shape);
    info->shape    = n->shape;
    info->trainable = n->frozen ? PETSC_FALSE : PETSC_TRUE;
    PetscFunctionReturn(0);
  }
  SETERRQ(g->comm, PETSC_ERR_ARG_OUTOFRANGE, "parameter %d does not exist (the graph has %d)", k, PhynnGraphParamCount(g));
}

/* Every double of a parameter is drawn from its initialiser: a complex parameter's real and
 * imaginary parts are independent draws. Xavier's fans are the consuming op's declaration
 * (PhynnNodeDeclareFans), else (fan_out, fan_in) = (dim[0], product of the other dims). */
PetscErrorCode PhynnGraphInitParameters(PhynnGraph g, uint64_t seed)
{
  int k = 0;
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  for (int i = 0; i < g->nnodes; i++) {
    PhynnNode *n = &g->nodes[i];
    if (n->op != PHYNN_OP_PARAM) continue;
    long          size    = PhynnShapeDoubles(&n->shape);
    long          fan_out = n->shape.ndim ? n->shape.dim[0] : 1, fan_in = fan_out ? PhynnShapeElements(&n->shape) / fan_out : 1;
    PhynnInitSpec s       = n->init;
    uint64_t      stream  = PHYNN_STREAM_INIT + (uint64_t)k++;
    double        gain    = s.a != 0 ? s.a : 1.0;
    if (n->fan_in > 0) {
      fan_in  = n->fan_in;
      fan_out = n->fan_out;
    }
    switch (s.kind) {
    case PHYNN_INIT_ZEROS: PetscCall(PetscArrayzero(n->value, size)); break;
    case PHYNN_INIT_CONSTANT:
      for (long j = 0; j < size; j++) n->value[j] = s.a;
      break;
    case PHYNN_INIT_GRID:
      for (long j = 0; j < size; j++) n->value[j] = size > 1 ? s.a + (s.b - s.a) * (double)j / (double)(size - 1) : s.a;
      break;
    case PHYNN_INIT_NORMAL: PhynnNormalFill(seed, stream, 0, size, s.a, s.b, n->value); break;
    case PHYNN_INIT_UNIFORM: PhynnUniformFill(seed, stream, 0, size, s.a, s.b, n->value); break;
    /* Glorot & Bengio 2010: Var = 2 / (fan_in + fan_out); uniform limit sqrt(6 / (fan_in + fan_out)). */
    case PHYNN_INIT_XAVIER_NORMAL: PhynnNormalFill(seed, stream, 0, size, 0.0, gain * sqrt(2.0 / (double)(fan_in + fan_out)), n->value); break;
    case PHYNN_INIT_XAVIER_UNIFORM: {
      double lim = gain * sqrt(6.0 / (double)(fan_in + fan_out));
      PhynnUniformFill(seed, stream, 0, size, -lim, lim, n->value);
    } break;
    default: SETERRQ(g->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown initialiser %d", (int)s.kind);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetInput(PhynnGraph g, int node, long rows, const double *data)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  n = &g->nodes[node];
  PetscCheck(n->op == PHYNN_OP_INPUT, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not an input", n->name);
  PetscCheck(rows >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "input '%s': negative row count", n->name);
  n->shape.dim[0] = rows;
  n->value        = (double *)data; /* borrowed: the caller keeps the rows alive */
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNodeAllocValue(PhynnNode *n)
{
  long need = PhynnShapeDoubles(&n->shape);
  PetscFunctionBegin;
  if (need > n->value_cap) {
    PetscCall(PetscFree(n->value));
    PetscCall(PetscMalloc1(need, &n->value));
    n->value_cap = need;
  }
  PetscFunctionReturn(0);
}

/* Marks the nodes `root` depends on. */
static void MarkNeeded(PhynnGraph g, int root)
{
  for (int i = 0; i < g->nnodes; i++) g->nodes[i].needed = 0;
  g->nodes[root].needed = 1;
  for (int i = root; i >= 0; i--)
    if (g->nodes[i].needed)
      for (int k = 0; k < g->nodes[i].nin; k++) g->nodes[g->nodes[i].in[k]].needed = 1;
}

PetscErrorCode PhynnGraphForward(PhynnGraph g, int root)
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  PetscCheck(root >= 0 && root < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", root);
  MarkNeeded(g, root);
  for (int i = 0; i <= root; i++) {
    PhynnNode *n = &g->nodes[i];
    PhynnOpFn  fn;
    if (!n->needed) continue;
    /* a value that depends on the parameters alone is still the one computed last time */
    const int cacheable = g->cache_constants && !g->training && !n->data_dep && n->op != PHYNN_OP_PARAM;
    if (cacheable && n->cached) continue;
    fn = phynn_ops[n->op].fn;
    PetscCheck(n->op != PHYNN_OP_INPUT || n->value || n->shape.dim[0] == 0, g->comm, PETSC_ERR_ARG_WRONGSTATE, "input '%s' has no data; call PhynnGraphSetInput", n->name);
    PetscCall(fn(g, n, PHYNN_ACTION_SHAPE));
    if (n->op != PHYNN_OP_INPUT && n->op != PHYNN_OP_PARAM) PetscCall(PhynnNodeAllocValue(n));
    if (!n->allocated || !ShapeEqual(&n->shape, &n->alloc_shape)) PetscCall(NodeAlloc(g, n));
    double t0 = g->profile ? PhynnTime() : 0;
    PetscCall(fn(g, n, PHYNN_ACTION_FORWARD));
    if (g->profile) g->op_seconds[0][n->op] += PhynnTime() - t0;
    n->cached = cacheable;
  }
  PetscFunctionReturn(0);
}

/* Gradient buffers: parameters write into their slice of the gradient buffer; other nodes take
 * a buffer from the pool on first write and return it once their own backward has run. */
PetscErrorCode PhynnNodeGradForWrite(PhynnGraph g, PhynnNode *in, double **grad, int *overwrite)
{
  long need = PhynnShapeDoubles(&in->shape);
  PetscFunctionBegin;
  *overwrite = !in->grad_live;
  if (!in->grad_live) {
    if (in->op == PHYNN_OP_PARAM) {
      in->grad = g->dtheta + in->param_offset;
    } else {
      int best = -1;
      for (int k = 0; k < g->npool; k++)
        if (g->pool[k] && g->pool_cap[k] >= need && (best < 0 || g->pool_cap[k] < g->pool_cap[best])) best = k;
      if (best >= 0) {
        in->grad      = g->pool[best];
        in->grad_cap  = g->pool_cap[best];
        g->pool[best] = NULL;
      } else {
        PetscCall(PetscMalloc1(need ? need : 1, &in->grad));
        in->grad_cap = need;
      }
    }
    in->grad_live = 1;
  }
  *grad = in->grad;
  PetscFunctionReturn(0);
}

static PetscErrorCode GradRelease(PhynnGraph g, PhynnNode *n)
{
  PetscFunctionBegin;
  if (n->grad_live && n->op != PHYNN_OP_PARAM) {
    int slot = -1;
    for (int k = 0; k < g->npool; k++)
      if (!g->pool[k]) {
        slot = k;
        break;
      }
    if (slot < 0) {
      if (g->npool == g->pool_size) {
        int      size = g->pool_size ? 2 * g->pool_size : 8;
        double **pool;
        long    *cap;
        PetscCall(PetscCalloc1(size, &pool));
        PetscCall(PetscCalloc1(size, &cap));
        if (g->npool) {
          PetscCall(PetscArraycpy(pool, g->pool, g->npool));
          PetscCall(PetscArraycpy(cap, g->pool_cap, g->npool));
        }
        PetscCall(PetscFree(g->pool));
        PetscCall(PetscFree(g->pool_cap));
        g->pool      = pool;
        g->pool_cap  = cap;
        g->pool_size = size;
      }
      slot = g->npool++;
    }
    g->pool[slot]     = n->grad;
    g->pool_cap[slot] = n->grad_cap;
  }
  n->grad      = NULL;
  n->grad_live = 0;
  PetscFunctionReturn(0);
}

void PhynnAccumulate(double *grad, int overwrite, long n, double alpha, const double *v)
{
  if (overwrite)
    for (long i = 0; i < n; i++) grad[i] = alpha * v[i];
  else
    for (long i = 0; i < n; i++) grad[i] += alpha * v[i];
}

PetscErrorCode PhynnGraphBackward(PhynnGraph g, int root)
{
  PhynnNode *r;
  double    *seed;
  int        overwrite;
  PetscFunctionBegin;
  PetscCheck(root >= 0 && root < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", root);
  r = &g->nodes[root];
  PetscCheck(PhynnShapeElements(&r->shape) == 1 && r->shape.dtype == PHYNN_DTYPE_REAL, g->comm, PETSC_ERR_ARG_WRONG, "backward needs a real scalar root; '%s' has %ld elements", r->name,
             PhynnShapeElements(&r->shape));
  for (int i = 0; i < g->nnodes; i++) {
    g->nodes[i].grad_live = 0;
    g->nodes[i].grad      = NULL;
  }
  /* Parameters no path reaches keep a zero gradient. */
  PetscCall(PetscArrayzero(g->dtheta, g->nparams ? g->nparams : 1));
  PetscCall(PhynnNodeGradForWrite(g, r, &seed, &overwrite));
  seed[0] = 1.0;
  for (int i = root; i >= 0; i--) {
    PhynnNode *n = &g->nodes[i];
    if (!n->needed || !n->requires_grad || !n->grad_live) continue;
    double t0 = g->profile ? PhynnTime() : 0;
    if (n->op != PHYNN_OP_PARAM) PetscCall(phynn_ops[n->op].fn(g, n, PHYNN_ACTION_BACKWARD));
    if (g->profile) g->op_seconds[1][n->op] += PhynnTime() - t0;
    PetscCall(GradRelease(g, n));
  }
  /* A frozen parameter's gradient is exactly 0 whatever an op wrote (ops skip inputs that do not
   * require a gradient, but the guarantee should not rest on every op), so every optimiser leaves
   * it bitwise alone: SGD and momentum add lr 0, Adam's moments stay 0 and its step is 0 / eps,
   * and L-BFGS's direction has 0 in that entry (its s and y pairs are 0 there). */
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op == PHYNN_OP_PARAM && g->nodes[i].frozen) PetscCall(PetscArrayzero(g->dtheta + g->nodes[i].param_offset, PhynnShapeDoubles(&g->nodes[i].shape)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphValue(PhynnGraph g, int node, const double **value, PhynnShape *shape)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  if (value) *value = g->nodes[node].value;
  if (shape) *shape = g->nodes[node].shape;
  PetscFunctionReturn(0);
}

double PhynnGraphScalar(PhynnGraph g, int node) { return node >= 0 && node < g->nnodes && g->nodes[node].value ? g->nodes[node].value[0] : NAN; }
int    PhynnGraphNodeCount(PhynnGraph g) { return g->nnodes; }

size_t PhynnGraphMemoryBytes(PhynnGraph g)
{
  size_t bytes = (size_t)g->nparams * 2 * sizeof(double);
  for (int i = 0; i < g->nnodes; i++) {
    if (g->nodes[i].op != PHYNN_OP_INPUT && g->nodes[i].op != PHYNN_OP_PARAM) bytes += (size_t)g->nodes[i].value_cap * sizeof(double);
    bytes += g->nodes[i].ctx_size;
  }
  for (int k = 0; k < g->npool; k++)
    if (g->pool[k]) bytes += (size_t)g->pool_cap[k] * sizeof(double);
  return bytes;
}
