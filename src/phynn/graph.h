/* phynn's computation graph: reverse-mode automatic differentiation over operations, with
 * forward-mode jets for exact input derivatives.
 *
 * Build the graph once (nodes are small integers, created in topological order; each builder
 * runs its op's shape rule, so a mismatch is an error when the node is built), PhynnGraphSetUp
 * collates every parameter into ONE contiguous buffer of doubles (and the gradients into
 * another), then per step: PhynnGraphSetInput (points at the caller's rows, no copy),
 * PhynnGraphForward(root), PhynnGraphBackward(root). Each operation keeps its shape rule,
 * forward and backward in one function beside its builder (src/op_*.c;
 * `grep -n "case PHYNN_ACTION_BACKWARD" src/op_*.c` finds every backward pass).
 *
 * Shapes: inputs have an open batch dimension, (N, cols) or N-D such as (N, C, H, W); parameters
 * any fixed shape of up to PHYNN_MAX_DIMS dims, real or complex (interleaved re, im). The
 * row-wise ops (dense, slice, softmax, the jet input) read an N-D node as N rows of C H W values;
 * the elementwise ops and losses take any shape. Complex values pass through add, sub, scale,
 * mean_square, jet_stack and block, and complex parameters are the weights of spectral_conv;
 * every other op refuses them.
 *
 * Jets (docs/jets.md): a jet value stacks K = 1 + nfirst + nsecond row blocks of N rows each,
 * [value; first-order directions; second-order pairs]. The jet input layer seeds the directions
 * with coordinate unit vectors (d/dx_c); PhynnGraphJetStack seeds them with data or graph nodes
 * (a trajectory's x', x''). Dense layers map every block with the same W (one GEMM; the bias only
 * on the value block) and the fused jet activation applies the chain rule to all blocks in one
 * pass, so the derivatives come out exactly, as ordinary graph values whose parameter gradients
 * flow by reverse mode: a PINN residual u_t - k u_xx is trainable. Jet-capable ops: jet_input,
 * jet_stack, dense, conv2d, conv_transpose2d, spectral_conv, avg_pool2d, upsample_nearest, pad_circular, reshape, concat
 * (when every input carries the same K blocks), dropout (given the jet: a sample's blocks share
 * its mask), the (fused) activation, slice and block (max_pool2d and batchnorm refuse jets);
 * elementwise ops after a slice or block act on one derivative block as plain values.
 *
 * Training and evaluation: a graph starts in training mode (PyTorch's default); dropout and
 * batch norm read the mode, see "Training and evaluation" below. */
#ifndef PHYNN_GRAPH_H
#define PHYNN_GRAPH_H

#include "phynn/sys.h"

/* ---- arrays ------------------------------------------------------------------------------- */
#define PHYNN_MAX_DIMS 4
typedef enum { PHYNN_DTYPE_REAL = 0, PHYNN_DTYPE_COMPLEX = 1 } PhynnDType;
typedef struct {
  int        ndim;                /* 2 for (rows, cols); up to 4 for (N, C, H, W) */
  long       dim[PHYNN_MAX_DIMS];
  PhynnDType dtype;               /* complex: two doubles (re, im) per element */
} PhynnShape;

long PhynnShapeElements(const PhynnShape *s); /* product of dims (1 for a scalar) */
long PhynnShapeDoubles(const PhynnShape *s);  /* storage in doubles (x2 for complex) */
PhynnShape PhynnShape2(long rows, long cols);

/* ---- activations -------------------------------------------------------------------------- */
typedef enum {
  PHYNN_ACT_IDENTITY, PHYNN_ACT_SIGMOID, PHYNN_ACT_TANH, PHYNN_ACT_RELU, PHYNN_ACT_LEAKY_RELU,
  PHYNN_ACT_SINE, PHYNN_ACT_SOFTPLUS, PHYNN_ACT_SOFTMAX, PHYNN_ACT_GELU, PHYNN_ACT_COUNT
} PhynnActivation;
extern const char *const PhynnActivationNames[]; /* "identity", "sigmoid", ... , NULL */
/* Parses a name; an unknown one is an error listing the choices (`what` says where it came from). */
PetscErrorCode PhynnActivationFromName(MPI_Comm comm, const char *what, const char *name, PhynnActivation *act);
/* Whether second-order jets can pass through it (ReLU's s'' is 0 a.e., softmax is not elementwise). */
PetscBool PhynnActivationSmooth(PhynnActivation act);

/* ---- jets ----------------------------------------------------------------------------------- */
#define PHYNN_JET_MAX 8
typedef struct {
  int nin;                          /* input coordinates */
  int nfirst;                       /* first-order directions */
  int first[PHYNN_JET_MAX];         /* the input coordinate of each direction */
  int nsecond;                      /* second-order pairs */
  int second[PHYNN_JET_MAX][2];     /* indices into first[] (a <= b) */
} PhynnJet;

/* Number of row blocks: 1 + nfirst + nsecond. */
int PhynnJetBlocks(const PhynnJet *jet);
/* A jet with no derivatives over nin inputs (plain evaluation). */
PhynnJet PhynnJetNone(int nin);
/* Builds a jet from derivative names over the input names, e.g. names {"x","t"} and request
 * "t,xx" -> first {x, t} (x is added because xx needs it), second {(x,x)}. blocks[i] receives the
 * row block of request i. An unknown coordinate is an error naming it and the inputs. */
PetscErrorCode PhynnJetFromNames(MPI_Comm comm, int nin, const char (*in_names)[32], const char *request, PhynnJet *jet, int *nrequest, int *blocks, char (*request_names)[32]);
/* Checks a jet built by hand: at most PHYNN_JET_MAX directions and pairs, pairs (a <= b) naming
 * directions, directions naming one of the nin coordinates (when nin > 0). The builders that take
 * a jet call it. */
PetscErrorCode PhynnJetCheck(MPI_Comm comm, const PhynnJet *jet);
/* A jet seeded by data (PhynnGraphJetStack) rather than by coordinate unit vectors: nfirst
 * directions (direction d is block 1 + d) and nsecond pairs of them (pair p is block
 * 1 + nfirst + p), with nin = 0 (no coordinates). Along a curve x(t), seeded [x; x'; x''], the jet
 * PhynnJetSeeded(comm, 1, 1, {{0, 0}}) carries f, df/dt = J x', d2f/dt2 = J x'' + H[x', x']. */
PetscErrorCode PhynnJetSeeded(MPI_Comm comm, int nfirst, int nsecond, const int (*pairs)[2], PhynnJet *jet);
/* Row block of d/dx_c (first order) or d2/dx_c dx_e (second); -1 if the jet does not carry it. */
int PhynnJetBlockFirst(const PhynnJet *jet, int coord);
int PhynnJetBlockSecond(const PhynnJet *jet, int coord_a, int coord_b);

/* ---- initialisers --------------------------------------------------------------------------- */
typedef enum {
  PHYNN_INIT_ZEROS, PHYNN_INIT_NORMAL, PHYNN_INIT_UNIFORM, PHYNN_INIT_XAVIER_NORMAL,
  PHYNN_INIT_XAVIER_UNIFORM, PHYNN_INIT_CONSTANT, PHYNN_INIT_GRID, PHYNN_INIT_COUNT
} PhynnInit;
/* PHYNN_INIT_GRID is not a weight initialiser (so not in PhynnInitNames, which the -init options
 * list): element i of n holds a + (b - a) i / (n - 1), the coordinates of a grid for a frozen
 * parameter (a DeepONet's trunk points). */
extern const char *const PhynnInitNames[];
typedef struct {
  PhynnInit kind;
  double    a, b; /* normal: mean a, stddev b; uniform: [a, b); constant: a; xavier: gain a (1 if 0); grid: a to b */
} PhynnInitSpec;
/* The spec of an -init choice (a name of PhynnInitNames): normal N(0, 0.1^2), uniform [-0.1, 0.1),
 * constant 0.1, Xavier with gain 1, zeros. A {kind, 0, 0} spec would give all-zero weights for
 * normal, uniform and constant (standard deviation 0, the empty interval, the constant 0). */
PhynnInitSpec PhynnInitFromChoice(PhynnInit kind);

/* ---- losses ------------------------------------------------------------------------------- */
typedef enum { PHYNN_LOSS_MSE, PHYNN_LOSS_MAE, PHYNN_LOSS_BCE, PHYNN_LOSS_CCE, PHYNN_LOSS_COUNT } PhynnLoss;
extern const char *const PhynnLossNames[];

/* ---- the graph ----------------------------------------------------------------------------- */
typedef struct _p_PhynnGraph *PhynnGraph;

/* Node names ("u.W1", "pde") hold at most PHYNN_NAME_MAX - 1 characters; a longer one is an error. */
#define PHYNN_NAME_MAX 64

PetscErrorCode PhynnGraphCreate(MPI_Comm comm, PhynnGraph *g);
PetscErrorCode PhynnGraphDestroy(PhynnGraph *g);

/* Leaves. An input's batch dimension dims[0] stays open (dims[0] is ignored) until
 * PhynnGraphSetInput gives the rows; the others are fixed, e.g. (N, C, H, W) frames. A parameter
 * has any fixed shape of 1 to PHYNN_MAX_DIMS dims, real or complex (two doubles, re and im, per
 * element in theta). PhynnGraphInput/PhynnGraphParam are the 2-D cases (N, cols), (rows, cols). */
PetscErrorCode PhynnGraphInputND(PhynnGraph g, const char *name, int ndim, const long *dims, int *node);
PetscErrorCode PhynnGraphParamND(PhynnGraph g, const char *name, int ndim, const long *dims, PhynnDType dtype, PhynnInitSpec init, int *node);
PetscErrorCode PhynnGraphInput(PhynnGraph g, const char *name, long cols, int *node);
PetscErrorCode PhynnGraphParam(PhynnGraph g, const char *name, long rows, long cols, PhynnInitSpec init, int *node);
/* The network's input layer: x' = (x - shift) * scale per coordinate (shift/scale may be NULL:
 * 0 and 1), stacked into jet blocks whose derivative rows are the constants e_c * scale[c]
 * (the chain rule through the scaling; forgetting it silently breaks every residual). */
PetscErrorCode PhynnGraphJetInput(PhynnGraph g, int x, const PhynnJet *jet, const double *shift, const double *scale, int *node);

/* Layers and elementwise operations. `jet` may be NULL (plain rows); with a jet, x holds its
 * K = PhynnJetBlocks(jet) row blocks. */
PetscErrorCode PhynnGraphDense(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int *node);
/* z = x W + b with W (in, out): the transposed dense layer (tied weights; PCA's decoder). In both
 * forms an N-D W is read as a matrix of dim[0] rows and the product of the other dims columns, so
 * W may be (K, C, H, W) images; b has one value per output. */
PetscErrorCode PhynnGraphDenseTransposed(PhynnGraph g, int x, int W, int b, const PhynnJet *jet, int *node);
PetscErrorCode PhynnGraphActivation(PhynnGraph g, int x, PhynnActivation act, double alpha, const PhynnJet *jet, int *node);
/* Column `col` of row block `block` out of `nblocks`: an (N, 1) node (u_t, u_xx, ...). */
PetscErrorCode PhynnGraphSlice(PhynnGraph g, int x, int nblocks, int block, long col, int *node);
/* The whole row block `block` out of `nblocks`: an (N, ...) node of x's columns (z, z' or z''). */
PetscErrorCode PhynnGraphBlock(PhynnGraph g, int x, int nblocks, int block, int *node);
/* Stacks K nodes of one shape (N, ...) into the jet layout (K N, ...) [value; first-order...;
 * second-order...], seeding a jet with data or with graph nodes (which receive their block of
 * the gradient): e.g. frames x, x', x'' with the jet PhynnJetSeeded(comm, 1, 1, {{0, 0}}). */
PetscErrorCode PhynnGraphJetStack(PhynnGraph g, int K, const int *nodes, int *node);
/* Images (N, C, H, W) (src/op_conv.c, src/op_pool.c, docs/conv.md). conv2d: W (OC, IC, KH, KW),
 * b (1, OC) or -1, stride (sh, sw), zero padding (ph, pw); output (N, OC, OH, OW) with
 * OH = (H + 2 ph - KH) / sh + 1. conv_transpose2d (conv2d's backward-data as a forward pass):
 * W (IC, OC, KH, KW) as PyTorch's ConvTranspose2d, OH = (H - 1) sh - 2 ph + KH. Both carry jets
 * (K blocks of N images through the same W, the bias on the value block). Pooling: window
 * (kh, kw), stride, padding at most half the window; average pooling divides by kh kw (padding
 * counts as zeros) and carries jets; max pooling sends the gradient to the first maximum of each
 * window (padding never wins) and refuses jets. For 1-D signals use H = 1. */
PetscErrorCode PhynnGraphConv2d(PhynnGraph g, int x, int W, int b, long stride_h, long stride_w, long pad_h, long pad_w, const PhynnJet *jet, int *node);
PetscErrorCode PhynnGraphConvTranspose2d(PhynnGraph g, int x, int W, int b, long stride_h, long stride_w, long pad_h, long pad_w, const PhynnJet *jet, int *node);
PetscErrorCode PhynnGraphAvgPool2d(PhynnGraph g, int x, long kh, long kw, long stride_h, long stride_w, long pad_h, long pad_w, const PhynnJet *jet, int *node);
PetscErrorCode PhynnGraphMaxPool2d(PhynnGraph g, int x, long kh, long kw, long stride_h, long stride_w, long pad_h, long pad_w, const PhynnJet *jet, int *node);
/* Layout (src/op_resize.c): nearest-neighbour upsampling (N, C, H, W) -> (N, C, fh H, fw W), and
 * reshape of each row to dims[1..ndim-1] (dims[0], the batch, is ignored; the values per row must
 * agree), e.g. a dense output (N, C H W) back to images. Dense reads images as rows already, so a
 * flatten before it is not needed. Both are linear row by row: a jet passes through. */
PetscErrorCode PhynnGraphUpsampleNearest(PhynnGraph g, int x, long fh, long fw, int *node);
PetscErrorCode PhynnGraphReshape(PhynnGraph g, int x, int ndim, const long *dims, int *node);
/* Spatial (src/op_spatial.c). spatial_softargmax: images (N, C, H, W) -> (N, 2C), each channel's
 * expected (x, y) position in [-1, 1]^2 under the softmax of its pixels (linear: under the
 * weights x / sum x, the intensity centroid). rigid_warp: a template
 * parameter T (C, factor H, factor W) rotated by pose[:, 0] (and shifted by pose[:, 1:3] when
 * pose is (N, 3)) about the pivot pivot0 + pivot (2 values each; pivot0 NULL means 0, pivot -1 no shift; units
 * of min(W, aspect H)/2 pixel widths from the centre, y up; aspect = pixel height / width), sampled
 * bilinearly on an H x W grid: (N, C, H, W). polar_angle: positions (N, 2C) (u, v) -> (N, C), the
 * angle atan2(X - cx, -(Y - cy)) of (X, Y) = (scale[0] u, scale[1] v) about pivot (cx, cy),
 * from straight down, in (-pi, pi]. None carries jets. */
PetscErrorCode PhynnGraphSpatialSoftArgmax(PhynnGraph g, int x, PetscBool linear, int *node);
PetscErrorCode PhynnGraphRigidWarp(PhynnGraph g, int T, int pose, int pivot, const double *pivot0, double aspect, long H, long W, long factor, int *node);
PetscErrorCode PhynnGraphPolarAngle(PhynnGraph g, int y, const double *scale, const double *pivot, int *node);
/* Concatenation along dimension 1 (src/op_concat.c), for U-Net skip connections: n >= 2 nodes
 * (N, C_k, ...) with the same N and trailing dims -> (N, C_0 + ... + C_{n-1}, ...), images
 * (N, C, H, W) along C, rows (N, F) along F; backward hands every input its slice. Row by row a
 * copy, so a jet passes through when all inputs carry the same layout (K row blocks of N); inputs
 * with different K (PhynnNodeJetBlocks: a jetted conv against plain rows) are refused. */
PetscErrorCode PhynnGraphConcat(PhynnGraph g, int n, const int *nodes, int *node);
/* The Fourier layer's spectral convolution (src/op_spectral.c, docs/operators.md): x (N, IC, H, W)
 * -> (N, OC, H, W), y = s c2r(R . s r2c(x)) with s = 1/sqrt(H W), keeping the bins kw < KW along W
 * and, for H > 1, the rows kh < KH and kh >= H - KH (pass KH = 0 for 1-D signals, H = 1). R is a
 * complex parameter (rows kept (1 or 2 KH), KW, IC, OC). Linear without bias: carries jets. */
PetscErrorCode PhynnGraphSpectralConv(PhynnGraph g, int x, int R, long kh, long kw, const PhynnJet *jet, int *node);
/* The grid's coordinates as extra channels (src/op_grid.c): (N, C, H, W) -> (N, C + 1, H, W) with
 * x_j = x0 + dx j (H = 1), or (N, C + 2, H, W) with x_j and y_i = y0 + dy i; refuses jets. */
PetscErrorCode PhynnGraphAppendGrid(PhynnGraph g, int x, double x0, double dx, double y0, double dy, int *node);
/* Periodic padding (src/op_pad.c): (N, C, H, W) -> (N, C, H + 2 ph, W + 2 pw), wrapping around;
 * a convolution after it (padding 0) sees a periodic domain. Row-wise linear: carries jets. */
PetscErrorCode PhynnGraphPadCircular(PhynnGraph g, int x, long ph, long pw, int *node);
/* Inverted dropout (src/op_dropout.c), 0 <= p < 1: in training mode each element is kept with
 * probability 1 - p and scaled by 1 / (1 - p); in evaluation mode (and for p = 0) the identity.
 * The mask is a counter-based hash of (graph seed, step, global sample id, element), so it is
 * reproducible and the same for a batch split over any number of ranks (see "Training and
 * evaluation"). With a jet (x holds its K blocks) every block of a sample gets the sample's mask,
 * so the derivatives are dropped with the value; jet may be NULL. */
PetscErrorCode PhynnGraphDropout(PhynnGraph g, int x, double p, const PhynnJet *jet, int *node);
/* Batch normalisation per channel (src/op_batchnorm.c): x (N, C, H, W) over N, H, W, or (N, F)
 * per feature over N; y = gamma (x - mean) / sqrt(var + eps) + beta. gamma and beta are C-element
 * parameters or -1 (1 and 0). running_mean and running_var are C-element parameters that the
 * builder makes frozen (PhynnGraphSetTrainable; their initialisers become 0 and 1): they live in
 * theta, so they are saved with the model, and no optimiser changes them. In training mode the
 * statistics are the biased mean and variance of the GLOBAL batch, every row of every rank of the
 * graph's communicator (MPI_Allreduce in the forward, and of sum dy, sum dy xhat in the backward),
 * so a batch split over any number of ranks gives the same result up to rounding; the forward
 * then moves the running statistics, r <- (1 - momentum) r + momentum batch (the unbiased
 * variance; PyTorch's momentum is 0.1, eps 1e-5). Training needs at least 2 values per channel.
 * In evaluation mode it uses the running statistics (no communication). Refuses jets: batch
 * statistics of a jet's K N rows would mix its derivative blocks. In training mode Forward and
 * Backward are collective over the graph's communicator: every rank runs them, and every rank
 * should hold at least one row (an op that skips its backward for 0 rows would leave this rank
 * out of the backward's reduction). */
PetscErrorCode PhynnGraphBatchNorm2d(PhynnGraph g, int x, int gamma, int beta, int running_mean, int running_var, double eps, double momentum, int *node);
PetscErrorCode PhynnGraphAdd(PhynnGraph g, int a, int b, int *node);
PetscErrorCode PhynnGraphSub(PhynnGraph g, int a, int b, int *node);
PetscErrorCode PhynnGraphMul(PhynnGraph g, int a, int b, int *node); /* a (1,1) operand broadcasts */
PetscErrorCode PhynnGraphScale(PhynnGraph g, int a, double alpha, int *node);
PetscErrorCode PhynnGraphSin(PhynnGraph g, int a, int *node);
PetscErrorCode PhynnGraphCos(PhynnGraph g, int a, int *node);
PetscErrorCode PhynnGraphSquare(PhynnGraph g, int a, int *node);
PetscErrorCode PhynnGraphSqrt(PhynnGraph g, int a, int *node); /* of positive values */
/* The mean of a node's elements on this rank: a (1,1) node (broadcasts in add/sub/mul). */
PetscErrorCode PhynnGraphMean(PhynnGraph g, int a, int *node);

/* Losses: scalars sum(...)/norm, norm = the element count of pred unless set with
 * PhynnGraphSetLossNorm (the trainer sets the GLOBAL count over all ranks). target may be an
 * input node; PhynnGraphMeanSquare is sum(r^2)/norm for a residual r (sum |r|^2 for a complex
 * one). BCE/CCE take probabilities (clamped to [1e-12, 1 - 1e-12] inside the logarithms).
 * PhynnGraphWeightedSum takes any number of scalar terms (weights NULL: all 1). */
PetscErrorCode PhynnGraphLoss(PhynnGraph g, PhynnLoss loss, int pred, int target, int *node);
PetscErrorCode PhynnGraphMeanSquare(PhynnGraph g, int r, int *node);
PetscErrorCode PhynnGraphWeightedSum(PhynnGraph g, int n, const int *terms, const double *weights, int *node);

PetscErrorCode PhynnGraphSetName(PhynnGraph g, int node, const char *name);
/* The shape of a node (dim[0] is 0 while the batch of an input is open). */
PetscErrorCode PhynnGraphNodeShape(PhynnGraph g, int node, PhynnShape *shape);
/* Parameters are trainable unless frozen here (before PhynnGraphSetUp): a frozen parameter keeps
 * its slice of theta and is saved with the model, but its gradient is exactly 0 after every
 * Backward, so SGD, momentum, Adam and L-BFGS leave it bitwise unchanged. Batch norm's running
 * statistics are frozen this way (its forward updates them); a pretrained layer can be held. */
PetscErrorCode PhynnGraphSetTrainable(PhynnGraph g, int param, PetscBool trainable);
/* Replaces the initialiser a parameter was created with (before PhynnGraphSetUp), e.g. zeros for
 * the last layer of a residual block, which then starts as the identity. */
PetscErrorCode PhynnGraphSetParamInit(PhynnGraph g, int param, PhynnInitSpec init);
PetscBool      PhynnGraphGetTrainable(PhynnGraph g, int param); /* PETSC_FALSE for non-parameters */

/* ---- training and evaluation -------------------------------------------------------------------
 * Ops that behave differently in training (dropout, batch norm) read the graph's mode; the others
 * ignore it. A graph starts in training mode; evaluation code (predictions, exported models)
 * calls PhynnGraphSetTraining(g, PETSC_FALSE).
 *
 * Dropout's mask is a pure function of (seed, step, global sample id, element index), never of the
 * rank or of a row's position, so training is reproducible and independent of the rank count:
 *   PhynnGraphSetRandomSeed  the seed of the graph's random ops (default 0)
 *   PhynnGraphSetStep        the optimiser step (default 0): a new mask each step; the trainer
 *                            sets its iteration before every evaluation, so L-BFGS's line search
 *                            sees one mask per step (one objective)
 *   PhynnGraphSetSampleIds   the global index of each of this rank's batch rows, in row order
 *                            (count = the rows per jet block of each dropout's input; copied).
 *                            The trainer's minibatches set them (the shuffled indices). Without
 *                            ids (or after count -1) row i of rank r is sample (rows on ranks
 *                            below r) + i: the global index when the batch is split into
 *                            contiguous pieces in rank order, as PhynnSplitRange does.
 * Batch norm's running statistics are written by its training forward into theta; code that
 * keeps its own copy of theta (an optimiser's iterate) loads it with PhynnGraphLoadParameters,
 * which leaves the frozen parameters, the graph's own, alone. */
PetscErrorCode PhynnGraphSetTraining(PhynnGraph g, PetscBool training);
PetscBool      PhynnGraphGetTraining(PhynnGraph g);
PetscErrorCode PhynnGraphSetStep(PhynnGraph g, long step);
PetscErrorCode PhynnGraphSetRandomSeed(PhynnGraph g, uint64_t seed);
PetscErrorCode PhynnGraphSetSampleIds(PhynnGraph g, long count, const long *global_ids);
/* The constant cache, for evaluation graphs that are run many times with the same weights (a
 * model's predictions): with it on and the graph in evaluation mode, a Forward skips every node
 * that depends on no input (only on parameters and constants: a DeepONet's trunk on its fixed
 * grid, a grid channel) when it has computed it since the parameters last changed, so one new
 * sample costs only the data-dependent part. The cache is dropped by PhynnGraphLoadParameters,
 * by PhynnGraphParameters when it hands out theta for writing (callers write through that
 * pointer before their next Forward), by PhynnGraphSetTraining, and by
 * PhynnGraphInvalidateCache. Off by default: training changes the weights every step. */
PetscErrorCode PhynnGraphSetConstantCache(PhynnGraph g, PetscBool on);
void           PhynnGraphInvalidateCache(PhynnGraph g);

/* Allocates the contiguous parameter and gradient buffers (parameters point into slices, in
 * creation order, a complex element taking two doubles) and lets every op size its own state for
 * the shapes known so far. A second call does nothing. */
PetscErrorCode PhynnGraphSetUp(PhynnGraph g);
/* The buffers: theta (n doubles) and grad (n doubles). Writing theta changes the model; asking
 * for theta drops the constant cache, so write through the pointer before the next Forward. */
PetscErrorCode PhynnGraphParameters(PhynnGraph g, double **theta, double **grad, long *n);
/* Copies theta (n doubles, the layout of the graph's buffer) into the graph's parameters, except
 * the frozen ones, which keep the graph's values (batch norm's running statistics, updated by the
 * forward). For callers that hold their own iterate (the trainer). */
PetscErrorCode PhynnGraphLoadParameters(PhynnGraph g, const double *theta);
/* Offset and size, in doubles, of one parameter node's slice in theta. */
PetscErrorCode PhynnGraphParamSlice(PhynnGraph g, int node, long *offset, long *size);
/* The parameter table, in creation order (= layout order in theta): the one source of every
 * parameter's name, offset and shape; model files and checkpoints are written from it. */
typedef struct {
  const char *name;    /* the node's name ("u.W1", "g"); valid while the graph lives */
  int         node;
  long        offset;  /* in doubles, into theta (-1 before PhynnGraphSetUp) */
  long        ndoubles;/* storage in doubles (a complex element takes two) */
  PhynnShape  shape;
  PetscBool   trainable; /* PETSC_FALSE: frozen (PhynnGraphSetTrainable), e.g. batch norm's running statistics */
} PhynnParamInfo;
int            PhynnGraphParamCount(PhynnGraph g);
PetscErrorCode PhynnGraphParamInfo(PhynnGraph g, int k, PhynnParamInfo *info);
/* Draws every parameter from its initialiser with Philox (seed, PHYNN_STREAM_INIT + k, i), one
 * draw per double (a complex element's re and im are independent draws). Xavier uses the fans the
 * consuming op declares (dense: W (out, in) has fan_in = in, fan_out = out), else (fan_out,
 * fan_in) = (dim[0], product of the other dims). */
PetscErrorCode PhynnGraphInitParameters(PhynnGraph g, uint64_t seed);

PetscErrorCode PhynnGraphSetInput(PhynnGraph g, int node, long rows, const double *data);
PetscErrorCode PhynnGraphSetLossNorm(PhynnGraph g, int node, double norm);
/* Computes every node `root` depends on. */
PetscErrorCode PhynnGraphForward(PhynnGraph g, int root);
/* Gradient of the scalar `root` with respect to every parameter, into the gradient buffer
 * (overwritten). Requires a Forward(root) first. */
PetscErrorCode PhynnGraphBackward(PhynnGraph g, int root);
PetscErrorCode PhynnGraphValue(PhynnGraph g, int node, const double **value, PhynnShape *shape);
double PhynnGraphScalar(PhynnGraph g, int node);
int PhynnGraphNodeCount(PhynnGraph g);
/* Per-operation timing: when on, Forward/Backward add the wall seconds of each op type. */
PetscErrorCode PhynnGraphSetProfiling(PhynnGraph g, PetscBool on);
/* Number of op types, the name of type k, and its accumulated forward/backward seconds. */
int         PhynnGraphOpTypeCount(void);
const char *PhynnGraphOpTypeName(int k);
/* The op type of a node (an index for PhynnGraphOpTypeName), -1 if the node does not exist. */
int         PhynnGraphNodeOpType(PhynnGraph g, int node);
PetscErrorCode PhynnGraphGetOpSeconds(PhynnGraph g, int k, double *forward, double *backward);
/* Bytes held by node values, gradients and scratch (for benchmarks). */
size_t PhynnGraphMemoryBytes(PhynnGraph g);

#endif
