/* A model: an architecture spec (phynn/spec.h) made into an object with a PETSc lifecycle,
 *
 *   PhynnModelCreate(comm, &m);
 *   PhynnModelSetOptionsPrefix(m, "branch_");          (optional)
 *   PhynnModelSetSpec(m, text, origin);                 (or PhynnModelSetFromOptions: -model_spec FILE)
 *   PhynnModelSetUp(m, g, &init);                       parameters created in graph g
 *   PhynnModelApply(m, g, inputs, jet, outputs);        as often as there are point sets
 *   PhynnModelGetWeights(m, g) / PhynnModelSetWeights(m, g)
 *   PhynnModelEvaluate(m, n, in, jet, out);             cached evaluation graph
 *   PhynnModelView(m, store) / PhynnModelLoad(comm, store, &m)   (src/model_file.c)
 *   PhynnModelDestroy(&m);
 *
 * The spec's `input` statements name the model's inputs with their per-sample shape, component
 * names and optional scaling to [-1, 1] (x' = 2 (x - lb) / (ub - lb) - 1, applied with its chain
 * rule in the jet input layer); `output` statements name which block is an output, the names of
 * its components and the reference variable each is compared with; everything else is a block
 * (phynn/block.h). The canonical form (every key, defaults filled in) is what a model file stores
 * and a resume compares.
 *
 *   input  points dims=2 names=x,t lb=-5,0 ub=5,1.5707963267948966
 *   mlp    net(points) sizes=2,100,100,100,100,2 act=tanh out=identity bias=1
 *   output net names=u,v ref=h_re,h_im */
#ifndef PHYNN_MODEL_H
#define PHYNN_MODEL_H

#include "phynn/block.h"
#include "phynn/store.h"

#define PHYNN_MODEL_MAX_VARS 16  /* inputs, and outputs, of one model */
#define PHYNN_MODEL_NAME_MAX 32  /* a component name ("x", "u", "h_re") */

/* A named input or output of the model. */
typedef struct {
  char          name[PHYNN_SPEC_NAME_MAX];
  PhynnVarShape shape;     /* per sample */
  int           ncomp;     /* named components (columns of a point variable); 0 if unnamed */
  char        (*comp)[PHYNN_MODEL_NAME_MAX];
  PetscBool     scaled;    /* inputs: mapped to [-1, 1] over [lb, ub] per component */
  double       *lb, *ub;
  char        (*ref)[PHYNN_MODEL_NAME_MAX]; /* outputs: the reference variable of each component ("" none) */
  int           block;     /* outputs: the block it is the value of */
} PhynnModelVar;

typedef struct _p_PhynnModel *PhynnModel;

PetscErrorCode PhynnModelCreate(MPI_Comm comm, PhynnModel *m);
PetscErrorCode PhynnModelDestroy(PhynnModel *m);
PetscErrorCode PhynnModelSetOptionsPrefix(PhynnModel m, const char *prefix);
/* The command that made it ("pinn-heat", "fit"): stored in the file, shown in reports. */
PetscErrorCode PhynnModelSetProblem(PhynnModel m, const char *problem);
const char    *PhynnModelGetProblem(PhynnModel m);
/* Parses and checks a spec (origin names it in errors: "-model_spec", "model file m.nc"). */
PetscErrorCode PhynnModelSetSpec(PhynnModel m, const char *text, const char *origin);
/* A spec from a text file (errors name the file and the line). */
PetscErrorCode PhynnModelSetSpecFromFile(PhynnModel m, const char *path);
/* -<prefix>model_spec FILE replaces the spec set so far (the command's default). */
PetscErrorCode PhynnModelSetFromOptions(PhynnModel m);
/* The canonical spec (valid while m lives). */
const char    *PhynnModelGetSpec(PhynnModel m);
/* Named inputs and outputs. */
PetscErrorCode PhynnModelGetInputs(PhynnModel m, int *n, const PhynnModelVar **vars);
PetscErrorCode PhynnModelGetOutputs(PhynnModel m, int *n, const PhynnModelVar **vars);
/* Whether m is an image model: one input with a per-sample shape (C, H, W) (an autoencoder,
 * PCA). phynn eval and phynn validate take their image paths for it. */
PetscBool      PhynnModelTakesImages(PhynnModel m);
/* The one input and the one output of a point model (an error naming `what` otherwise). */
PetscErrorCode PhynnModelGetPointIO(PhynnModel m, const char *what, const PhynnModelVar **in, const PhynnModelVar **out);

/* Creates every block's parameters in g (before PhynnGraphSetUp); weight_init is for the
 * blocks that take the command's initialiser (mlp), NULL: Xavier normal. */
PetscErrorCode PhynnModelSetUp(PhynnModel m, PhynnGraph g, const PhynnInitSpec *weight_init);
/* Forgets graph g (call before destroying a graph the model was set up in while the model lives on). */
PetscErrorCode PhynnModelRelease(PhynnModel m, PhynnGraph g);
/* Applies the model to input nodes of g (one per model input, physical values, rows = samples):
 * out[k] receives output k's node, (K N, width) with the jet's K blocks. The jet (may be NULL)
 * is over the components of the model's single input. */
PetscErrorCode PhynnModelApply(PhynnModel m, PhynnGraph g, const int *in, const PhynnJet *jet, int *out);
/* Applies the one block `name` to nodes of g (one per argument of its statement, as the block
 * expects them: the rows of a jet's K blocks when jet is given), after PhynnModelSetUp on g: for
 * a command that wires blocks its own way (the SINDy autoencoder seeds its encoder with data
 * and its decoder with graph nodes). Inputs are not scaled here. */
PetscErrorCode PhynnModelApplyBlock(PhynnModel m, PhynnGraph g, const char *name, const int *in, const PhynnJet *jet, int *out);
/* The blocks in spec order (their kind, name and per-sample shapes: phynn/block.h), valid while m lives. */
PetscErrorCode PhynnModelGetBlocks(PhynnModel m, int *n, const PhynnBlock **blocks);
/* The node of block `name` (an intermediate value: a latent code, g'(t)) from the last
 * PhynnModelApply on g. */
PetscErrorCode PhynnModelGetBlockNode(PhynnModel m, PhynnGraph g, const char *name, int *node);
/* The parameter node of block-local name `name` ("net.b3", "g") in g, after SetUp. */
PetscErrorCode PhynnModelGetParamNode(PhynnModel m, PhynnGraph g, const char *name, int *node);
/* Weights: the model's copy of theta <-> the graph's buffer. */
PetscErrorCode PhynnModelGetWeights(PhynnModel m, PhynnGraph g);
PetscErrorCode PhynnModelSetWeights(PhynnModel m, PhynnGraph g);
PetscErrorCode PhynnModelGetTheta(PhynnModel m, long *n, const double **theta);
PetscErrorCode PhynnModelSetTheta(PhynnModel m, long n, const double *theta);
/* Number of parameters (doubles) the spec needs. */
PetscErrorCode PhynnModelGetParameterCount(PhynnModel m, long *n);
/* Evaluates at n samples: in[k] is row-major (n x width of input k); out[k] is allocated
 * (PetscFree), (K n x width of output k) in jet block order. The graph is built once per jet
 * layout and kept. */
PetscErrorCode PhynnModelEvaluate(PhynnModel m, long n, const double *const *in, const PhynnJet *jet, double **out);
/* Evaluation on outside data, for a point model (one input of named coordinates, one output):
 * x is (n x ncoord) row-major; *out (PetscFree) is (K n x nout) in jet block order. Chunks of
 * PHYNN_EVAL_CHUNK points bound the graph's memory; the values do not depend on the chunking. */
#define PHYNN_EVAL_CHUNK 8192
#define PHYNN_MODEL_MAX_GRID 8 /* dimensions of a grid */
PetscErrorCode PhynnModelEvaluatePoints(PhynnModel m, long n, const double *x, const PhynnJet *jet, double **out);
/* The same on the tensor grid of coordinate vectors: dimension d is the model input names[d],
 * with len[d] values coord[d]; the points run row-major over the dimensions in this order (the
 * layout of a reference variable u(t, x)). */
PetscErrorCode PhynnModelEvaluateGrid(PhynnModel m, int ndim, const char *const *names, const long *len, const double *const *coord, const PhynnJet *jet, double **out);
/* Whether points (n x ncoord, as for PhynnModelEvaluatePoints) or a grid (as for
 * PhynnModelEvaluateGrid) reach outside the box [lb, ub] the model's inputs were trained on: msg
 * gets one sentence saying how many and what the box is, or "" when all are inside (or the model
 * does not scale its inputs, so records no box). */
PetscErrorCode PhynnModelOutsideDomain(PhynnModel m, long n, const double *x, char *msg, size_t len);
PetscErrorCode PhynnModelGridOutsideDomain(PhynnModel m, int ndim, const char *const *names, const long *len, const double *const *coord, char *msg, size_t mlen);
/* A two-input model (branch sensors, trunk coordinates: a DeepONet's form) on the Cartesian
 * product of ns samples a (ns x width of input 0) and np coordinates b (np x width of input 1):
 * out[k] (allocated) has the ns np rows s np + p, every sample at every coordinate. */
PetscErrorCode PhynnModelEvaluateProduct(PhynnModel m, long ns, const double *a, long np, const double *b, double **out);
/* The evaluation graph and its parameter table (for files): valid while m lives. */
PetscErrorCode PhynnModelGetTableGraph(PhynnModel m, PhynnGraph *g);

/* Files (src/model_file.c): the spec, theta and its slice table, one variable per parameter. */
PetscErrorCode PhynnModelView(PhynnModel m, PhynnStore store);
/* Reads a model from a store: a format-2 file, or through the one shim that knows the first
 * (MLP-only) layout (src/model_v1.c). Errors are one line naming the file. */
PetscErrorCode PhynnModelLoad(MPI_Comm comm, PhynnStore store, PhynnModel *m);

#endif
