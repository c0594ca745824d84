/* Data-parallel training over MPI.
 *
 * Every rank holds the whole model and its share of the points. The caller builds the graph
 * (inputs, network, one loss node per named term) and gives the trainer the terms; the trainer
 * owns the rest:
 *   - each term's divisor is the GLOBAL element count (one allreduce at set-up), so a term is the
 *     global sum over all ranks' points divided by the global count, not a mean of means;
 *   - per evaluation ONE MPI_Allreduce (sum) over the contiguous buffer [gradient | terms | loss],
 *     so every rank sees bitwise the same loss and gradient, and the optimisers (L-BFGS included)
 *     take identical steps on every rank;
 *   - a schedule of phases (PhynnTrainerAddPhase): each an optimiser of its own run for a number
 *     of iterations on its own weighted sum of the terms (weight 0: the term is left out, as
 *     SINDy's refinement drops its L1 term); iteration i belongs to the first phase whose
 *     cumulative end lies beyond it, which is how a checkpoint knows whose optimiser state it
 *     holds. Without added phases, -optimizer (default adam) for -max_it iterations, then
 *     L-BFGS for -lbfgs_it more (the Adam-then-L-BFGS schedule of PINN practice), bitwise as
 *     before phases existed;
 *   - after every step, on every rank, an optional hook on the optimiser's own iterate (it may
 *     change theta and reset the optimiser's state), and optional 0/1 gradient masks applied
 *     after the allreduce (sequential thresholding);
 *   - minibatches over a global dataset (PhynnTrainerSetMinibatch): the batch of each step is a
 *     pure function of (seed, epoch, position) over GLOBAL sample indices, each rank takes its
 *     contiguous share, and batch terms divide by the global batch count, so a step is the same
 *     sum on any number of ranks (and after a resume);
 *   - training-time ops (phynn/graph.h, "Training and evaluation"): before every evaluation the
 *     graph's step is set to the iteration (one dropout mask per step, the same in an L-BFGS line
 *     search) and, with minibatches, its sample ids to the batch's global indices; the graph's
 *     frozen parameters (batch norm's running statistics, moved by its forward) are left to the
 *     graph when the iterate is loaded (PhynnGraphLoadParameters), so they reach checkpoints and
 *     the model file;
 *   - every option under an optional prefix (PhynnTrainerSetOptionsPrefix, the PETSc way), so two
 *     trainers (or sub-networks) in one command keep their options apart;
 *   - progress on rank 0 every -progress_s seconds (iteration, each term, s/it, time left), a CSV
 *     log (-loss_log FILE.csv: iteration, elapsed_s, loss, one column per term) every -log_every
 *     iterations, and the same rows kept as the loss history for the model file;
 *   - a NaN or Inf loss stops the run with a clear error (the last checkpoint stays as it was);
 *   - checkpoints (-checkpoint FILE -checkpoint_every N): the model file with the optimiser
 *     state, written atomically by rank 0; -resume FILE continues from one, bitwise as if never
 *     interrupted (same options and rank count);
 *   - SIGTERM (what Slurm sends at the time limit) sets a flag that travels in the next
 *     allreduce, so every rank stops at the same iteration, a checkpoint is written, and Train
 *     returns normally (PhynnTrainerStoppedBySignal tells).
 *
 * Lifecycle: Create, AddTerm/AddBatchTerm..., (SetOptionsPrefix, AddPhase..., SetMinibatch),
 * SetFromOptions, SetUp, InitParameters (or set weights), (SetGradientMask, SetPostStep), Train,
 * (read results), Destroy. */
#ifndef PHYNN_TRAINER_H
#define PHYNN_TRAINER_H

#include "phynn/graph.h"
#include "phynn/modelfile.h"
#include "phynn/optim.h"

#define PHYNN_TRAINER_MAX_TERMS 32 /* named loss terms of one trainer */

typedef struct _p_PhynnTrainer *PhynnTrainer;

/* Called before every evaluation of the objective with the optimiser's iteration count, to set
 * this rank's inputs (minibatch selection, resampling of collocation points). */
typedef PetscErrorCode (*PhynnTrainerPrepareFn)(void *ctx, long iteration);
/* Called every iteration after the step (for checkpoints, custom logging); may stop the run. */
typedef PetscErrorCode (*PhynnTrainerMonitorFn)(void *ctx, long iteration, double loss, PetscBool *stop);

/* Called after every optimiser step, on every rank, with the number of steps done (1 after the
 * first) and the optimiser's own iterate theta (n doubles), which it may change: the next step
 * starts from the changed values (L-BFGS notices and re-evaluates). Every rank must make the same
 * change. For sequential thresholding: zero small coefficients, set a gradient mask, reset the
 * optimiser. */
typedef PetscErrorCode (*PhynnTrainerPostStepFn)(void *ctx, long iteration, double *theta, long n);

/* Sets this rank's inputs for `count` samples given by their GLOBAL indices (into the dataset
 * of PhynnTrainerSetMinibatch), in order; count may be 0 (a rank with no share of a small batch).
 * The indices are valid only during the call. */
typedef PetscErrorCode (*PhynnTrainerBatchFn)(void *ctx, long count, const long *indices);

PetscErrorCode PhynnTrainerCreate(MPI_Comm comm, PhynnGraph g, PhynnTrainer *t);
/* A named loss term: `node` is a loss node of g; `local_count` the elements this rank puts in
 * it (rows x columns); the divisor becomes the sum over ranks. */
PetscErrorCode PhynnTrainerAddTerm(PhynnTrainer t, const char *name, int node, double weight, long local_count);
/* A named loss term over the minibatch: `node` a loss node fed by the batch function's inputs,
 * `per_sample` the elements each sample puts in it (its outputs); it divides by the GLOBAL batch
 * count x per_sample of every step. Needs PhynnTrainerSetMinibatch before SetUp. */
PetscErrorCode PhynnTrainerAddBatchTerm(PhynnTrainer t, const char *name, int node, double weight, long per_sample);
/* Minibatches over a global dataset of `nsamples` samples, `batch` per step (1 .. nsamples). Step
 * k (the trainer's iteration, over all phases) is position p = k mod steps of epoch e = k div
 * steps, steps = ceil(nsamples / batch): epoch e visits the samples in a Fisher-Yates order drawn
 * from Philox (seed, PHYNN_STREAM_SHUFFLE, e nsamples + i), batch p is positions [p batch,
 * (p + 1) batch) of it, and the last batch of an epoch holds the nsamples - (steps - 1) batch
 * left over (nothing is dropped). Each rank gets its PhynnSplitRange share of the batch through
 * fn(ctx, count, indices) before the step's evaluations. So the batches, and the loss of every
 * step, are the same on any number of ranks and after a resume. batch = nsamples is the full
 * batch in index order (fn is called once). L-BFGS phases see the batch change every step:
 * give them the full batch. */
PetscErrorCode PhynnTrainerSetMinibatch(PhynnTrainer t, long nsamples, long batch, uint64_t seed, PhynnTrainerBatchFn fn, void *ctx);
/* The dataset size, batch size and steps per epoch (0 without minibatches). */
PetscErrorCode PhynnTrainerGetMinibatch(PhynnTrainer t, long *nsamples, long *batch, long *steps_per_epoch);
/* Reads every option of the trainer under a prefix, the PETSc way (PetscObjectSetOptionsPrefix):
 * with "pre_", -pre_max_it, -pre_lbfgs_it, -pre_loss_log, -pre_quiet, -pre_checkpoint, ..., the
 * optimiser's -pre_optimizer, -pre_lr, -pre_adam_beta1, ..., and an added phase's -pre_<name>_lr.
 * Letters, digits and '_', no leading hyphen; NULL or "" (the default) for the bare names. Set it
 * before SetFromOptions. -help lists the prefixed names and the unused-option check knows them. */
PetscErrorCode PhynnTrainerSetOptionsPrefix(PhynnTrainer t, const char *prefix);
PetscErrorCode PhynnTrainerGetOptionsPrefix(PhynnTrainer t, const char **prefix);
/* Options (all optional): the optimiser's (-optimizer, -lr, -adam_*, -lr_schedule, -lbfgs_*),
 * -max_it, -lbfgs_it, -loss_log (not -log: PETSc's own -log writes an event log), -log_every,
 * -progress_s, -quiet. Defaults for -optimizer/-max_it/-lr can be set first with
 * PhynnTrainerSetDefaults. */
PetscErrorCode PhynnTrainerSetDefaults(PhynnTrainer t, PhynnOptimType optimizer, long max_it, double lr, long lbfgs_it);
PetscErrorCode PhynnTrainerSetFromOptions(PhynnTrainer t);
/* A phase of the schedule, run after the phases added before it: `iterations` steps of an
 * optimiser of `type` on the weighted sum of the terms with `weights` (one per term, in AddTerm
 * order; nweights 0 and weights NULL: the terms' own weights). A weight of 0 makes the term
 * inactive in the phase: it is neither evaluated nor differentiated (its log column reads 0).
 * Each phase starts a fresh optimiser on the iterate the previous one left. Its options are read
 * under the prefix "<name>_" (after the trainer's prefix): -<name>_optimizer, -<name>_lr, any
 * other optimiser option, and -<name>_it for the iteration count. Add terms first, phases before
 * SetFromOptions. Without added phases, -optimizer/-max_it/-lbfgs_it give the legacy two phases
 * (named after the first optimiser, and "lbfgs"), exactly as before phases existed. */
PetscErrorCode PhynnTrainerAddPhase(PhynnTrainer t, const char *name, PhynnOptimType type, long iterations, int nweights, const double *weights);
PetscErrorCode PhynnTrainerSetPrepare(PhynnTrainer t, PhynnTrainerPrepareFn fn, void *ctx);
PetscErrorCode PhynnTrainerSetMonitor(PhynnTrainer t, PhynnTrainerMonitorFn fn, void *ctx);
PetscErrorCode PhynnTrainerSetPostStep(PhynnTrainer t, PhynnTrainerPostStepFn fn, void *ctx);
/* After SetUp: forgets the current phase's optimiser state (Adam moments to zero, L-BFGS pairs
 * cleared; PhynnOptimizerReset), e.g. from the post-step hook after theta was changed. */
PetscErrorCode PhynnTrainerResetOptimizer(PhynnTrainer t);
/* After SetUp: gradient entries [offset, offset + n) are multiplied by mask[i] (0: frozen, 1:
 * trained) after the allreduce, before the optimiser sees them; mask NULL unmasks them. Any
 * number of slices (PhynnGraphParamSlice gives a parameter's offset); a later call overrides.
 * Under Adam a coordinate masked from the start never moves; one masked mid-run keeps moving on
 * its moments until PhynnTrainerResetOptimizer. The mask is not part of a checkpoint: restore it
 * after a resume (e.g. from the zeros in theta). */
PetscErrorCode PhynnTrainerSetGradientMask(PhynnTrainer t, long offset, long n, const double *mask);
/* The model description checkpoints are written from (architecture, names; the trainer fills
 * in weights, state and history). Needed for -checkpoint and -resume. */
PetscErrorCode PhynnTrainerSetModel(PhynnTrainer t, PhynnModel m);
/* For monitors, during PhynnTrainerTrain: the training seconds so far, on the same clock as
 * the history and GetResult (monitor time excluded, earlier sessions of a resumed run included),
 * and the iteration this session started from (0, or the resumed checkpoint's). */
double PhynnTrainerElapsed(PhynnTrainer t);
long   PhynnTrainerFirstIteration(PhynnTrainer t);
/* Whether the run stopped because of SIGTERM/SIGINT (after writing the checkpoint). */
PetscBool PhynnTrainerStoppedBySignal(PhynnTrainer t);
/* Creates the total-loss node, sets up the graph (parameter buffer) and the optimisers. */
PetscErrorCode PhynnTrainerSetUp(PhynnTrainer t);
PetscErrorCode PhynnTrainerGetGraph(PhynnTrainer t, PhynnGraph *g);
/* Draws the initial weights from the seed (the same on every rank). */
PetscErrorCode PhynnTrainerInitParameters(PhynnTrainer t, uint64_t seed);
/* Runs the schedule. */
PetscErrorCode PhynnTrainerTrain(PhynnTrainer t);
/* The global loss and terms at the current weights (collective). terms may be NULL. */
PetscErrorCode PhynnTrainerEvaluate(PhynnTrainer t, double *loss, double *terms);
/* The loss and terms over the whole dataset of PhynnTrainerSetMinibatch at the current weights
 * (collective): chunks of `batch` samples in index order through the batch function, the batch
 * terms divided by the dataset's count; terms may be NULL. The next training step sets its batch
 * again. */
PetscErrorCode PhynnTrainerEvaluateDataset(PhynnTrainer t, double *loss, double *terms);
/* The schedule after options: iterations of the first optimiser and of L-BFGS (with added
 * phases: of the first phase, and of all the others together). */
PetscErrorCode PhynnTrainerGetSchedule(PhynnTrainer t, long *max_it, long *lbfgs_it);
/* After SetUp: the phase iteration `iteration` belongs to (the first whose cumulative end lies
 * beyond it; the last one past the end), its name and its optimiser's type. Any output may be NULL. */
PetscErrorCode PhynnTrainerGetPhase(PhynnTrainer t, long iteration, int *phase, const char **name, PhynnOptimType *type);
/* Results: iterations done, the last loss, training wall seconds (the monitor's time excluded;
 * a resumed run adds the time recorded in its checkpoint's history, so the total covers every
 * session). */
PetscErrorCode PhynnTrainerGetResult(PhynnTrainer t, long *iterations, double *loss, double *seconds);
/* Copies the weights into m, and iteration, optimiser name and state, term names, loss history
 * and the options into rec (the training record written beside the model). */
PetscErrorCode PhynnTrainerStoreInModel(PhynnTrainer t, PhynnModel m, PhynnRecord *rec);
PetscErrorCode PhynnTrainerDestroy(PhynnTrainer *t);

#endif
