/* Leaves: inputs (data set per run) and parameters (slices of the graph's one parameter buffer). */
#include "graph_impl.h"

/* Inputs and parameters hold data set from outside: nothing to compute, nothing to propagate
 * (a parameter's gradient is read from the gradient buffer). */
PetscErrorCode PhynnOpInput(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  (void)g; (void)n; (void)action;
  return 0;
}

PetscErrorCode PhynnOpParam(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  (void)g; (void)n; (void)action;
  return 0;
}

static PetscErrorCode CheckDims(PhynnGraph g, const char *what, const char *name, int ndim, const long *dims, int first)
{
  PetscFunctionBegin;
  PetscCheck(ndim >= 1 && ndim <= PHYNN_MAX_DIMS, g->comm, PHYNN_ERR_INPUT, "%s '%s' has %d dimensions; it needs 1 to %d (PHYNN_MAX_DIMS)", what, name, ndim, PHYNN_MAX_DIMS);
  for (int k = first; k < ndim; k++) PetscCheck(dims[k] > 0, g->comm, PHYNN_ERR_INPUT, "%s '%s': dimension %d is %ld; every size must be positive", what, name, k, dims[k]);
  PetscFunctionReturn(0);
}

/* An input of shape (N, dims[1], ..., dims[ndim-1]): the batch dimension N stays open (dims[0] is
 * ignored) until PhynnGraphSetInput gives the rows, N of them, each of the product of the other
 * dims doubles, row-major. */
PetscErrorCode PhynnGraphInputND(PhynnGraph g, const char *name, int ndim, const long *dims, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(CheckDims(g, "input", name, ndim, dims, 1));
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_INPUT, 0, NULL, &n, id));
  n->shape.ndim  = ndim;
  n->shape.dtype = PHYNN_DTYPE_REAL;
  for (int k = 1; k < ndim; k++) n->shape.dim[k] = dims[k];
  n->batched = 1;
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphInput(PhynnGraph g, const char *name, long cols, int *id)
{
  const long dims[2] = {0, cols};
  PetscFunctionBegin;
  PetscCheck(cols > 0, g->comm, PHYNN_ERR_INPUT, "input '%s' needs a positive column count, got %ld", name, cols);
  PetscCall(PhynnGraphInputND(g, name, 2, dims, id));
  PetscFunctionReturn(0);
}

/* A parameter of any shape; complex ones hold two doubles (re, im) per element in theta. */
PetscErrorCode PhynnGraphParamND(PhynnGraph g, const char *name, int ndim, const long *dims, PhynnDType dtype, PhynnInitSpec init, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(CheckDims(g, "parameter", name, ndim, dims, 0));
  PetscCheck(dtype == PHYNN_DTYPE_REAL || dtype == PHYNN_DTYPE_COMPLEX, g->comm, PHYNN_ERR_INPUT, "parameter '%s': unknown data type %d", name, (int)dtype);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_PARAM, 0, NULL, &n, id));
  n->shape.ndim  = ndim;
  n->shape.dtype = dtype;
  for (int k = 0; k < ndim; k++) n->shape.dim[k] = dims[k];
  n->init          = init;
  n->requires_grad = 1;
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParam(PhynnGraph g, const char *name, long rows, long cols, PhynnInitSpec init, int *id)
{
  const long dims[2] = {rows, cols};
  PetscFunctionBegin;
  PetscCheck(rows > 0 && cols > 0, g->comm, PHYNN_ERR_INPUT, "parameter '%s' needs positive sizes, got %ld x %ld", name, rows, cols);
  PetscCall(PhynnGraphParamND(g, name, 2, dims, PHYNN_DTYPE_REAL, init, id));
  PetscFunctionReturn(0);
}

/* A frozen parameter keeps its slice of theta (saved with the model like any other) but gets no
 * gradient: SetUp recomputes which nodes need one, and Backward leaves its gradient exactly 0, so
 * no optimiser moves it (batch norm's running statistics; a pretrained layer held fixed). */
PetscErrorCode PhynnGraphSetTrainable(PhynnGraph g, int node, PetscBool trainable)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", node);
  PetscCheck(g->nodes[node].op == PHYNN_OP_PARAM, g->comm, PETSC_ERR_ARG_WRONG, "node '%s' is not a parameter", g->nodes[node].name);
  PetscCheck(!g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "parameter '%s': set whether it is trainable before PhynnGraphSetUp", g->nodes[node].name);
  g->nodes[node].frozen        = !trainable;
  g->nodes[node].requires_grad = trainable ? 1 : 0;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetParamInit(PhynnGraph g, int node, PhynnInitSpec init)
{
  PetscFunctionBegin;
  PetscCheck(node >= 0 && node < g->nnodes && g->nodes[node].op == PHYNN_OP_PARAM, g->comm, PETSC_ERR_ARG_WRONG, "graph node %d is not a parameter", node);
  PetscCheck(!g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "parameter '%s': set its initialiser before PhynnGraphSetUp", g->nodes[node].name);
  g->nodes[node].init = init;
  PetscFunctionReturn(0);
}

PetscBool PhynnGraphGetTrainable(PhynnGraph g, int node) { return node >= 0 && node < g->nnodes && g->nodes[node].op == PHYNN_OP_PARAM && !g->nodes[node].frozen ? PETSC_TRUE : PETSC_FALSE; }
