/* Private to the graph: the node record, the op table and what ops share.
 *
 * Each op is one function PetscErrorCode PhynnOpXxx(PhynnGraph g, PhynnNode *n, PhynnAction a)
 * in src/op_*.c that holds, side by side, its shape rule (PHYNN_ACTION_SHAPE), forward and
 * backward, and where it needs them the allocation and release of its own state
 * (PHYNN_ACTION_ALLOC, PHYNN_ACTION_DESTROY). Its builder (PhynnGraphXxx, declared in
 * phynn/graph.h) lives in the same file. Adding an op touches that file, the enum and the
 * prototype below, one line of the op table in src/graph.c, the builder's declaration in
 * phynn/graph.h, and a case in tests/unit/test_gradcheck.c (gradcheck_every_op fails without
 * one). */
#ifndef PHYNN_GRAPH_IMPL_H
#define PHYNN_GRAPH_IMPL_H

#include "phynn/graph.h"

typedef enum {
  PHYNN_OP_INPUT, PHYNN_OP_PARAM, PHYNN_OP_JET_INPUT, PHYNN_OP_DENSE, PHYNN_OP_ACTIVATION,
  PHYNN_OP_JET_ACTIVATION, PHYNN_OP_SOFTMAX, PHYNN_OP_SLICE, PHYNN_OP_ADD, PHYNN_OP_SUB, PHYNN_OP_MUL,
  PHYNN_OP_SCALE, PHYNN_OP_SIN, PHYNN_OP_COS, PHYNN_OP_SQUARE, PHYNN_OP_SQRT, PHYNN_OP_MEAN, PHYNN_OP_LOSS, PHYNN_OP_MEAN_SQUARE,
  PHYNN_OP_WEIGHTED_SUM, PHYNN_OP_JET_STACK, PHYNN_OP_BLOCK, PHYNN_OP_CONV2D, PHYNN_OP_CONV_TRANSPOSE2D, PHYNN_OP_AVG_POOL2D,
  PHYNN_OP_MAX_POOL2D, PHYNN_OP_UPSAMPLE_NEAREST, PHYNN_OP_RESHAPE, PHYNN_OP_CONCAT, PHYNN_OP_DROPOUT, PHYNN_OP_BATCHNORM,
  PHYNN_OP_SPATIAL_SOFTARGMAX, PHYNN_OP_RIGID_WARP, PHYNN_OP_POLAR_ANGLE, PHYNN_OP_SPECTRAL_CONV, PHYNN_OP_APPEND_GRID, PHYNN_OP_PAD_CIRCULAR, PHYNN_OP_COUNT
} PhynnOpType;

/* What the driver asks of an op:
 *   SHAPE     set n->shape from the inputs' shapes, and check them: once when the node is built
 *             (PhynnGraphFinishNode; rows that come from an input are still 0 then, see
 *             PhynnBatchUnknown), and on every Forward for the real row count
 *   FORWARD   n->value from the inputs' values (n->value holds n->shape)
 *   BACKWARD  add n->grad's contribution to the inputs' gradients (PhynnNodeGradForWrite)
 *   ALLOC     the shape is new (after SetUp, and whenever a Forward's SHAPE gives a shape other
 *             than the one of the last ALLOC, e.g. a new row count): size workspaces or plans
 *             kept in n->ctx. Runs before FORWARD; n->value may move when the shape grows, so
 *             a plan must not hold it (FFTW: plan once, run with the new-array execute calls)
 *   DESTROY   release what ALLOC or the builder put in n->ctx (PhynnGraphDestroy calls it for
 *             every node; the driver then frees the ctx block itself)
 * Ops ignore the actions they have no use for (`default: break;`). */
typedef enum { PHYNN_ACTION_SHAPE, PHYNN_ACTION_FORWARD, PHYNN_ACTION_BACKWARD, PHYNN_ACTION_ALLOC, PHYNN_ACTION_DESTROY } PhynnAction;

typedef struct {
  PhynnOpType op;
  char        name[PHYNN_NAME_MAX]; /* "<block>.<local>" for model parameters */
  int         nin, *in;       /* the input nodes (an owned array: an op takes any number) */
  PhynnShape  shape;          /* current output shape (set by SHAPE, first when the node is built) */
  int         batched;        /* depends on an input's rows, so dim[0] is 0 until a Forward */
  double     *value;          /* owned, value_cap doubles; for INPUT: the caller's rows; PARAM: its slice of theta */
  long        value_cap;
  double     *grad;           /* valid during backward while grad_live */
  long        grad_cap;
  int         grad_live;      /* grad holds data for this pass (else the first write overwrites) */
  int         requires_grad;  /* depends on a trainable parameter */
  int         frozen;         /* PARAM: not trainable (PhynnGraphSetTrainable); its gradient stays 0 */
  int         needed;         /* on the path to the current root */
  int         data_dep;       /* depends on an INPUT's values (else on parameters and constants only) */
  int         cached;         /* constant cache: the value is current for the parameters loaded */
  PhynnShape  alloc_shape;    /* the shape of the last ALLOC */
  int         allocated;      /* ALLOC has run */
  /* Op-owned parameters and state (kann's ptr/ptr_size, ggml's op_params): zeroed bytes the
   * builder asks for with PhynnNodeCtx; the op may keep pointers in it that DESTROY frees. */
  void       *ctx;
  size_t      ctx_size;
  /* PARAM: initialiser, slice of the parameter buffer (in doubles), and the fans the consuming
   * op declared (PhynnNodeDeclareFans; 0 until then) */
  PhynnInitSpec init;
  long          param_offset;
  long          fan_in, fan_out;
  /* attributes several ops share */
  PhynnActivation act;        /* ACTIVATION, JET_ACTIVATION, SOFTMAX */
  double        alpha;        /* SCALE factor, leaky slope */
  PhynnJet      jet;          /* JET_INPUT, DENSE, JET_ACTIVATION */
  int           has_jet;
  PhynnLoss     loss;         /* LOSS */
  double        norm;         /* LOSS, MEAN_SQUARE: divisor (<= 0: element count) */
} PhynnNode;

struct _p_PhynnGraph {
  MPI_Comm   comm;
  PhynnNode *nodes;
  int        nnodes, cap;
  int        setup;
  double    *theta, *dtheta;
  long       nparams;         /* doubles in theta */
  /* Pool of gradient buffers: a node's gradient lives from its first consumer's backward to its
   * own, so a few buffers serve a deep network (the memory of a PINN step stays near the values). */
  double   **pool;
  long      *pool_cap;
  int        npool, pool_size;
  /* What the training-time ops (dropout, batch norm) read (src/graph_mode.c): the mode, the
   * optimiser step, the seed of random ops and the global ids of this rank's samples. */
  PetscBool  training;        /* PETSC_TRUE (the default) or evaluation */
  long       step;
  uint64_t   seed;
  long      *sample_ids;      /* nsample_ids of them; nsample_ids < 0: not set (the default ids) */
  long       nsample_ids, sample_cap;
  /* The constant cache (PhynnGraphSetConstantCache): in evaluation mode, a node that depends on
   * no input (a DeepONet's trunk on its fixed grid) keeps its value between Forwards until the
   * parameters change. */
  PetscBool  cache_constants;
  /* profiling (PhynnGraphSetProfiling): wall seconds per op type, forward and backward */
  PetscBool  profile;
  double     op_seconds[2][PHYNN_OP_COUNT];
};

/* Appends a node of type op with the given inputs (checked to exist) and returns it with its id;
 * the pointer is valid until the next node is added. */
PetscErrorCode PhynnGraphNewNode(PhynnGraph g, PhynnOpType op, int nin, const int *in, PhynnNode **node, int *id);
/* Ends a builder (kann's kad_finalize_node): runs the op's SHAPE on the new node, so a shape
 * error is raised by the op's own check when the node is built. On an error the node is removed
 * again and the graph is as it was before the builder ran. */
PetscErrorCode PhynnGraphFinishNode(PhynnGraph g, int id);
/* While the graph is being built, a node fed by an input has 0 rows: its batch size is not known
 * until PhynnGraphSetInput. SHAPE rules that compare a row count (or an element count that
 * includes it) skip the comparison for such a node then; the Forward's SHAPE makes it. */
static inline int PhynnBatchUnknown(PhynnGraph g, const PhynnNode *n) { return !g->setup && n->batched; }
/* A node viewed as a matrix (dim[0] rows, product of the other dims columns, row-major): how the
 * row-wise ops (dense, slice, softmax, the jet input) read an N-D batch, so (N, C, H, W) is N rows
 * of C H W values, in the same memory. */
static inline long PhynnShapeCols(const PhynnShape *s)
{
  long c = 1;
  for (int i = 1; i < s->ndim; i++) c *= s->dim[i];
  return c;
}
/* For the SHAPE of ops that take real values only: an error naming the op and the complex input.
 * (Complex values pass through add, sub, scale and mean_square, which work on the doubles, and
 * jet_stack and block, which move them.) */
PetscErrorCode PhynnOpRequireReal(PhynnGraph g, PhynnNode *n);
/* Gives node n `size` zeroed bytes of op-owned context (freed by the graph after DESTROY). */
PetscErrorCode PhynnNodeCtx(PhynnNode *n, size_t size, void **ctx);
/* A consuming op declares a parameter's fan-in and fan-out for the initialisers (Xavier), e.g.
 * dense: W (out, in) has fan_in = in, fan_out = out; a convolution weight (OC, IC, KH, KW)
 * would declare fan_in = IC KH KW, fan_out = OC KH KW. The first declaration wins (a weight
 * shared by two layers keeps its creator's); a node that is not a parameter is left alone.
 * Undeclared parameters take (dim[0], product of the other dims) as (fan_out, fan_in). */
void PhynnNodeDeclareFans(PhynnNode *p, long fan_in, long fan_out);
/* Ensures node->value holds its shape; (re)allocates only when it grows. */
PetscErrorCode PhynnNodeAllocValue(PhynnNode *n);
/* Gives the gradient buffer of input node `in` for writing: *overwrite is 1 the first time in
 * this backward pass (the buffer is uninitialised: write, do not add), 0 afterwards (add). */
PetscErrorCode PhynnNodeGradForWrite(PhynnGraph g, PhynnNode *in, double **grad, int *overwrite);
/* The global sample index of each of the N rows (per jet block) an op sees on this rank, for ops
 * whose randomness must not depend on how the batch is split over ranks (dropout): *ids the list
 * PhynnGraphSetSampleIds gave (its count must be N), or, when none was given, *ids = NULL and row
 * i is sample *first + i, *first being the rows of the lower ranks (MPI_Exscan over the graph's
 * communicator: the contiguous split of PhynnSplitRange). Collective in both cases, so every rank
 * calls it whatever its ids. */
PetscErrorCode PhynnGraphSampleRows(PhynnGraph g, PhynnNode *n, long N, const long **ids, long *first);
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
PetscErrorCode PhynnOpJetStack(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpBlock(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpConv2d(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpConvTranspose2d(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpPool2d(PhynnGraph, PhynnNode *, PhynnAction); /* average and max (the ctx says which) */
PetscErrorCode PhynnOpUpsampleNearest(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpReshape(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSpatialSoftArgmax(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpRigidWarp(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpPolarAngle(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpSpectralConv(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpAppendGrid(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpPadCircular(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpConcat(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpDropout(PhynnGraph, PhynnNode *, PhynnAction);
PetscErrorCode PhynnOpBatchNorm(PhynnGraph, PhynnNode *, PhynnAction);

/* The jet convention of linear ops (docs/jets.md, src/op_jet.c), shared by dense and the
 * convolution and pooling ops to come. A node that carries a jet stacks K = PhynnJetBlocks row
 * blocks of N rows, [value; first-order; second-order]. A linear map L commutes with
 * differentiation, (L a)_d = L a_d and (L a)_de = L a_de, so the op maps all K N rows as ONE batch
 * with the same L; an affine map L a + c adds its constant c to the value block only (the
 * derivative of a constant is 0), so dc sums the upstream gradient over the value block only.
 *   PhynnJetLinearShape   SHAPE's check that `rows` are whole blocks of the node's jet
 *   PhynnJetBiasForward   z[i, c, j] += b[c] for the value block's rows i, channels c, inner j
 *   PhynnJetBiasBackward  db[c] (=|+=) sum over the value block's rows i and inner j of dz[i, c, j]
 * (dense: channels = outputs, inner = 1; a convolution over (N, C, H, W): channels = C, inner = H W).
 * A node without a jet is one block. */
PetscErrorCode PhynnJetLinearShape(PhynnGraph g, const PhynnNode *n, long rows);
/* The number of jet blocks K a node's rows carry, as far as the graph can tell: a node built with
 * a jet (dense, conv, pooling, the jet activation, the jet input, dropout) has its jet's K, a jet
 * stack its number of inputs, and the row-wise layout ops (reshape, upsample_nearest, concat) the
 * K of their (first) input; any other node 1 (plain rows, or rows the graph cannot read, such as
 * an add of two stacks). Concat compares it across its inputs; batch norm refuses K > 1. */
int            PhynnNodeJetBlocks(PhynnGraph g, const PhynnNode *n);
void           PhynnJetBiasForward(const PhynnNode *n, long rows, long channels, long inner, const double *b, double *z);
void           PhynnJetBiasBackward(const PhynnNode *n, long rows, long channels, long inner, const double *dz, int overwrite, double *db);

/* Scalar activation derivatives used by the ops (src/activation.c). */
double PhynnActivationValue(PhynnActivation act, double alpha, double z);
/* s', s'', s''' at z given a = s(z) (tanh and sigmoid use a; the others use z). */
void PhynnActivationDerivatives(PhynnActivation act, double alpha, double z, double a, double *d1, double *d2, double *d3);

#endif
