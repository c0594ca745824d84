/* A trained (or training) network as phynn stores it: architecture, input scaling, names,
 * weights, and the training state that a model file and a checkpoint carry.
 *
 * The architecture is an MLP over named input coordinates with an optional affine scaling of
 * each input to [-1, 1] (x' = 2 (x - lb) / (ub - lb) - 1), named outputs, and for each output the
 * reference variable it is compared with (u <-> h_re). Problems may add named scalar parameters
 * (a trainable g, say) after the network's weights in the same parameter buffer. */
#ifndef PHYNN_MODEL_H
#define PHYNN_MODEL_H

#include "phynn/mlp.h"

#define PHYNN_MODEL_MAX_IO 8
#define PHYNN_MODEL_MAX_TERMS 16
#define PHYNN_MODEL_MAX_EXTRA 8

typedef struct {
  /* architecture */
  char            problem[64];                           /* "fit", "perceptron-iris", "pinn-heat", ... */
  int             nin, nout;
  char            in_names[PHYNN_MODEL_MAX_IO][32];
  char            out_names[PHYNN_MODEL_MAX_IO][32];
  char            out_ref[PHYNN_MODEL_MAX_IO][32];       /* reference variable per output ("" if none) */
  PetscBool       scale_inputs;
  double          in_lb[PHYNN_MODEL_MAX_IO], in_ub[PHYNN_MODEL_MAX_IO];
  int             nsizes;
  long            sizes[PHYNN_MLP_MAX_LAYERS + 1];
  PhynnActivation hidden, output;
  PetscBool       bias;
  int             nextra;                                 /* named scalar parameters after the network */
  char            extra_names[PHYNN_MODEL_MAX_EXTRA][32];
  /* weights: the network's parameters in graph order (W1, b1, W2, b2, ...), then the extras */
  long            nparams;
  double         *theta;
  /* training state */
  uint64_t        seed;
  long            iteration;
  char            optimizer[32];
  long            nopt_state;
  double         *opt_state;
  int             nterms;
  char            term_names[PHYNN_MODEL_MAX_TERMS][32];
  long            nhistory;                               /* rows of history */
  double         *history;                                /* nhistory x (3 + nterms): iteration, elapsed_s, loss, terms */
  char           *options;                                /* the options used, "-name value" per line */
} PhynnModel;

/* Zeroes a model description (no allocation). */
void PhynnModelInit(PhynnModel *m);
/* Frees the arrays a model owns and zeroes it. */
PetscErrorCode PhynnModelReset(PhynnModel *m);
/* Number of network parameters for the architecture (without extras). */
long PhynnModelNetworkParams(const PhynnModel *m);
/* Creates the network's parameters in g (and the extras as (1,1) parameters, after them);
 * call before PhynnGraphSetUp. extra[k] receives the node of extra k (may be NULL). */
PetscErrorCode PhynnModelCreateParams(const PhynnModel *m, PhynnGraph g, PhynnInitSpec weight_init, PhynnMLP *mlp, int *extra);
/* Adds the input layer (scaling + jet) and the network applied to the point set `x` (an input
 * node of nin columns): *out is the (K N, nout) output node. */
PetscErrorCode PhynnModelApply(const PhynnModel *m, PhynnGraph g, const PhynnMLP *mlp, int x, const PhynnJet *jet, int *out);
/* Copies the graph's parameter buffer into m->theta (allocating it) or back. */
PetscErrorCode PhynnModelGetWeights(PhynnModel *m, PhynnGraph g);
PetscErrorCode PhynnModelSetWeights(const PhynnModel *m, PhynnGraph g);
/* Appends "-name value" lines for every option in the PETSc database (for provenance). */
PetscErrorCode PhynnModelCaptureOptions(PhynnModel *m);
/* Evaluates the model at n points (row-major n x nin) with the jet: out is (K n x nout) in block
 * order [value; first...; second...] (allocated; PetscFree). */
PetscErrorCode PhynnModelEvaluate(const PhynnModel *m, long n, const double *x, const PhynnJet *jet, double **out);

#endif
