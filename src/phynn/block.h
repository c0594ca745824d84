/* Blocks: the kinds of statement a model spec can hold besides `input` and `output` (mlp, param,
 * pendulum, conv, convt, fourier, deeponet, sindy, ...), registered by name the way PETSc registers TS
 * types (TSRegister). A new model kind is one new file: its PhynnBlockType and one line in
 * PhynnBlockRegisterAll (src/block.c).
 *
 * A block reads its keys from its spec statement (parse), prints its canonical form (print:
 * every key, defaults included, so a resume compares like with like), says the per-sample shape
 * of its output from those of its arguments (shape), creates its parameters in a graph (create,
 * named "<block>.<local>" unless the block is a single parameter), and applies itself to nodes of
 * that graph (apply). Parameters are created in spec order, so the layout of theta and the
 * initialisers' random streams are fixed by the spec. */
#ifndef PHYNN_BLOCK_H
#define PHYNN_BLOCK_H

#include "phynn/graph.h"
#include "phynn/sindy.h"
#include "phynn/spec.h"

#define PHYNN_VAR_MAX_DIMS 3 /* per-sample dimensions of a model variable: (C, H, W) */

/* The shape of one sample of a variable: a point of 2 coordinates is {1, {2}}; an image {3, {1, 64, 64}}. */
typedef struct {
  int  ndim;
  long dim[PHYNN_VAR_MAX_DIMS];
} PhynnVarShape;
long PhynnVarShapeSize(const PhynnVarShape *s);

typedef struct _p_PhynnBlock *PhynnBlock;

typedef struct {
  const char *kind;
  const char *keys;       /* the keys it reads, for error messages: "sizes, act, out, bias" */
  int         min_args, max_args;
  PetscBool   raw_inputs; /* reads the physical values of model inputs, not their scaled jet stack */
  PetscErrorCode (*parse)(PhynnBlock b, PhynnSpecStatement *st);
  PetscErrorCode (*print)(PhynnBlock b, PhynnText *out);
  PetscErrorCode (*shape)(PhynnBlock b, const PhynnVarShape *in, PhynnVarShape *out); /* in: one per argument */
  /* Creates the parameters in g; *state receives what apply needs (node ids), freed by free_state. */
  PetscErrorCode (*create)(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *weight_init, void **state);
  PetscErrorCode (*apply)(PhynnBlock b, void *state, PhynnGraph g, const int *in, const PhynnJet *jet, int *out);
  PetscErrorCode (*free_state)(void **state);
  PetscErrorCode (*destroy)(PhynnBlock b); /* frees b->data */
} PhynnBlockType;

struct _p_PhynnBlock {
  const PhynnBlockType *type;
  char                  name[PHYNN_SPEC_NAME_MAX];
  int                   nargs;
  char                  args[PHYNN_SPEC_MAX_ARGS][PHYNN_SPEC_NAME_MAX];
  PhynnVarShape         in_shape[PHYNN_SPEC_MAX_ARGS], out_shape;
  void                 *data; /* the kind's parsed keys */
};

/* The usual destroy and free_state of a block whose data and state are one PetscMalloc each. */
PetscErrorCode PhynnBlockFreeData(PhynnBlock b);
PetscErrorCode PhynnBlockFreeState(void **state);
/* create and free_state of a block without parameters (pool, reshape, softargmax). */
PetscErrorCode PhynnBlockCreateNothing(PhynnBlock b, PhynnGraph g, const PhynnInitSpec *init, void **state);
PetscErrorCode PhynnBlockFreeNothing(void **state);

/* Image blocks: argument `arg` (node `node`) as (N, C, H, W) images, reshaped from rows when a
 * dense block made it (an error unless its per-sample shape is C, H, W). */
PetscErrorCode PhynnBlockImages(PhynnBlock b, PhynnGraph g, int arg, int node, int *images);
/* The one-line error of a layer whose sizes do not fit its input ("kernel 5 with stride 2"). */
PetscErrorCode PhynnBlockImageShapeError(PhynnBlock b, const char *what);

PetscErrorCode PhynnBlockRegister(const PhynnBlockType *type);
/* Registers the built-in kinds once (idempotent). */
PetscErrorCode PhynnBlockRegisterAll(void);
/* The registered kind `kind`, or NULL. */
const PhynnBlockType *PhynnBlockFind(const char *kind);
/* "mlp, param, pendulum" for messages. */
void PhynnBlockKinds(char *list, size_t len);

extern const PhynnBlockType PhynnBlockMLP, PhynnBlockParam, PhynnBlockPendulum;
extern const PhynnBlockType PhynnBlockConv, PhynnBlockConvT, PhynnBlockPool, PhynnBlockUpsample, PhynnBlockReshape, PhynnBlockSoftArgmax, PhynnBlockWarp, PhynnBlockPolar;
extern const PhynnBlockType PhynnBlockBatchNorm, PhynnBlockDropout, PhynnBlockConcat;
extern const PhynnBlockType PhynnBlockPCA, PhynnBlockPCADecode; /* src/blocks/block_pca.c */
extern const PhynnBlockType PhynnBlockSindy;                    /* src/blocks/block_sindy.c */
extern const PhynnBlockType PhynnBlockFourier, PhynnBlockDeepONet, PhynnBlockAffine, PhynnBlockGrid; /* neural operators: src/blocks/block_fourier.c, block_deeponet.c, block_affine.c, block_grid.c */
/* The library of a sindy block (after the model's spec is set: its latent size is known). */
PetscErrorCode PhynnBlockSindyGetLibrary(PhynnBlock b, const PhynnSindyLibrary **lib);

#endif
