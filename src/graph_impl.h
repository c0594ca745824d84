/* Private to the graph: the node record and the op table. Each op is one function
 * PetscErrorCode OpXxx(PhynnGraph g, PhynnNode *n, PhynnAction action) in src/op_*.c that holds
 * its shape check (PHYNN_ACTION_SHAPE), forward and backward side by side. */
#ifndef PHYNN_GRAPH_IMPL_H
#define PHYNN_GRAPH_IMPL_H

#include "phynn/graph.h"

#define PHYNN_MAX_INPUTS 8

typedef enum {
  PHYNN_OP_INPUT, PHYNN_OP_PARAM, PHYNN_OP_JET_INPUT, PHYNN_OP_DENSE, PHYNN_OP_ACTIVATION,
  PHYNN_OP_JET_ACTIVATION, PHYNN_OP_SOFTMAX, PHYNN_OP_SLICE, PHYNN_OP_ADD, PHYNN_OP_SUB, PHYNN_OP_MUL,
  PHYNN_OP_SCALE, PHYNN_OP_SIN, PHYNN_OP_COS, PHYNN_OP_SQUARE, PHYNN_OP_SQRT, PHYNN_OP_MEAN, PHYNN_OP_LOSS, PHYNN_OP_MEAN_SQUARE,
  PHYNN_OP_WEIGHTED_SUM, PHYNN_OP_COUNT
} PhynnOpType;

typedef enum { PHYNN_ACTION_SHAPE, PHYNN_ACTION_FORWARD, PHYNN_ACTION_BACKWARD } PhynnAction;

typedef struct {
  PhynnOpType op;
  char        name[64];       /* "<block>.<local>" for model parameters */
  int         nin, in[PHYNN_MAX_INPUTS];
  PhynnShape  shape;          /* current output shape (set by SHAPE) */
  double     *value;          /* owned, value_cap doubles; for INPUT: the caller's rows */
  long        value_cap;
  double     *grad;           /* valid during backward while grad_live */
  long        grad_cap;
  int         grad_live;      /* grad holds data for this pass (else the first write overwrites) */
  int         requires_grad;  /* depends on a parameter */
  int         needed;         /* on the path to the current root */
  /* attributes */
  PhynnInitSpec init;         /* PARAM */
  long          param_offset; /* PARAM: slice of the parameter buffer */
  PhynnActivation act;        /* ACTIVATION */
  double        alpha;        /* SCALE factor, leaky slope */
  PhynnJet      jet;          /* JET_INPUT, DENSE, JET_ACTIVATION */
  int           has_jet;
  double        shift[PHYNN_JET_MAX], scale[PHYNN_JET_MAX]; /* JET_INPUT */
  int           nblocks, block; long col;                    /* SLICE */
  PhynnLoss     loss;         /* LOSS */
  double        norm;         /* LOSS, MEAN_SQUARE: divisor (<= 0: element count) */
  double        weights[PHYNN_MAX_INPUTS]; /* WEIGHTED_SUM */
} PhynnNode;

struct _p_PhynnGraph {
  MPI_Comm   comm;
  PhynnNode *nodes;
  int        nnodes, cap;
  int        setup;
  double    *theta, *dtheta;
  long       nparams;
  /* Pool of gradient buffers: a node's gradient lives from its first consumer's backward to its
   * own, so a few buffers serve a deep network (the memory of a PINN step stays near the values). */
  double   **pool;
  long      *pool_cap;
  int        npool, pool_size;
  /* profiling (PhynnGraphSetProfiling): wall seconds per op type, forward and backward */
  PetscBool  profile;
  double     op_seconds[2][PHYNN_OP_COUNT];
};

/* Ensures node->value holds its shape; (re)allocates only when it grows. */
PetscErrorCode PhynnNodeAllocValue(PhynnNode *n);
/* Gives the gradient buffer of input node `in` for writing: *overwrite is 1 the first time in
 * this backward pass (the buffer is uninitialised: write, do not add), 0 afterwards (add). */
PetscErrorCode PhynnNodeGradForWrite(PhynnGraph g, PhynnNode *in, double **grad, int *overwrite);
/* Accumulates v (n doubles) into grad with the overwrite convention, scaled by alpha. */
void PhynnAccumulate(double *grad, int overwrite, long n, double alpha, const double *v);

static inline PhynnNode *PhynnIn(PhynnGraph g, PhynnNode *n, int k) { return &g->nodes[n->in[k]]; }

/* The ops. */
PetscErrorCode PhynnOpInput(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpParam(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpJetInput(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpDense(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpActivation(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpJetActivation(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSoftmax(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSlice(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpAdd(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSub(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpMul(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpScale(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSin(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpCos(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSquare(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSqrt(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpMean(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpLoss(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpMeanSquare(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpWeightedSum(PhynnGraph, PhynnNode *, PhynnAction);

/* Scalar activation derivatives used by the ops (src/activation.c). */
double PhynnActivationValue(PhynnActivation act, double alpha, double z);
/* s', s'', s''' at z given a = s(z) (tanh and sigmoid use a; the others use z). */
void PhynnActivationDerivatives(PhynnActivation act, double alpha, double z, double a, double *d1, double *d2, double *d3);

#endif
