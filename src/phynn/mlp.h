/* A multilayer perceptron as a reusable subgraph: parameters created once, applied to as many
 * point sets as a problem has (collocation, initial, boundary points), each with its own jet. */
#ifndef PHYNN_MLP_H
#define PHYNN_MLP_H

#include "phynn/graph.h"

#define PHYNN_MLP_MAX_LAYERS 32

typedef struct {
  int             nsizes;                        /* layer widths including input and output */
  long            sizes[PHYNN_MLP_MAX_LAYERS + 1];
  PhynnActivation hidden, output;                /* activations of hidden layers and of the output */
  double          alpha;                         /* leaky ReLU slope */
  PhynnInitSpec   weight_init, bias_init;
  int             W[PHYNN_MLP_MAX_LAYERS], b[PHYNN_MLP_MAX_LAYERS]; /* parameter nodes */
} PhynnMLP;

/* Parses "2,32,32,1"-style sizes already read into `sizes`, validates them (every width >= 1,
 * at least two entries) and creates the parameters W_l (sizes[l+1] x sizes[l]) and b_l. */
PetscErrorCode PhynnMLPCreate(PhynnGraph g, int nsizes, const long *sizes, PhynnActivation hidden, PhynnActivation output, PhynnInitSpec weight_init, PetscBool bias, PhynnMLP *mlp);
/* Applies the network to a node: x holds the (jet-stacked, scaled) inputs from
 * PhynnGraphJetInput; *out receives the (K N, nout) output node. */
PetscErrorCode PhynnMLPApply(PhynnGraph g, const PhynnMLP *mlp, int x, const PhynnJet *jet, int *out);

#endif
