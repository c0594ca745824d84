/* Building and evaluating a network from its stored description. */
#include <string.h>

#include "phynn/model.h"

void PhynnModelInit(PhynnModel *m)
{
  memset(m, 0, sizeof(*m));
  m->bias = PETSC_TRUE;
}

PetscErrorCode PhynnModelReset(PhynnModel *m)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(m->theta));
  PetscCall(PetscFree(m->opt_state));
  PetscCall(PetscFree(m->history));
  PetscCall(PetscFree(m->options));
  PhynnModelInit(m);
  PetscFunctionReturn(0);
}

long PhynnModelNetworkParams(const PhynnModel *m)
{
  long n = 0;
  for (int l = 0; l + 1 < m->nsizes; l++) n += m->sizes[l + 1] * m->sizes[l] + (m->bias ? m->sizes[l + 1] : 0);
  return n;
}

PetscErrorCode PhynnModelCreateParams(const PhynnModel *m, PhynnGraph g, PhynnInitSpec weight_init, PhynnMLP *mlp, int *extra)
{
  PetscFunctionBegin;
  PetscCheck(m->nsizes >= 2 && m->sizes[0] == m->nin && m->sizes[m->nsizes - 1] == m->nout, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "the network's layers (%ld inputs, %ld outputs) do not match the %d input and %d output names", m->nsizes ? m->sizes[0] : 0, m->nsizes ? m->sizes[m->nsizes - 1] : 0, m->nin, m->nout);
  PetscCall(PhynnMLPCreate(g, m->nsizes, m->sizes, m->hidden, m->output, weight_init, m->bias, mlp));
  for (int k = 0; k < m->nextra; k++) {
    int node;
    PetscCall(PhynnGraphParam(g, m->extra_names[k], 1, 1, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &node));
    if (extra) extra[k] = node;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelApply(const PhynnModel *m, PhynnGraph g, const PhynnMLP *mlp, int x, const PhynnJet *jet, int *out)
{
  double   shift[PHYNN_JET_MAX], scale[PHYNN_JET_MAX];
  PhynnJet none = PhynnJetNone(m->nin);
  int      h;
  PetscFunctionBegin;
  for (int c = 0; c < m->nin; c++) {
    /* x' = 2 (x - lb) / (ub - lb) - 1 = (x - (lb + ub)/2) * 2 / (ub - lb) */
    shift[c] = m->scale_inputs ? 0.5 * (m->in_lb[c] + m->in_ub[c]) : 0.0;
    scale[c] = m->scale_inputs ? 2.0 / (m->in_ub[c] - m->in_lb[c]) : 1.0;
  }
  if (!jet) jet = &none;
  PetscCall(PhynnGraphJetInput(g, x, jet, shift, scale, &h));
  PetscCall(PhynnMLPApply(g, mlp, h, jet, out));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetWeights(PhynnModel *m, PhynnGraph g)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  if (m->nparams != n) {
    PetscCall(PetscFree(m->theta));
    PetscCall(PetscMalloc1(n, &m->theta));
    m->nparams = n;
  }
  PetscCall(PetscArraycpy(m->theta, theta, n));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetWeights(const PhynnModel *m, PhynnGraph g)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  PetscCheck(n == m->nparams, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the model file holds %ld parameters but its architecture needs %ld; the file is damaged or from another version", m->nparams, n);
  PetscCall(PetscArraycpy(theta, m->theta, n));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelCaptureOptions(PhynnModel *m)
{
  char  *all = NULL;
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscFree(m->options));
  PetscCall(PetscStrallocpy(all ? all : "", &m->options));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelEvaluate(const PhynnModel *m, long n, const double *x, const PhynnJet *jet, double **out)
{
  PhynnGraph    g;
  PhynnMLP      mlp;
  int           in, y;
  const double *v;
  PhynnShape    shape;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnModelCreateParams(m, g, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &mlp, NULL));
  PetscCall(PhynnGraphInput(g, "points", m->nin, &in));
  PetscCall(PhynnModelApply(m, g, &mlp, in, jet, &y));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnModelSetWeights(m, g));
  PetscCall(PhynnGraphSetInput(g, in, n, x));
  PetscCall(PhynnGraphForward(g, y));
  PetscCall(PhynnGraphValue(g, y, &v, &shape));
  PetscCall(PetscMalloc1(PhynnShapeElements(&shape) ? PhynnShapeElements(&shape) : 1, out));
  PetscCall(PetscArraycpy(*out, v, PhynnShapeElements(&shape)));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}
