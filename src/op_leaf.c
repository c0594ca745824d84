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

PetscErrorCode PhynnGraphInput(PhynnGraph g, const char *name, long cols, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(cols > 0, g->comm, PHYNN_ERR_INPUT, "input '%s' needs a positive column count, got %ld", name, cols);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_INPUT, 0, NULL, &n, id));
  n->shape   = PhynnShape2(0, cols);
  n->batched = 1;
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphParam(PhynnGraph g, const char *name, long rows, long cols, PhynnInitSpec init, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCheck(rows > 0 && cols > 0, g->comm, PHYNN_ERR_INPUT, "parameter '%s' needs positive sizes, got %ld x %ld", name, rows, cols);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_PARAM, 0, NULL, &n, id));
  n->shape         = PhynnShape2(rows, cols);
  n->init          = init;
  n->requires_grad = 1;
  PetscCall(PhynnGraphSetName(g, *id, name));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
