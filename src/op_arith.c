/* Elementwise arithmetic for building residuals: add, sub, mul (a (1,1) operand broadcasts, e.g.
 * a trainable physical constant), scale, sin, cos, square, sqrt, mean, and the weighted sum of
 * loss terms; their builders at the end. */
#include <math.h>

#include "graph_impl.h"

/* Shape rule for binary elementwise ops: equal element counts, or one side has a single element.
 * While the graph is built, an operand whose rows come from an input has 0 rows, so a count
 * that differs only through it is checked by the Forward's SHAPE. Complex operands (add and sub
 * only) must both be complex, without broadcasting: the op then works on the doubles. */
static PetscErrorCode BinaryShape(PhynnGraph g, PhynnNode *n, int complex_ok)
{
  PhynnNode *a = PhynnIn(g, n, 0), *b = PhynnIn(g, n, 1);
  long       na = PhynnShapeElements(&a->shape), nb = PhynnShapeElements(&b->shape);
  PetscFunctionBegin;
  if (!complex_ok) {
    PetscCall(PhynnOpRequireReal(g, n));
  } else {
    PetscCheck(a->shape.dtype == b->shape.dtype, g->comm, PHYNN_ERR_INPUT, "'%s': operand '%s' is %s and '%s' is %s; add and sub take two real or two complex operands", n->name, a->name,
               a->shape.dtype ? "complex" : "real", b->name, b->shape.dtype ? "complex" : "real");
    PetscCheck(a->shape.dtype == PHYNN_DTYPE_REAL || na == nb || PhynnBatchUnknown(g, a) || PhynnBatchUnknown(g, b), g->comm, PETSC_ERR_ARG_SIZ,
               "'%s': complex operands '%s' (%ld elements) and '%s' (%ld elements) differ in size; complex values do not broadcast", n->name, a->name, na, b->name, nb);
  }
  if (na == nb) n->shape = a->shape;
  else if (nb == 1) n->shape = a->shape;
  else if (na == 1) n->shape = b->shape;
  else if (PhynnBatchUnknown(g, a) || PhynnBatchUnknown(g, b)) n->shape = PhynnBatchUnknown(g, a) ? a->shape : b->shape;
  else SETERRQ(g->comm, PETSC_ERR_ARG_SIZ, "'%s': operands '%s' (%ld elements) and '%s' (%ld elements) differ in size", n->name, a->name, na, b->name, nb);
  PetscFunctionReturn(0);
}

/* d(out)/d(operand) is sign (add/sub) or the other operand (mul); a broadcast operand sums.
 * Sizes are in doubles (a complex element is two; complex operands never broadcast). */
static PetscErrorCode BinaryBackward(PhynnGraph g, PhynnNode *n, int k, double sign, int multiply)
{
  PhynnNode *in = PhynnIn(g, n, k), *other = PhynnIn(g, n, 1 - k);
  long       size = PhynnShapeDoubles(&n->shape), nin = PhynnShapeDoubles(&in->shape), nother = PhynnShapeDoubles(&other->shape);
  double    *gi;
  int        ow;
  PetscFunctionBegin;
  if (!in->requires_grad) PetscFunctionReturn(0);
  PetscCall(PhynnNodeGradForWrite(g, in, &gi, &ow));
  if (nin == 1 && size != 1) { /* broadcast operand: sum */
    double s = 0;
    for (long i = 0; i < size; i++) s += n->grad[i] * (multiply ? other->value[nother == 1 ? 0 : i] : sign);
    gi[0] = ow ? s : gi[0] + s;
  } else if (multiply) {
    for (long i = 0; i < size; i++) {
      double v = n->grad[i] * other->value[nother == 1 ? 0 : i];
      gi[i] = ow ? v : gi[i] + v;
    }
  } else {
    PhynnAccumulate(gi, ow, size, sign, n->grad);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode AddSub(PhynnGraph g, PhynnNode *n, PhynnAction action, double sign)
{
  PhynnNode *a = PhynnIn(g, n, 0), *b = PhynnIn(g, n, 1);
  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: PetscCall(BinaryShape(g, n, 1)); break;
  case PHYNN_ACTION_FORWARD: {
    long size = PhynnShapeDoubles(&n->shape), sa = PhynnShapeDoubles(&a->shape) == 1 ? 0 : 1, sb = PhynnShapeDoubles(&b->shape) == 1 ? 0 : 1;
    for (long i = 0; i < size; i++) n->value[i] = a->value[sa * i] + sign * b->value[sb * i];
  } break;
  case PHYNN_ACTION_BACKWARD: /* d(a + s b) = da + s db */
    PetscCall(BinaryBackward(g, n, 0, 1.0, 0));
    PetscCall(BinaryBackward(g, n, 1, sign, 0));
    break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpAdd(PhynnGraph g, PhynnNode *n, PhynnAction action) { return AddSub(g, n, action, 1.0); }
PetscErrorCode PhynnOpSub(PhynnGraph g, PhynnNode *n, PhynnAction action) { return AddSub(g, n, action, -1.0); }

PetscErrorCode PhynnOpMul(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *a = PhynnIn(g, n, 0), *b = PhynnIn(g, n, 1);
  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: PetscCall(BinaryShape(g, n, 0)); break;
  case PHYNN_ACTION_FORWARD: {
    long size = PhynnShapeElements(&n->shape), sa = PhynnShapeElements(&a->shape) == 1 ? 0 : 1, sb = PhynnShapeElements(&b->shape) == 1 ? 0 : 1;
    for (long i = 0; i < size; i++) n->value[i] = a->value[sa * i] * b->value[sb * i];
  } break;
  case PHYNN_ACTION_BACKWARD: /* d(a b) = b da + a db */
    PetscCall(BinaryBackward(g, n, 0, 1.0, 1));
    PetscCall(BinaryBackward(g, n, 1, 1.0, 1));
    break;
  default: break;
  }
  PetscFunctionReturn(0);
}

/* Unary elementwise ops share one body: f and f' per element (per double: scale by a real alpha
 * is the one that takes complex values). */
typedef enum { UNARY_SCALE, UNARY_SIN, UNARY_COS, UNARY_SQUARE, UNARY_SQRT } UnaryKind;

static PetscErrorCode Unary(PhynnGraph g, PhynnNode *n, PhynnAction action, UnaryKind kind)
{
  PhynnNode *x    = PhynnIn(g, n, 0);
  long       size = PhynnShapeDoubles(&x->shape);
  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    if (kind != UNARY_SCALE) PetscCall(PhynnOpRequireReal(g, n));
    n->shape = x->shape;
    break;
  case PHYNN_ACTION_FORWARD:
    for (long i = 0; i < size; i++) {
      double v = x->value[i];
      n->value[i] = kind == UNARY_SCALE ? n->alpha * v : kind == UNARY_SIN ? sin(v) : kind == UNARY_COS ? cos(v) : kind == UNARY_SQRT ? sqrt(v) : v * v;
    }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    for (long i = 0; i < size; i++) {
      double v = x->value[i];
      /* d(alpha x) = alpha, d sin = cos, d cos = -sin, d x^2 = 2x, d sqrt x = 1 / (2 sqrt x) */
      double d = kind == UNARY_SCALE ? n->alpha : kind == UNARY_SIN ? cos(v) : kind == UNARY_COS ? -sin(v) : kind == UNARY_SQRT ? 0.5 / n->value[i] : 2 * v;
      gx[i]    = ow ? n->grad[i] * d : gx[i] + n->grad[i] * d;
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpScale(PhynnGraph g, PhynnNode *n, PhynnAction action) { return Unary(g, n, action, UNARY_SCALE); }
PetscErrorCode PhynnOpSin(PhynnGraph g, PhynnNode *n, PhynnAction action) { return Unary(g, n, action, UNARY_SIN); }
PetscErrorCode PhynnOpCos(PhynnGraph g, PhynnNode *n, PhynnAction action) { return Unary(g, n, action, UNARY_COS); }
PetscErrorCode PhynnOpSquare(PhynnGraph g, PhynnNode *n, PhynnAction action) { return Unary(g, n, action, UNARY_SQUARE); }
PetscErrorCode PhynnOpSqrt(PhynnGraph g, PhynnNode *n, PhynnAction action) { return Unary(g, n, action, UNARY_SQRT); }

/* m = (1/n) sum x_i; dm/dx_i = 1/n. */
PetscErrorCode PhynnOpMean(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x    = PhynnIn(g, n, 0);
  long       size = PhynnShapeElements(&x->shape);
  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    n->shape = PhynnShape2(1, 1);
    break;
  case PHYNN_ACTION_FORWARD: {
    double s = 0;
    for (long i = 0; i < size; i++) s += x->value[i];
    n->value[0] = size ? s / (double)size : 0.0;
  } break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx, d = size ? n->grad[0] / (double)size : 0.0;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    for (long i = 0; i < size; i++) gx[i] = ow ? d : gx[i] + d;
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

/* L = sum_k w_k t_k over any number of scalar terms; dL/dt_k = w_k. The ctx holds the weights. */
PetscErrorCode PhynnOpWeightedSum(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0); /* the ctx holds plain numbers */
  const double *w = (const double *)n->ctx;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    for (int k = 0; k < n->nin; k++)
      PetscCheck(PhynnShapeElements(&PhynnIn(g, n, k)->shape) == 1 || PhynnBatchUnknown(g, PhynnIn(g, n, k)), g->comm, PETSC_ERR_ARG_SIZ, "weighted sum '%s': term '%s' is not a scalar", n->name, PhynnIn(g, n, k)->name);
    n->shape = PhynnShape2(1, 1);
    break;
  case PHYNN_ACTION_FORWARD:
    n->value[0] = 0;
    for (int k = 0; k < n->nin; k++) n->value[0] += w[k] * PhynnIn(g, n, k)->value[0];
    break;
  case PHYNN_ACTION_BACKWARD:
    for (int k = 0; k < n->nin; k++) {
      PhynnNode *t = PhynnIn(g, n, k);
      double    *gt;
      int        ow;
      if (!t->requires_grad) continue;
      PetscCall(PhynnNodeGradForWrite(g, t, &gt, &ow));
      gt[0] = (ow ? 0 : gt[0]) + w[k] * n->grad[0];
    }
    break;
  default: break;
  }
  PetscFunctionReturn(0);
}

/* ---- builders ------------------------------------------------------------------------------- */
static PetscErrorCode Binary(PhynnGraph g, PhynnOpType op, int a, int b, int *id)
{
  PhynnNode *n;
  int        in[2] = {a, b};
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, op, 2, in, &n, id));
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

static PetscErrorCode UnaryNode(PhynnGraph g, PhynnOpType op, int a, double alpha, int *id)
{
  PhynnNode *n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, op, 1, &a, &n, id));
  n->alpha = alpha;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphAdd(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_ADD, a, b, id); }
PetscErrorCode PhynnGraphSub(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_SUB, a, b, id); }
PetscErrorCode PhynnGraphMul(PhynnGraph g, int a, int b, int *id) { return Binary(g, PHYNN_OP_MUL, a, b, id); }
PetscErrorCode PhynnGraphScale(PhynnGraph g, int a, double alpha, int *id) { return UnaryNode(g, PHYNN_OP_SCALE, a, alpha, id); }
PetscErrorCode PhynnGraphSin(PhynnGraph g, int a, int *id) { return UnaryNode(g, PHYNN_OP_SIN, a, 0, id); }
PetscErrorCode PhynnGraphCos(PhynnGraph g, int a, int *id) { return UnaryNode(g, PHYNN_OP_COS, a, 0, id); }
PetscErrorCode PhynnGraphSquare(PhynnGraph g, int a, int *id) { return UnaryNode(g, PHYNN_OP_SQUARE, a, 0, id); }
PetscErrorCode PhynnGraphSqrt(PhynnGraph g, int a, int *id) { return UnaryNode(g, PHYNN_OP_SQRT, a, 0, id); }
PetscErrorCode PhynnGraphMean(PhynnGraph g, int a, int *id) { return UnaryNode(g, PHYNN_OP_MEAN, a, 0, id); }

PetscErrorCode PhynnGraphWeightedSum(PhynnGraph g, int nterms, const int *terms, const double *weights, int *id)
{
  PhynnNode *n;
  double    *w;
  PetscFunctionBegin;
  PetscCheck(nterms >= 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "a weighted sum needs at least one term");
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_WEIGHTED_SUM, nterms, terms, &n, id));
  PetscCall(PhynnNodeCtx(n, (size_t)nterms * sizeof(double), (void **)&w));
  for (int k = 0; k < nterms; k++) w[k] = weights ? weights[k] : 1.0;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
