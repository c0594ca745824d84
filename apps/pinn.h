/* Physics-informed networks: a problem is its options, its point sets and its residuals,
 * written once (apps/problem_*.c); the runner (apps/pinn.c) does everything else: the model,
 * the data-parallel trainer, point sampling split across ranks, checkpoints, the model file.
 *
 * Points are drawn by index from the counter-based generator (seed, stream of the set and of the
 * resampling round, global index), so point i is the same whichever rank holds it: runs on 1, 2
 * or 3 ranks train on the same points and differ only by summation order. */
#ifndef PHYNN_APPS_PINN_H
#define PHYNN_APPS_PINN_H

#include "commands.h"
#include "phynn/trainer.h"

#define PHYNN_PINN_MAX_SETS 8

typedef enum { PHYNN_SAMPLER_UNIFORM, PHYNN_SAMPLER_LHS } PhynnSampler;

typedef struct {
  char   name[32];
  long   nglobal;     /* points over all ranks */
  long   start, count;/* this rank's share */
  int    dim;         /* coordinates per point (the model's inputs) */
  int    naux;        /* values per point that the problem supplies (targets), 0 if none */
  double *x;          /* count x dim */
  double *aux;        /* count x naux */
  int    node, aux_node; /* graph inputs */
  PetscBool resample; /* redrawn every -resample_every iterations (collocation sets) */
} PhynnPointSet;

typedef struct PhynnPinn PhynnPinn;

typedef struct {
  const char *name;    /* "pinn-heat" (the command is "train <name>") */
  const char *equation;
  /* Allocates the problem's context (p->ctx), declares and reads its options into it, and sets the model's defaults
   * (names, domain, references, layer sizes, trainer schedule). COLLECT-safe. */
  PetscErrorCode (*options)(PhynnPinn *p);
  /* Adds point sets (PhynnPinnAddSet), residuals and loss terms (PhynnPinnAddTerm). */
  PetscErrorCode (*build)(PhynnPinn *p);
  /* Fills set->x (and set->aux) for this rank's global indices; `round` counts resamplings. */
  PetscErrorCode (*fill)(PhynnPinn *p, PhynnPointSet *set, long round);
} PhynnPinnProblem;

#define PHYNN_PINN_MAX_IO 8 /* coordinates, and output fields, of one problem */

/* What a problem says about its network's inputs and outputs (its options() fills it); the
 * runner writes the model spec from it:
 *   input points dims=nin names=... lb=... ub=...; mlp net(points) ...; output net names=... ref=... */
typedef struct {
  int    nin, nout;
  char   in_names[PHYNN_PINN_MAX_IO][32];
  char   out_names[PHYNN_PINN_MAX_IO][32];
  char   out_ref[PHYNN_PINN_MAX_IO][32];
  double in_lb[PHYNN_PINN_MAX_IO], in_ub[PHYNN_PINN_MAX_IO];
} PhynnPinnIO;

struct PhynnPinn {
  MPI_Comm                comm;
  const PhynnPinnProblem *problem;
  PhynnPinnIO             io;
  PhynnModel              model;
  PhynnGraph              g;
  PhynnTrainer            trainer;
  uint64_t                seed;
  PhynnSampler            sampler;
  long                    resample_every, round;
  PhynnPointSet           sets[PHYNN_PINN_MAX_SETS];
  int                     nsets;
  /* The problem's own state, a struct each problem_*.c defines (like PETSc's AppCtx): its
   * options() allocates it (PetscNew) and hangs it here; the runner frees it with PetscFree,
   * after ctx_destroy(ctx) if the problem set one (for memory the struct itself points to). */
  void                   *ctx;
  PetscErrorCode        (*ctx_destroy)(void *ctx);
  /* defaults the problem sets in options() */
  char                    default_layers[128];
  PhynnActivation         default_activation;
  long                    default_adam_it, default_lbfgs_it;
  double                  default_lr;
};

/* Adds a point set of `nglobal` points with `naux` supplied values each; *set receives it. */
PetscErrorCode PhynnPinnAddSet(PhynnPinn *p, const char *name, long nglobal, int naux, PetscBool resample, PhynnPointSet **set);
/* The network applied to a set with the derivatives `derivs` ("t,xx"; "" for values only):
 * *out is the jet output node and *jet its layout. */
PetscErrorCode PhynnPinnApply(PhynnPinn *p, PhynnPointSet *set, const char *derivs, PhynnJet *jet, int *out);
/* Output `name` ("u") or its derivative ("u_t", "v_xx") at the set's points: an (N, 1) node. */
PetscErrorCode PhynnPinnField(PhynnPinn *p, const PhynnJet *jet, int out, const char *name, int *node);
/* A supplied value column of a set (targets): an (N, 1) node. */
PetscErrorCode PhynnPinnAux(PhynnPinn *p, PhynnPointSet *set, int column, int *node);
/* Adds sum(r^2)/count over the set as the named loss term with a weight. */
PetscErrorCode PhynnPinnAddTerm(PhynnPinn *p, const char *name, PhynnPointSet *set, int residual, double weight);
/* Coordinates of point i of this rank in a box [lb, ub] drawn by the sampler (uniform or Latin
 * hypercube over the set's GLOBAL points); coordinates with lb == ub are fixed. */
PetscErrorCode PhynnPinnSampleBox(PhynnPinn *p, PhynnPointSet *set, long round, const double *lb, const double *ub);

/* A space-time problem on [xmin, xmax] x [0, tf]: inputs (x, t) scaled to [-1, 1], outputs
 * named `outs` ("u" or "u,v") compared with the reference variables `refs` ("u" or
 * "h_re,h_im"); checks the domain in READ mode. */
PetscErrorCode PhynnPinnSpaceTime(PhynnPinn *p, double xmin, double xmax, double tf, const char *outs, const char *refs);
/* Fills the left or right set of a periodic boundary pair: the same times on both ends
 * (drawn for the left set), x = xmin on the left and xmax on the right. */
PetscErrorCode PhynnPinnFillPeriodicPair(PhynnPinn *p, PhynnPointSet *set, long round, double xmin, double xmax, double tf);

/* Runs `phynn train <problem>`. */
PetscErrorCode PhynnPinnRun(const PhynnPinnProblem *problem, MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args);

/* The NLS residuals f_u, f_v from the fields u, v and their derivatives (apps/problem_nls.c). */
PetscErrorCode PhynnNlsResidual(PhynnGraph g, int u, int v, int ut, int vt, int uxx, int vxx, int *fu, int *fv);

extern const PhynnPinnProblem PhynnProblemHeat, PhynnProblemPendulum, PhynnProblemNls;

#endif
