/* The graph driver: node creation, parameter collation, forward and backward sweeps, and the
 * pool of gradient buffers. The mathematics of each operation lives in src/op_*.c. */
#include <string.h>

#include "graph_impl.h"
#include "phynn/random.h"

typedef PetscErrorCode (*PhynnOpFn)(PhynnGraph, PhynnNode *, PhynnAction);

/* The op table, indexed by PhynnOpType: adding an op touches its file and this line. */
static const PhynnOpFn phynn_ops[PHYNN_OP_COUNT] = {
  [PHYNN_OP_INPUT] = PhynnOpInput, [PHYNN_OP_PARAM] = PhynnOpParam, [PHYNN_OP_JET_INPUT] = PhynnOpJetInput,
  [PHYNN_OP_DENSE] = PhynnOpDense, [PHYNN_OP_ACTIVATION] = PhynnOpActivation, [PHYNN_OP_JET_ACTIVATION] = PhynnOpJetActivation,
  [PHYNN_OP_SOFTMAX] = PhynnOpSoftmax, [PHYNN_OP_SLICE] = PhynnOpSlice, [PHYNN_OP_ADD] = PhynnOpAdd,
  [PHYNN_OP_SUB] = PhynnOpSub, [PHYNN_OP_MUL] = PhynnOpMul, [PHYNN_OP_SCALE] = PhynnOpScale,
  [PHYNN_OP_SIN] = PhynnOpSin, [PHYNN_OP_COS] = PhynnOpCos, [PHYNN_OP_SQUARE] = PhynnOpSquare, [PHYNN_OP_SQRT] = PhynnOpSqrt, [PHYNN_OP_MEAN] = PhynnOpMean,
  [PHYNN_OP_LOSS] = PhynnOpLoss, [PHYNN_OP_MEAN_SQUARE] = PhynnOpMeanSquare, [PHYNN_OP_WEIGHTED_SUM] = PhynnOpWeightedSum,
};

static const char *const phynn_op_names[PHYNN_OP_COUNT] = {
  [PHYNN_OP_INPUT] = "input", [PHYNN_OP_PARAM] = "param", [PHYNN_OP_JET_INPUT] = "jet_input", [PHYNN_OP_DENSE] = "dense",
  [PHYNN_OP_ACTIVATION] = "activation", [PHYNN_OP_JET_ACTIVATION] = "jet_activation", [PHYNN_OP_SOFTMAX] = "softmax",
  [PHYNN_OP_SLICE] = "slice", [PHYNN_OP_ADD] = "add", [PHYNN_OP_SUB] = "sub", [PHYNN_OP_MUL] = "mul", [PHYNN_OP_SCALE] = "scale",
  [PHYNN_OP_SIN] = "sin", [PHYNN_OP_COS] = "cos", [PHYNN_OP_SQUARE] = "square", [PHYNN_OP_SQRT] = "sqrt", [PHYNN_OP_MEAN] = "mean",
  [PHYNN_OP_LOSS] = "loss", [PHYNN_OP_MEAN_SQUARE] = "mean_square", [PHYNN_OP_WEIGHTED_SUM] = "weighted_sum",
};

int         PhynnGraphOpTypeCount(void) { return PHYNN_OP_COUNT; }
const char *PhynnGraphOpTypeName(int k) { return k >= 0 && k < PHYNN_OP_COUNT ? phynn_op_names[k] : "?"; }
int         PhynnGraphNodeOpType(PhynnGraph g, int node) { return node >= 0 && node < g->nnodes ? (int)g->nodes[node].op : -1; }

PetscErrorCode PhynnGraphSetProfiling(PhynnGraph g, PetscBool on)
{
  g->profile = on;
  return 0;
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

PetscErrorCode PhynnGraphCreate(MPI_Comm comm, PhynnGraph *g)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(g));
  (*g)->comm = comm;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphDestroy(PhynnGraph *g)
{
  PetscFunctionBegin;
  if (!*g) PetscFunctionReturn(0);
  for (int i = 0; i < (*g)->nnodes; i++) {
    PhynnNode *n = &(*g)->nodes[i];
    if (n->op != PHYNN_OP_INPUT && n->op != PHYNN_OP_PARAM) PetscCall(PetscFree(n->value));
  }
  for (int i = 0; i < (*g)->npool; i++) PetscCall(PetscFree((*g)->pool[i]));
  PetscCall(PetscFree((*g)->pool));
  PetscCall(PetscFree((*g)->pool_cap));
  PetscCall(PetscFree((*g)->nodes));
  PetscCall(PetscFree((*g)->theta));
  PetscCall(PetscFree((*g)->dtheta));
  PetscCall(PetscFree(*g));
  PetscFunctionReturn(0);
}

/* Appends a node with the given op and inputs, checks the inputs exist, and infers its shape
 * where the inputs' shapes are known (inputs have unknown rows until SetInput). */
static PetscErrorCode NewNode(PhynnGraph g, PhynnOpType op, int nin, const int *in, PhynnNode **node, int *id)
{
  PetscFunctionBegin;
  PetscCheck(!g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "the graph is already set up; add nodes before PhynnGraphSetUp");
  PetscCheck(nin <= PHYNN_MAX_INPUTS, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "an op takes at most %d inputs", PHYNN_MAX_INPUTS);
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
  *id   = g->nnodes++;
  *node = &g->nodes[*id];
  PetscCall(PetscMemzero(*node, sizeof(**node)));
  (*node)->op  = op;
  (*node)->nin = nin;
  for (int k = 0; k < nin; k++) {
    (*node)->in[k] = in[k];
    if (g->nodes[in[k]].requires_grad) (*node)->requires_grad = 1;
  }
  PetscCall(PetscSNPrintf((*node)->name, sizeof((*node)->name), "node%d", *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetName(PhynnGraph g, int node, const char *name)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(g->nodes[node].name, name, sizeof(g->nodes[node].name)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphInput(PhynnGraph g, const char *name, long cols, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(cols > 0, g->comm, PHYNN_ERR_INPUT, "input '%s' needs a positive column count, got %ld", name, cols);
  PetscCall(NewNode(g, PHYNN_OP_INPUT, 0, NULL, &n, id));
  n->shape = PhynnShape2(0, cols);
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParam(PhynnGraph g, const char *name, long rows, long cols, PhynnInitSpec init, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(rows > 0 && cols > 0, g->comm, PHYNN_ERR_INPUT, "parameter '%s' needs positive sizes, got %ld x %ld", name, rows, cols);
  PetscCall(NewNode(g, PHYNN_OP_PARAM, 0, NULL, &n, id));
  n->shape         = PhynnShape2(rows, cols);
  n->init          = init;
  n->requires_grad = 1;
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphJetInput(PhynnGraph g, int x, const PhynnJet *jet, const double *shift, const double *scale, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(NewNode(g, PHYNN_OP_JET_INPUT, 1, &x, &n, id));
  PetscCheck(jet->nin == g->nodes[x].shape.dim[1], g->comm, PETSC_ERR_ARG_SIZ, "jet over %d inputs applied to %ld columns", jet->nin, g->nodes[x].shape.dim[1]);
  PetscCheck(jet->nin <= PHYNN_JET_MAX, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d input coordinates", PHYNN_JET_MAX);
  n->jet     = *jet;
  n->has_jet = 1;
  n->shape   = PhynnShape2(0, jet->nin);
  for (int c = 0; c < jet->nin; c++) {
    n->shift[c] = shift ? shift[c] : 0.0;
    n->scale[c] = scale ? scale[c] : 1.0;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphDense(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int *id)
{
  PhynnNode *n;
  int        in[3] = {x, W, b};
  PetscFunctionBegin;
  PetscCall(NewNode(g, PHYNN_OP_DENSE, b >= 0 ? 3 : 2, in, &n, id));
  PetscCheck(g->nodes[W].shape.dim[1] == g->nodes[x].shape.dim[1], g->comm, PETSC_ERR_ARG_SIZ, "dense layer: weights take %ld inputs but the layer below gives %ld",
             g->nodes[W].shape.dim[1], g->nodes[x].shape.dim[1]);
  PetscCheck(b < 0 || PhynnShapeElements(&g->nodes[b].shape) == g->nodes[W].shape.dim[0], g->comm, PETSC_ERR_ARG_SIZ, "dense layer: bias size does not match the %ld outputs",
             g->nodes[W].shape.dim[0]);
  if (jet) { n->jet = *jet; n->has_jet = 1; }
  n->shape = PhynnShape2(0, g->nodes[W].shape.dim[0]);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphActivation(PhynnGraph g, int x, PhynnActivation act, double alpha, const PhynnJet *jet, int *id)
{
  PhynnNode *n;
  int        jetted = jet && PhynnJetBlocks(jet) > 1;
  PetscFunctionBegin;
  if (act == PHYNN_ACT_SOFTMAX) {
    PetscCheck(!jetted, g->comm, PHYNN_ERR_INPUT, "softmax is not elementwise, so input derivatives cannot pass through it; use it only on the output of a classifier");
    PetscCall(NewNode(g, PHYNN_OP_SOFTMAX, 1, &x, &n, id));
  } else if (jetted) {
    PetscCheck(jet->nsecond == 0 || PhynnActivationSmooth(act), g->comm, PHYNN_ERR_INPUT,
               "activation '%s' has no useful second derivative (it is zero almost everywhere), so second input derivatives would be wrong; use tanh, sigmoid, sine or softplus",
               PhynnActivationNames[act]);
    PetscCall(NewNode(g, PHYNN_OP_JET_ACTIVATION, 1, &x, &n, id));
    n->jet     = *jet;
    n->has_jet = 1;
  } else {
    PetscCall(NewNode(g, PHYNN_OP_ACTIVATION, 1, &x, &n, id));
  }
  n->act   = act;
  n->alpha = alpha;
  n->shape = g->nodes[x].shape;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSlice(PhynnGraph g, int x, int nblocks, int block, long col, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(block >= 0 && block < nblocks, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "slice: block %d of %d", block, nblocks);
  PetscCheck(col >= 0 && col < g->nodes[x].shape.dim[1], g->comm, PETSC_ERR_ARG_OUTOFRANGE, "slice: column %ld of %ld", col, g->nodes[x].shape.dim[1]);
  PetscCall(NewNode(g, PHYNN_OP_SLICE, 1, &x, &n, id));
  n->nblocks = nblocks;
  n->block   = block;
  n->col     = col;
  PetscFunctionReturn(0);
}

static PetscErrorCode Binary(PhynnGraph g, PhynnOpType op, int a, int b, int *id)
{
  PhynnNode *n;
  int        in[2] = {a, b};
  PetscFunctionBegin;
  PetscCall(NewNode(g, op, 2, in, &n, id));
  PetscFunctionReturn(0);
}

static PetscErrorCode Unary(PhynnGraph g, PhynnOpType op, int a, double alpha, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(NewNode(g, op, 1, &a, &n, id));
  n->alpha = alpha;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphAdd(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_ADD, a, b, id); }
PetscErrorCode PhynnGraphSub(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_SUB, a, b, id); }
PetscErrorCode PhynnGraphMul(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_MUL, a, b, id); }
PetscErrorCode PhynnGraphScale(PhynnGraph g, int a, double alpha, int *id) { return Unary(g, PHYNN_OP_SCALE, a, alpha, id); }
PetscErrorCode PhynnGraphSin(PhynnGraph g, int a, int *id) { return Unary(g, PHYNN_OP_SIN, a, 0, id); }
PetscErrorCode PhynnGraphCos(PhynnGraph g, int a, int *id) { return Unary(g, PHYNN_OP_COS, a, 0, id); }
PetscErrorCode PhynnGraphSquare(PhynnGraph g, int a, int *id) { return Unary(g, PHYNN_OP_SQUARE, a, 0, id); }
PetscErrorCode PhynnGraphSqrt(PhynnGraph g, int a, int *id) { return Unary(g, PHYNN_OP_SQRT, a, 0, id); }
PetscErrorCode PhynnGraphMean(PhynnGraph g, int a, int *id) { return Unary(g, PHYNN_OP_MEAN, a, 0, id); }

PetscErrorCode PhynnGraphLoss(PhynnGraph g, PhynnLoss loss, int pred, int target, int *id)
{
  PhynnNode *n;
  int        in[2] = {pred, target};
  PetscFunctionBegin;
  PetscCall(NewNode(g, PHYNN_OP_LOSS, 2, in, &n, id));
  n->loss = loss;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphMeanSquare(PhynnGraph g, int r, int *id) { return Unary(g, PHYNN_OP_MEAN_SQUARE, r, 0, id); }

PetscErrorCode PhynnGraphWeightedSum(PhynnGraph g, int nterms, const int *terms, const double *weights, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(nterms >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "a weighted sum needs at least one term");
  PetscCall(NewNode(g, PHYNN_OP_WEIGHTED_SUM, nterms, terms, &n, id));
  for (int k = 0; k < nterms; k++) n->weights[k] = weights ? weights[k] : 1.0;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetLossNorm(PhynnGraph g, int node, double norm)
{
  PetscFunctionBegin;
  PetscCheck(g->nodes[node].op == PHYNN_OP_LOSS || g->nodes[node].op == PHYNN_OP_MEAN_SQUARE, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not a loss", g->nodes[node].name);
  g->nodes[node].norm = norm;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetUp(PhynnGraph g)
{
  long offset = 0;
  PetscFunctionBegin;
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op == PHYNN_OP_PARAM) {
      g->nodes[i].param_offset = offset;
      offset += PhynnShapeElements(&g->nodes[i].shape);
    }
  g->nparams = offset;
  PetscCall(PetscCalloc1(offset ? offset : 1, &g->theta));
  PetscCall(PetscCalloc1(offset ? offset : 1, &g->dtheta));
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op == PHYNN_OP_PARAM) g->nodes[i].value = g->theta + g->nodes[i].param_offset;
  g->setup = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParameters(PhynnGraph g, double **theta, double **grad, long *n)
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  if (theta) *theta = g->theta;
  if (grad) *grad = g->dtheta;
  if (n) *n = g->nparams;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParamSlice(PhynnGraph g, int node, long *offset, long *size)
{
  PetscFunctionBegin;
  PetscCheck(g->nodes[node].op == PHYNN_OP_PARAM, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not a parameter", g->nodes[node].name);
  *offset = g->nodes[node].param_offset;
  *size   = PhynnShapeElements(&g->nodes[node].shape);
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
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  for (int i = 0, j = 0; i < g->nnodes; i++) {
    PhynnNode *n = &g->nodes[i];
    if (n->op != PHYNN_OP_PARAM) continue;
    if (j++ != k) continue;
    info->name     = n->name;
    info->node     = i;
    info->offset   = n->param_offset;
    info->ndoubles = PhynnShapeDoubles(&n->shape);
    info->shape    = n->shape;
    PetscFunctionReturn(0);
  }
  SETERRQ(g->comm, PETSC_ERR_ARG_OUTOFRANGE, "parameter %d does not exist (the graph has %d)", k, PhynnGraphParamCount(g));
}

PetscErrorCode PhynnGraphInitParameters(PhynnGraph g, uint64_t seed)
{
  int k = 0;
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnGraphSetUp first");
  for (int i = 0; i < g->nnodes; i++) {
    PhynnNode *n = &g->nodes[i];
    if (n->op != PHYNN_OP_PARAM) continue;
    long          size = PhynnShapeElements(&n->shape);
    long          fan_out = n->shape.dim[0], fan_in = n->shape.dim[1];
    PhynnInitSpec s = n->init;
    uint64_t      stream = PHYNN_STREAM_INIT + (uint64_t)k++;
    double        gain = s.a != 0 ? s.a : 1.0;
    switch (s.kind) {
    case PHYNN_INIT_ZEROS: PetscCall(PetscArrayzero(n->value, size)); break;
    case PHYNN_INIT_CONSTANT:
      for (long j = 0; j < size; j++) n->value[j] = s.a;
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
  PhynnNode *n = &g->nodes[node];
  PetscFunctionBegin;
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
  MarkNeeded(g, root);
  for (int i = 0; i <= root; i++) {
    PhynnNode *n = &g->nodes[i];
    if (!n->needed) continue;
    PetscCheck(n->op != PHYNN_OP_INPUT || n->value || n->shape.dim[0] == 0, g->comm, PETSC_ERR_ARG_WRONGSTATE, "input '%s' has no data; call PhynnGraphSetInput", n->name);
    PetscCall(phynn_ops[n->op](g, n, PHYNN_ACTION_SHAPE));
    if (n->op != PHYNN_OP_INPUT && n->op != PHYNN_OP_PARAM) PetscCall(PhynnNodeAllocValue(n));
    double t0 = g->profile ? PhynnTime() : 0;
    PetscCall(phynn_ops[n->op](g, n, PHYNN_ACTION_FORWARD));
    if (g->profile) g->op_seconds[0][n->op] += PhynnTime() - t0;
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
        in->grad     = g->pool[best];
        in->grad_cap = g->pool_cap[best];
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
      if (!g->pool[k]) { slot = k; break; }
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
  PhynnNode *r = &g->nodes[root];
  double    *seed;
  int        overwrite;
  PetscFunctionBegin;
  PetscCheck(PhynnShapeElements(&r->shape) == 1, g->comm, PETSC_ERR_ARG_WRONG, "backward needs a scalar root; '%s' has %ld elements", r->name, PhynnShapeElements(&r->shape));
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
    if (n->op != PHYNN_OP_PARAM) PetscCall(phynn_ops[n->op](g, n, PHYNN_ACTION_BACKWARD));
    if (g->profile) g->op_seconds[1][n->op] += PhynnTime() - t0;
    PetscCall(GradRelease(g, n));
  }
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

double PhynnGraphScalar(PhynnGraph g, int node) { return g->nodes[node].value ? g->nodes[node].value[0] : NAN; }
int    PhynnGraphNodeCount(PhynnGraph g) { return g->nnodes; }

size_t PhynnGraphMemoryBytes(PhynnGraph g)
{
  size_t bytes = (size_t)g->nparams * 2 * sizeof(double);
  for (int i = 0; i < g->nnodes; i++)
    if (g->nodes[i].op != PHYNN_OP_INPUT && g->nodes[i].op != PHYNN_OP_PARAM) bytes += (size_t)g->nodes[i].value_cap * sizeof(double);
  for (int k = 0; k < g->npool; k++)
    if (g->pool[k]) bytes += (size_t)g->pool_cap[k] * sizeof(double);
  return bytes;
}
