/* Data-parallel training: the objective with its single allreduce, the schedule of phases,
 * progress lines, the CSV log and the loss history. See phynn/trainer.h. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include "phynn/modelfile.h"
#include "phynn/options.h"
#include "phynn/random.h"
#include "phynn/trainer.h"

/* Set by SIGTERM/SIGINT; read into the next allreduce so all ranks stop together. */
static volatile sig_atomic_t phynn_stop_signal = 0;
static void OnStopSignal(int sig) { phynn_stop_signal = sig; }

#define MAX_TERMS PHYNN_TRAINER_MAX_TERMS
#define MAX_PHASES 16

/* One phase of the schedule: an optimiser of its own, run for a number of iterations on a
 * weighted sum of the terms. Phases hand over the iterate (theta), nothing else: each optimiser
 * starts fresh, because moments or curvature pairs gathered on another objective (other
 * weights) would be wrong for this one. */
typedef struct {
  char           name[32];
  PhynnOptimType type;        /* the default of the phase's -optimizer option */
  int            forced_type; /* >= 0: the type set after reading the options (legacy phases) */
  long           iterations;
  double         lr;          /* default learning rate; <= 0: the trainer's (SetDefaults, -lr) */
  PetscBool      own_prefix;  /* options under <trainer prefix><name>_ (added phases) */
  PetscBool      all_terms;   /* legacy: the root sums every term, as the one root always did */
  PetscBool      term_weights;/* added without weights: the terms' own weights */
  double         weights[MAX_TERMS];
  int            root;        /* weighted sum of the phase's active terms (set up by SetUp) */
} Phase;

struct _p_PhynnTrainer {
  MPI_Comm       comm;
  PhynnGraph     g;
  int            nterms;
  char           term_names[MAX_TERMS][32];
  int            term_nodes[MAX_TERMS];
  double         term_weights[MAX_TERMS];
  long           term_local[MAX_TERMS];
  long           term_per_sample[MAX_TERMS]; /* > 0: a term over the minibatch (its elements per sample) */
  int            root;
  /* settings */
  PhynnOptimType first_type;
  double         lr;
  long           max_it, lbfgs_it, log_every;
  double         progress_s;
  PetscBool      quiet;
  char           prefix[64]; /* options prefix of every option the trainer reads ("" by default) */
  char           log_path[PETSC_MAX_PATH_LEN];
  char           checkpoint_path[PETSC_MAX_PATH_LEN], resume_path[PETSC_MAX_PATH_LEN];
  long           checkpoint_every;
  uint64_t       seed;        /* of the initial weights, for the record */
  PhynnModel     model;       /* checkpoints are written from it (PhynnTrainerSetModel) */
  /* The checkpoint taken at the last -checkpoint_every iteration, waiting for its loss to come out
   * finite before it is written (TakeCheckpoint, WritePendingCheckpoint). */
  PetscBool      ck_pending;
  double        *ck_theta;
  PhynnRecord    ck_rec;
  long           ck_written;  /* iteration of the checkpoint on disk from this session (-1: none) */
  /* state */
  int            stop_requested; /* agreed by all ranks through the allreduce */
  PetscBool      stopped_by_signal;
  /* The schedule: phases run in order; iteration i belongs to the first phase whose cumulative
   * end lies beyond i (PhaseOf). Without PhynnTrainerAddPhase, SetUp builds the legacy two:
   * -optimizer for -max_it, then L-BFGS for -lbfgs_it (if > 0). */
  int            nphases;
  PetscBool      phases_added;
  Phase          phases[MAX_PHASES];
  PhynnOptimizer *opt;        /* one per phase, created by SetUp */
  int            phase;       /* the phase whose optimiser steps now (Train) or next */
  PetscBool      active[MAX_TERMS]; /* terms in the current phase's root (the others report 0) */
  long           nparams;
  double        *theta;       /* the optimiser's iterate (the graph's buffer receives copies) */
  double        *send, *recv; /* [gradient | terms | loss] for the one allreduce */
  double         last_terms[MAX_TERMS], last_loss;
  long           iteration;   /* iterations done over all phases */
  long           eval_iteration;
  double         t_start, seconds;
  double         seconds_before;  /* training time recorded in a resumed checkpoint's history */
  double         monitor_seconds; /* time spent in the monitor this session, not training time */
  long           it_start;       /* iteration this session started from (0, or the resumed one) */
  FILE          *log;
  long           nhistory, history_cap;
  double        *history;     /* rows of 3 + nterms */
  PhynnTrainerPrepareFn prepare;
  void                 *prepare_ctx;
  PhynnTrainerMonitorFn monitor;
  void                 *monitor_ctx;
  PhynnTrainerPostStepFn poststep;
  void                  *poststep_ctx;
  double               *mask; /* gradient mask (nparams entries, 0 or 1); NULL: none */
  /* Minibatches over a global dataset of mb_S samples (PhynnTrainerSetMinibatch). */
  long                  mb_S, mb_B, mb_steps; /* samples, batch size, steps per epoch */
  uint64_t              mb_seed;
  PhynnTrainerBatchFn   mb_fn;
  void                 *mb_ctx;
  long                 *mb_perm;  /* the order of epoch mb_epoch (B = S: index order, for good) */
  long                  mb_epoch; /* -1: none drawn yet */
  long                  mb_step;  /* the step whose batch the inputs hold (-1: none) */
  PetscBool             mb_hold;  /* EvaluateDataset sets the inputs itself */
};

PetscErrorCode PhynnTrainerCreate(MPI_Comm comm, PhynnGraph g, PhynnTrainer *t)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(t));
  (*t)->comm       = comm;
  (*t)->g          = g;
  (*t)->root       = -1;
  (*t)->first_type = PHYNN_OPTIM_ADAM;
  (*t)->lr         = 1e-3;
  (*t)->max_it     = 1000;
  (*t)->log_every  = 10;
  (*t)->progress_s = 2.0;
  PetscFunctionReturn(0);
}

/* A name that can be an options prefix and a progress label: letters, digits and '_'. */
static PetscBool NameIsPlain(const char *s)
{
  if (!s || !s[0]) return PETSC_FALSE;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscErrorCode PhynnTrainerAddPhase(PhynnTrainer t, const char *name, PhynnOptimType type, long iterations, int nweights, const double *weights)
{
  Phase *ph;
  int    nactive = 0;
  PetscFunctionBegin;
  PetscCheck(t->root < 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerAddPhase: add phases before PhynnTrainerSetUp");
  PetscCheck(t->nphases < MAX_PHASES, t->comm, PETSC_ERR_ARG_OUTOFRANGE, "PhynnTrainerAddPhase: at most %d phases", MAX_PHASES);
  PetscCheck(NameIsPlain(name) && strlen(name) < 32, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: phase name '%s' must be 1 to 31 letters, digits or '_' (it prefixes the phase's options)", name ? name : "(null)");
  for (int k = 0; k < t->nphases; k++) PetscCheck(strcmp(t->phases[k].name, name), t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: there is already a phase '%s'; give each phase its own name", name);
  PetscCheck(type >= PHYNN_OPTIM_GD && type <= PHYNN_OPTIM_LBFGS, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: unknown optimiser type %d; use a PHYNN_OPTIM_* value", (int)type);
  PetscCheck(iterations >= 0, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: phase '%s' has %ld iterations; give 0 or more", name, iterations);
  PetscCheck(nweights == 0 || nweights == t->nterms, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: phase '%s' has %d weights for %d terms; add the terms first and give one weight per term (or none for the terms' own)", name,
             nweights, t->nterms);
  PetscCheck(nweights == 0 || weights, t->comm, PETSC_ERR_ARG_NULL, "PhynnTrainerAddPhase: %d weights but the array is NULL", nweights);
  for (int k = 0; k < nweights; k++) {
    PetscCheck(isfinite(weights[k]) && weights[k] >= 0, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: phase '%s', term '%s': weight %g must be finite and >= 0 (0 leaves the term out)", name, t->term_names[k], weights[k]);
    nactive += weights[k] != 0;
  }
  PetscCheck(nweights == 0 || nactive > 0, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddPhase: phase '%s' gives every term weight 0; at least one term must be active", name);
  ph = &t->phases[t->nphases++];
  PetscCall(PetscMemzero(ph, sizeof(*ph)));
  PetscCall(PetscStrncpy(ph->name, name, sizeof(ph->name)));
  ph->type         = type;
  ph->forced_type  = -1;
  ph->iterations   = iterations;
  ph->lr           = 0;
  ph->own_prefix   = PETSC_TRUE;
  ph->term_weights = nweights == 0;
  for (int k = 0; k < nweights; k++) ph->weights[k] = weights[k];
  t->phases_added = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetOptionsPrefix(PhynnTrainer t, const char *prefix)
{
  PetscFunctionBegin;
  PetscCheck(t->root < 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerSetOptionsPrefix: set the prefix before PhynnTrainerSetUp (and before SetFromOptions)");
  if (!prefix || !prefix[0]) {
    t->prefix[0] = '\0';
    PetscFunctionReturn(0);
  }
  /* As PetscObjectSetOptionsPrefix: no leading hyphen (the prefix goes between '-' and the name). */
  PetscCheck(prefix[0] != '-', t->comm, PHYNN_ERR_INPUT, "PhynnTrainerSetOptionsPrefix: prefix '%s' begins with a hyphen; give it without one ('%s')", prefix, prefix + 1);
  PetscCheck(NameIsPlain(prefix) && strlen(prefix) < sizeof(t->prefix), t->comm, PHYNN_ERR_INPUT, "PhynnTrainerSetOptionsPrefix: prefix '%s' must be letters, digits or '_', at most %zu characters", prefix, sizeof(t->prefix) - 1);
  PetscCall(PetscStrncpy(t->prefix, prefix, sizeof(t->prefix)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerGetOptionsPrefix(PhynnTrainer t, const char **prefix)
{
  PetscFunctionBegin;
  *prefix = t->prefix;
  PetscFunctionReturn(0);
}

/* The options prefix of phase k's optimiser and iteration count: the trainer's prefix, plus
 * "<name>_" for an added phase (legacy phases read -optimizer, -lr, ... as they always did). */
static PetscErrorCode PhasePrefix(PhynnTrainer t, int k, char *buf, size_t len)
{
  PetscFunctionBegin;
  if (t->phases[k].own_prefix) PetscCall(PetscSNPrintf(buf, len, "%s%s_", t->prefix, t->phases[k].name));
  else PetscCall(PetscSNPrintf(buf, len, "%s", t->prefix));
  PetscFunctionReturn(0);
}

/* The trainer's prefix + name, the option's name without the dash. */
static PetscErrorCode TrainerOptName(PhynnTrainer t, const char *name, char *buf, size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, len, "%s%s", t->prefix, name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerAddBatchTerm(PhynnTrainer t, const char *name, int node, double weight, long per_sample)
{
  PetscFunctionBegin;
  PetscCheck(per_sample >= 1, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerAddBatchTerm: term '%s' has %ld elements per sample; give the values each sample puts in it (>= 1)", name, per_sample);
  PetscCall(PhynnTrainerAddTerm(t, name, node, weight, 0));
  t->term_per_sample[t->nterms - 1] = per_sample;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerAddTerm(PhynnTrainer t, const char *name, int node, double weight, long local_count)
{
  PetscFunctionBegin;
  PetscCheck(t->nterms < MAX_TERMS, t->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d loss terms", MAX_TERMS);
  PetscCheck(t->root < 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "add loss terms before PhynnTrainerSetUp");
  for (int k = 0; k < t->nphases; k++) /* its weights were given for the terms there were */
    PetscCheck(t->phases[k].term_weights, t->comm, PETSC_ERR_ARG_WRONGSTATE, "loss term '%s' added after phase '%s', which gives one weight per term; add every term before the phases", name, t->phases[k].name);
  PetscCall(PetscStrncpy(t->term_names[t->nterms], name, 32));
  t->term_nodes[t->nterms]   = node;
  t->term_weights[t->nterms] = weight;
  t->term_local[t->nterms]   = local_count;
  t->nterms++;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetDefaults(PhynnTrainer t, PhynnOptimType optimizer, long max_it, double lr, long lbfgs_it)
{
  PetscFunctionBegin;
  t->first_type = optimizer;
  t->max_it     = max_it;
  t->lr         = lr;
  t->lbfgs_it   = lbfgs_it;
  PetscFunctionReturn(0);
}

/* Reads an optimiser's options (prefix) into a probe, so that -help lists them and typos are
 * caught before any work; SetUp re-reads them into the optimiser sized for the model. */
static PetscErrorCode ProbeOptimizer(PhynnTrainer t, const char *prefix, PhynnOptimType *type, double *lr)
{
  PhynnOptimizer probe;
  PetscFunctionBegin;
  PetscCall(PhynnOptimizerCreate(t->comm, 1, &probe));
  PetscCall(PhynnOptimizerSetType(probe, *type));
  PetscCall(PhynnOptimizerSetLearningRate(probe, *lr));
  PetscCall(PhynnOptimizerSetFromOptions(probe, prefix));
  PetscCall(PhynnOptimizerGetType(probe, type));
  *lr = PhynnOptimizerCurrentLearningRate(probe);
  PetscCall(PhynnOptimizerDestroy(&probe));
  PetscFunctionReturn(0);
}

/* The loss log was -log until PETSc's own -log (an event log, written at PetscFinalize to
 * FILE.<rank>) turned out to shadow it: every run left FILE.0 next to the CSV. The old name, with
 * any prefix, is an error that names the new one. PETSc's -log is cleared first, so that this
 * failed run does not write the event log either. */
static PetscErrorCode CheckOldLogName(PhynnTrainer t)
{
  char      flag[160];
  PetscBool old;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(flag, sizeof(flag), "-%slog", t->prefix));
  PetscCall(PetscOptionsHasName(NULL, NULL, flag, &old));
  if (!old) PetscFunctionReturn(0);
  if (!t->prefix[0]) PetscCall(PetscOptionsClearValue(NULL, flag));
  SETERRQ(t->comm, PHYNN_ERR_INPUT, "option %s was renamed -%sloss_log (PETSc's own -log writes an event log); use -%sloss_log FILE", flag, t->prefix, t->prefix);
}

PetscErrorCode PhynnTrainerSetFromOptions(PhynnTrainer t)
{
  PetscBool check = PhynnOptionsGetMode() == PHYNN_OPTIONS_READ;
  char      nm[160], help[160], pre[128];

  PetscFunctionBegin;
  if (!t->phases_added) { /* the legacy schedule: -optimizer for -max_it, then -lbfgs_it of L-BFGS */
    PetscCall(ProbeOptimizer(t, t->prefix, &t->first_type, &t->lr));
    PetscCall(TrainerOptName(t, "max_it", nm, sizeof(nm)));
    PetscCall(PhynnOptInt(nm, t->max_it, "iterations of the first optimiser (-optimizer)", &t->max_it, NULL));
    PetscCall(TrainerOptName(t, "lbfgs_it", nm, sizeof(nm)));
    PetscCall(PhynnOptInt(nm, t->lbfgs_it, "L-BFGS iterations after the first optimiser (0: none)", &t->lbfgs_it, NULL));
  } else { /* added phases: each phase's optimiser and iteration count under -<prefix><name>_ */
    for (int k = 0; k < t->nphases; k++) {
      Phase *ph = &t->phases[k];
      double lr = ph->lr > 0 ? ph->lr : t->lr;
      PetscCall(PhasePrefix(t, k, pre, sizeof(pre)));
      PetscCall(ProbeOptimizer(t, pre, &ph->type, &lr));
      ph->lr = lr;
      PetscCall(PetscSNPrintf(nm, sizeof(nm), "%sit", pre));
      PetscCall(PetscSNPrintf(help, sizeof(help), "iterations of phase '%s' (phase %d of %d)", ph->name, k + 1, t->nphases));
      PetscCall(PhynnOptInt(nm, ph->iterations, help, &ph->iterations, NULL));
    }
  }
  PetscCall(TrainerOptName(t, "loss_log", nm, sizeof(nm)));
  PetscCall(PhynnOptString(nm, "", "CSV file with one row per logged iteration (iteration, elapsed_s, loss, each term)", t->log_path, sizeof(t->log_path), NULL));
  PetscCall(TrainerOptName(t, "log_every", nm, sizeof(nm)));
  PetscCall(PhynnOptInt(nm, t->log_every, "log (and keep in the loss history) every N iterations", &t->log_every, NULL));
  PetscCall(TrainerOptName(t, "progress_s", nm, sizeof(nm)));
  PetscCall(PhynnOptReal(nm, t->progress_s, "seconds between progress lines on rank 0", &t->progress_s, NULL));
  PetscCall(TrainerOptName(t, "quiet", nm, sizeof(nm)));
  PetscCall(PhynnOptBool(nm, t->quiet, "no progress lines", &t->quiet, NULL));
  PetscCall(TrainerOptName(t, "checkpoint", nm, sizeof(nm)));
  PetscCall(PhynnOptString(nm, "", "checkpoint file (a model file with the optimiser state), written atomically", t->checkpoint_path, sizeof(t->checkpoint_path), NULL));
  PetscCall(TrainerOptName(t, "checkpoint_every", nm, sizeof(nm)));
  PetscCall(PhynnOptInt(nm, 0, "write the checkpoint every N iterations (0: only at the end and on SIGTERM)", &t->checkpoint_every, NULL));
  PetscCall(TrainerOptName(t, "resume", nm, sizeof(nm)));
  PetscCall(PhynnOptString(nm, "", "continue from this checkpoint (same options and rank count give bitwise the same run)", t->resume_path, sizeof(t->resume_path), NULL));
  if (check) { /* after every read, so that -help lists all of them first */
    const char *p = t->prefix;
    PetscCall(CheckOldLogName(t));
    PetscCheck(t->checkpoint_every >= 0, t->comm, PHYNN_ERR_INPUT, "option -%scheckpoint_every: %ld is negative", p, t->checkpoint_every);
    PetscCheck(t->checkpoint_every == 0 || t->checkpoint_path[0], t->comm, PHYNN_ERR_INPUT, "option -%scheckpoint_every needs -%scheckpoint FILE to write to", p, p);
    if (!t->phases_added) {
      PetscCheck(t->max_it >= 0, t->comm, PHYNN_ERR_INPUT, "option -%smax_it: %ld is negative; give the number of iterations, e.g. -%smax_it 1000", p, t->max_it, p);
      PetscCheck(t->lbfgs_it >= 0, t->comm, PHYNN_ERR_INPUT, "option -%slbfgs_it: %ld is negative; give 0 for no L-BFGS phase", p, t->lbfgs_it);
    }
    for (int k = 0; k < t->nphases && t->phases_added; k++) {
      PetscCall(PhasePrefix(t, k, pre, sizeof(pre)));
      PetscCheck(t->phases[k].iterations >= 0, t->comm, PHYNN_ERR_INPUT, "option -%sit: %ld is negative; give 0 to skip phase '%s'", pre, t->phases[k].iterations, t->phases[k].name);
    }
    PetscCheck(t->log_every >= 1, t->comm, PHYNN_ERR_INPUT, "option -%slog_every: %ld must be >= 1", p, t->log_every);
    PetscCheck(t->progress_s >= 0, t->comm, PHYNN_ERR_INPUT, "option -%sprogress_s: %g must be >= 0", p, t->progress_s);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetPrepare(PhynnTrainer t, PhynnTrainerPrepareFn fn, void *ctx)
{
  t->prepare     = fn;
  t->prepare_ctx = ctx;
  return 0;
}

PetscErrorCode PhynnTrainerSetMonitor(PhynnTrainer t, PhynnTrainerMonitorFn fn, void *ctx)
{
  t->monitor     = fn;
  t->monitor_ctx = ctx;
  return 0;
}

/* Phase k's optimiser: its type and learning rate as defaults, then its options (quietly: the
 * names were listed by SetFromOptions), then the forced type of a legacy phase. For the legacy
 * phases this is exactly the old sequence, so -optimizer/-max_it/-lbfgs_it runs are unchanged. */
PetscErrorCode PhynnTrainerSetPostStep(PhynnTrainer t, PhynnTrainerPostStepFn fn, void *ctx)
{
  PetscFunctionBegin;
  t->poststep     = fn;
  t->poststep_ctx = ctx;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerResetOptimizer(PhynnTrainer t)
{
  PetscFunctionBegin;
  PetscCheck(t->opt, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerResetOptimizer: call PhynnTrainerSetUp first");
  PetscCall(PhynnOptimizerReset(t->opt[t->phase]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetGradientMask(PhynnTrainer t, long offset, long n, const double *mask)
{
  PetscFunctionBegin;
  PetscCheck(t->theta, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerSetGradientMask: call PhynnTrainerSetUp first (the parameter layout is fixed there)");
  PetscCheck(offset >= 0 && n >= 0 && offset + n <= t->nparams, t->comm, PETSC_ERR_ARG_OUTOFRANGE, "PhynnTrainerSetGradientMask: entries [%ld, %ld) lie outside the %ld parameters", offset, offset + n, t->nparams);
  for (long i = 0; mask && i < n; i++)
    PetscCheck(mask[i] == 0 || mask[i] == 1, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerSetGradientMask: entry %ld is %g; a mask holds 0 (frozen) or 1 (trained)", offset + i, mask[i]);
  if (!t->mask) {
    PetscCall(PetscMalloc1(t->nparams, &t->mask));
    for (long i = 0; i < t->nparams; i++) t->mask[i] = 1;
  }
  for (long i = 0; i < n; i++) t->mask[offset + i] = mask ? mask[i] : 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateOptimizer(PhynnTrainer t, int k, PhynnOptimizer *opt)
{
  const Phase *ph = &t->phases[k];
  char         pre[128];
  PetscFunctionBegin;
  PetscCall(PhasePrefix(t, k, pre, sizeof(pre)));
  PetscCall(PhynnOptimizerCreate(t->comm, t->nparams, opt));
  PetscCall(PhynnOptimizerSetType(*opt, ph->type));
  PetscCall(PhynnOptimizerSetLearningRate(*opt, ph->lr > 0 ? ph->lr : t->lr));
  PhynnOptionsSetHelpQuiet(PETSC_TRUE);
  PetscCall(PhynnOptimizerSetFromOptions(*opt, pre));
  PhynnOptionsSetHelpQuiet(PETSC_FALSE);
  if (ph->forced_type >= 0) PetscCall(PhynnOptimizerSetType(*opt, (PhynnOptimType)ph->forced_type));
  PetscCall(PhynnOptimizerSetUp(*opt));
  PetscFunctionReturn(0);
}

/* The schedule of the legacy options: the first optimiser (-optimizer) for -max_it iterations,
 * then L-BFGS for -lbfgs_it if that is > 0. Both sum every term with the terms' weights (one
 * shared root), and both read their optimiser's options without a phase prefix. */
static PetscErrorCode BuildLegacyPhases(PhynnTrainer t)
{
  PetscFunctionBegin;
  t->nphases = 0;
  for (int k = 0; k < 2; k++) {
    Phase *ph = &t->phases[t->nphases];
    if (k == 1 && t->lbfgs_it <= 0) break;
    PetscCall(PetscMemzero(ph, sizeof(*ph)));
    PetscCall(PetscStrncpy(ph->name, k == 0 ? PhynnOptimTypes[t->first_type] : "lbfgs", sizeof(ph->name)));
    ph->type        = t->first_type;
    ph->forced_type = k == 0 ? (int)t->first_type : (int)PHYNN_OPTIM_LBFGS;
    ph->iterations  = k == 0 ? t->max_it : t->lbfgs_it;
    ph->all_terms   = PETSC_TRUE;
    for (int j = 0; j < t->nterms; j++) ph->weights[j] = t->term_weights[j];
    t->nphases++;
  }
  PetscFunctionReturn(0);
}

/* The phase an iteration count belongs to: the first phase whose cumulative end lies beyond it
 * (iterations 0 .. n0-1 are phase 0, n0 .. n0+n1-1 phase 1, ...; an empty phase owns none), and
 * the last phase at or past the end of the schedule. A pure function of the iteration, so a
 * checkpoint's iteration tells Resume whose optimiser state it holds. For the legacy schedule it
 * is the old rule: 0 while the first optimiser runs, 1 after if there is an L-BFGS phase. */
static int PhaseOf(PhynnTrainer t, long iteration)
{
  long end = 0;
  for (int k = 0; k < t->nphases; k++) {
    end += t->phases[k].iterations;
    if (iteration < end) return k;
  }
  return t->nphases > 0 ? t->nphases - 1 : 0;
}

/* Iterations over all phases, and the cumulative end of phase k. */
static long PhaseEnd(PhynnTrainer t, int k)
{
  long end = 0;
  for (int j = 0; j <= k && j < t->nphases; j++) end += t->phases[j].iterations;
  return end;
}

/* Makes phase k the one the objective evaluates: its root and its active terms. */
static void SetPhase(PhynnTrainer t, int k)
{
  const Phase *ph = &t->phases[k];
  t->phase        = k;
  t->root         = ph->root;
  for (int j = 0; j < t->nterms; j++) t->active[j] = ph->all_terms || ph->weights[j] != 0;
}

/* The loss node of every phase: the weighted sum of its active terms, so an inactive term
 * (weight 0) is neither evaluated nor differentiated. Phases with the same terms and weights
 * share one node; the first is named "loss". */
static PetscErrorCode BuildPhaseRoots(PhynnTrainer t)
{
  PetscFunctionBegin;
  for (int k = 0; k < t->nphases; k++) {
    Phase *ph = &t->phases[k];
    int    nodes[MAX_TERMS], n = 0;
    double w[MAX_TERMS];
    if (ph->term_weights)
      for (int j = 0; j < t->nterms; j++) ph->weights[j] = t->term_weights[j];
    ph->root = -1;
    for (int j = 0; j < k && ph->root < 0; j++) {
      const Phase *q = &t->phases[j];
      PetscBool    same = q->all_terms == ph->all_terms;
      for (int i = 0; i < t->nterms && same; i++) same = q->weights[i] == ph->weights[i];
      if (same) ph->root = q->root;
    }
    if (ph->root >= 0) continue;
    for (int j = 0; j < t->nterms; j++)
      if (ph->all_terms || ph->weights[j] != 0) {
        nodes[n] = t->term_nodes[j];
        w[n++]   = ph->weights[j];
      }
    PetscCheck(n > 0, t->comm, PHYNN_ERR_INPUT, "phase '%s' has no term with a non-zero weight; give at least one term a weight > 0", ph->name);
    PetscCall(PhynnGraphWeightedSum(t->g, n, nodes, w, &ph->root));
    if (k == 0) PetscCall(PhynnGraphSetName(t->g, ph->root, "loss"));
    else {
      char name[64];
      PetscCall(PetscSNPrintf(name, sizeof(name), "loss_%s", ph->name));
      PetscCall(PhynnGraphSetName(t->g, ph->root, name));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetUp(PhynnTrainer t)
{
  long global[MAX_TERMS];
  PetscFunctionBegin;
  PetscCheck(t->nterms > 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "the trainer has no loss terms");
  PetscCheck(t->root < 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerSetUp: called twice");
  if (!t->phases_added) PetscCall(BuildLegacyPhases(t));
  PetscCall(BuildPhaseRoots(t));
  PetscCall(PhynnGraphSetUp(t->g));
  /* Each term divides by its global element count: one collective at set-up. */
  PetscCallMPI(MPI_Allreduce(t->term_local, global, t->nterms, MPI_LONG, MPI_SUM, t->comm));
  for (int k = 0; k < t->nterms; k++) {
    if (t->term_per_sample[k] > 0) { /* divided by each step's global batch (PrepareBatch) */
      PetscCheck(t->mb_fn, t->comm, PETSC_ERR_ARG_WRONGSTATE, "loss term '%s' is over the minibatch; call PhynnTrainerSetMinibatch before PhynnTrainerSetUp", t->term_names[k]);
      continue;
    }
    PetscCheck(global[k] > 0, t->comm, PHYNN_ERR_INPUT, "loss term '%s' has no points on any rank; give it at least one point", t->term_names[k]);
    PetscCall(PhynnGraphSetLossNorm(t->g, t->term_nodes[k], (double)global[k]));
  }
  PetscCall(PhynnGraphParameters(t->g, NULL, NULL, &t->nparams));
  PetscCall(PetscMalloc1(t->nparams, &t->theta));
  PetscCall(PetscMalloc1(t->nparams + t->nterms + 2, &t->send));
  PetscCall(PetscMalloc1(t->nparams + t->nterms + 2, &t->recv));
  PetscCall(PetscCalloc1(t->nphases, &t->opt));
  for (int k = 0; k < t->nphases; k++) PetscCall(CreateOptimizer(t, k, &t->opt[k]));
  SetPhase(t, PhaseOf(t, t->iteration));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerGetPhase(PhynnTrainer t, long iteration, int *phase, const char **name, PhynnOptimType *type)
{
  int k;
  PetscFunctionBegin;
  PetscCheck(t->opt, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerGetPhase: call PhynnTrainerSetUp first");
  k = PhaseOf(t, iteration);
  if (phase) *phase = k;
  if (name) *name = t->phases[k].name;
  if (type) PetscCall(PhynnOptimizerGetType(t->opt[k], type));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerGetGraph(PhynnTrainer t, PhynnGraph *g)
{
  *g = t->g;
  return 0;
}

PetscErrorCode PhynnTrainerInitParameters(PhynnTrainer t, uint64_t seed)
{
  PetscFunctionBegin;
  PetscCall(PhynnGraphInitParameters(t->g, seed));
  t->seed = seed;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetMinibatch(PhynnTrainer t, long nsamples, long batch, uint64_t seed, PhynnTrainerBatchFn fn, void *ctx)
{
  PetscFunctionBegin;
  PetscCheck(fn, t->comm, PETSC_ERR_ARG_NULL, "PhynnTrainerSetMinibatch: the batch function is NULL; give one that sets this rank's inputs from the global sample indices");
  PetscCheck(nsamples >= 1, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerSetMinibatch: the dataset has %ld samples; it needs at least one", nsamples);
  PetscCheck(batch >= 1 && batch <= nsamples, t->comm, PHYNN_ERR_INPUT, "PhynnTrainerSetMinibatch: batch size %ld; give 1 to %ld (the samples), %ld for the full batch", batch, nsamples, nsamples);
  PetscCall(PetscFree(t->mb_perm));
  t->mb_S     = nsamples;
  t->mb_B     = batch;
  t->mb_steps = (nsamples + batch - 1) / batch; /* ceil(S / B): every sample once per epoch */
  t->mb_seed  = seed;
  t->mb_fn    = fn;
  t->mb_ctx   = ctx;
  t->mb_epoch = -1;
  t->mb_step  = -1;
  PetscCall(PetscMalloc1(nsamples, &t->mb_perm));
  for (long i = 0; i < nsamples; i++) t->mb_perm[i] = i;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerGetMinibatch(PhynnTrainer t, long *nsamples, long *batch, long *steps_per_epoch)
{
  PetscFunctionBegin;
  if (nsamples) *nsamples = t->mb_S;
  if (batch) *batch = t->mb_B;
  if (steps_per_epoch) *steps_per_epoch = t->mb_steps;
  PetscFunctionReturn(0);
}

/* Sets the batch terms' divisors to `count` samples (their elements per sample each). */
static PetscErrorCode SetBatchNorms(PhynnTrainer t, long count)
{
  PetscFunctionBegin;
  for (int k = 0; k < t->nterms; k++)
    if (t->term_per_sample[k] > 0) PetscCall(PhynnGraphSetLossNorm(t->g, t->term_nodes[k], (double)(count * t->term_per_sample[k])));
  PetscFunctionReturn(0);
}

/* The inputs of step `step` (the trainer's iteration): epoch e = step / steps, position
 * p = step % steps. The epoch's order is a Fisher-Yates shuffle of the global indices 0..S-1
 * driven by Philox (seed, PHYNN_STREAM_SHUFFLE, e S + i) for i = S-1..1 (swap i with
 * floor(u (i + 1))): a pure function of (seed, epoch), identical on every rank and for every rank
 * count, and, with the index e S + i, never a stream another epoch or another use draws from.
 * Batch p is positions [p B, min((p + 1) B, S)) of that order: B samples, the last batch of an
 * epoch the S - (steps - 1) B left over (every sample is used once per epoch; nothing is
 * dropped). Each rank takes its PhynnSplitRange share of the batch (contiguous), and the batch
 * terms divide by the GLOBAL batch count, so a step is the same sum over the same samples on any
 * number of ranks. With B = S the batch is all samples in index order every step (no shuffle:
 * the order of a full batch does not matter, and the inputs are set once). */
static PetscErrorCode PrepareBatch(PhynnTrainer t, long step)
{
  long        epoch = step / t->mb_steps, pos = step % t->mb_steps, first = pos * t->mb_B;
  long        count = PetscMin(t->mb_B, t->mb_S - first), s, c;
  PetscBool   full  = t->mb_B >= t->mb_S;
  PetscFunctionBegin;
  if (full) step = 0; /* the full batch: the same inputs every step */
  if (step == t->mb_step) PetscFunctionReturn(0);
  if (!full && epoch != t->mb_epoch) {
    long *perm = t->mb_perm, S = t->mb_S;
    for (long i = 0; i < S; i++) perm[i] = i;
    for (long i = S - 1; i > 0; i--) {
      long j   = (long)(PhynnUniform(t->mb_seed, PHYNN_STREAM_SHUFFLE, (uint64_t)epoch * (uint64_t)S + (uint64_t)i) * (double)(i + 1));
      long tmp = perm[i];
      perm[i]  = perm[j];
      perm[j]  = tmp;
    }
    t->mb_epoch = epoch;
  }
  PhynnSplitRange(count, PhynnRank(t->comm), PhynnSize(t->comm), &s, &c);
  PetscCall(t->mb_fn(t->mb_ctx, c, t->mb_perm + first + s));
  PetscCall(PhynnGraphSetSampleIds(t->g, c, t->mb_perm + first + s)); /* dropout masks follow the samples */
  PetscCall(SetBatchNorms(t, count));
  t->mb_step = step;
  PetscFunctionReturn(0);
}

/* The objective at theta: local forward/backward, then ONE allreduce of
 * [grad | terms | loss | stop flag]. Each term already divides by its global count, so the sums
 * are the global terms; the stop flag is positive on every rank if any rank got SIGTERM. */
static PetscErrorCode Objective(void *ctx, const double *theta, double *loss, double *grad)
{
  PhynnTrainer t = (PhynnTrainer)ctx;
  double      *gbuf;
  long         n = t->nparams;

  PetscFunctionBegin;
  if (t->mb_fn && !t->mb_hold) PetscCall(PrepareBatch(t, t->eval_iteration));
  if (t->prepare) PetscCall(t->prepare(t->prepare_ctx, t->eval_iteration));
  PetscCall(PhynnGraphParameters(t->g, NULL, &gbuf, NULL));
  /* the frozen parameters (batch norm's running statistics) are the graph's: its forward moves them */
  PetscCall(PhynnGraphLoadParameters(t->g, theta));
  PetscCall(PhynnGraphSetStep(t->g, t->eval_iteration)); /* one dropout mask per step */
  PetscCall(PhynnGraphForward(t->g, t->root));
  PetscCall(PhynnGraphBackward(t->g, t->root));
  PetscCall(PetscArraycpy(t->send, gbuf, n));
  /* an inactive term was not evaluated in this phase: it reports 0 */
  for (int k = 0; k < t->nterms; k++) t->send[n + k] = t->active[k] ? PhynnGraphScalar(t->g, t->term_nodes[k]) : 0.0;
  t->send[n + t->nterms]     = PhynnGraphScalar(t->g, t->root);
  t->send[n + t->nterms + 1] = phynn_stop_signal ? 1.0 : 0.0;
  PetscCallMPI(MPI_Allreduce(t->send, t->recv, (int)(n + t->nterms + 2), MPI_DOUBLE, MPI_SUM, t->comm));
  if (t->recv[n + t->nterms + 1] > 0) t->stop_requested = 1;
  if (grad) {
    PetscCall(PetscArraycpy(grad, t->recv, n));
    /* After the reduction, so the mask acts on the global gradient identically on every rank;
     * a 0/1 mask is exact (x 1 changes nothing, x 0 gives 0). */
    if (t->mask)
      for (long i = 0; i < n; i++) grad[i] *= t->mask[i];
  }
  for (int k = 0; k < t->nterms; k++) t->last_terms[k] = t->recv[n + k];
  t->last_loss = *loss = t->recv[n + t->nterms];
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerEvaluate(PhynnTrainer t, double *loss, double *terms)
{
  double *theta;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(t->g, &theta, NULL, NULL));
  PetscCall(Objective(t, theta, loss, NULL));
  if (terms) PetscCall(PetscArraycpy(terms, t->last_terms, t->nterms));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerEvaluateDataset(PhynnTrainer t, double *loss, double *terms)
{
  double *theta, sum[MAX_TERMS] = {0}, L = 0;
  long   *idx;
  PetscFunctionBegin;
  PetscCheck(t->mb_fn, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerEvaluateDataset: no dataset; call PhynnTrainerSetMinibatch first");
  PetscCheck(t->root >= 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "PhynnTrainerEvaluateDataset: call PhynnTrainerSetUp first");
  PetscCall(PhynnGraphParameters(t->g, &theta, NULL, NULL));
  PetscCall(PetscMalloc1(t->mb_B, &idx));
  /* Chunks of B samples in index order (memory as in training), each rank its share; the batch
   * terms divide by S, so their chunk values add up to the dataset's. The other terms do not
   * depend on the samples: their value is the first chunk's. */
  t->mb_hold = PETSC_TRUE;
  for (long first = 0; first < t->mb_S; first += t->mb_B) {
    long   count = PetscMin(t->mb_B, t->mb_S - first), s, c;
    double l;
    PhynnSplitRange(count, PhynnRank(t->comm), PhynnSize(t->comm), &s, &c);
    for (long r = 0; r < c; r++) idx[r] = first + s + r;
    PetscCall(t->mb_fn(t->mb_ctx, c, idx));
    PetscCall(PhynnGraphSetSampleIds(t->g, c, idx));
    PetscCall(SetBatchNorms(t, t->mb_S));
    PetscCall(Objective(t, theta, &l, NULL));
    for (int k = 0; k < t->nterms; k++) sum[k] = t->term_per_sample[k] > 0 || first == 0 ? sum[k] + t->last_terms[k] : sum[k];
  }
  t->mb_hold = PETSC_FALSE;
  t->mb_step = -1; /* the inputs no longer hold a training batch */
  for (int k = 0; k < t->nterms; k++) {
    t->last_terms[k] = sum[k];
    if (t->active[k]) L += t->phases[t->phase].weights[k] * sum[k];
  }
  t->last_loss = L;
  if (loss) *loss = L;
  if (terms) PetscCall(PetscArraycpy(terms, sum, t->nterms));
  PetscCall(PetscFree(idx));
  PetscFunctionReturn(0);
}

static PetscErrorCode HistoryAppendRow(PhynnTrainer t, const double *src);

static PetscErrorCode HistoryAppend(PhynnTrainer t, long it, double elapsed, double loss)
{
  double row[3 + MAX_TERMS];
  PetscFunctionBegin;
  row[0] = (double)it;
  row[1] = elapsed;
  row[2] = loss;
  for (int k = 0; k < t->nterms; k++) row[3 + k] = t->last_terms[k];
  PetscCall(HistoryAppendRow(t, row));
  PetscFunctionReturn(0);
}

/* Keeps a history row and writes it to the log. */
static PetscErrorCode HistoryAppendRow(PhynnTrainer t, const double *src)
{
  int cols = 3 + t->nterms;
  PetscFunctionBegin;
  if (t->nhistory == t->history_cap) {
    long    cap = t->history_cap ? 2 * t->history_cap : 256;
    double *h;
    PetscCall(PetscMalloc1(cap * cols, &h));
    if (t->nhistory) PetscCall(PetscArraycpy(h, t->history, t->nhistory * cols));
    PetscCall(PetscFree(t->history));
    t->history     = h;
    t->history_cap = cap;
  }
  double *row = t->history + t->nhistory * cols;
  PetscCall(PetscArraycpy(row, src, cols));
  t->nhistory++;
  if (t->log) {
    fprintf(t->log, "%ld,%.6f,%.17g", (long)row[0], row[1], row[2]);
    for (int k = 0; k < t->nterms; k++) fprintf(t->log, ",%.17g", row[3 + k]);
    fputc('\n', t->log);
    /* The log is live (users tail it), so it is written row by row under its own name; a row
     * that does not reach the disk (full disk, quota) must stop the run, not leave a log that
     * silently ends early. */
    errno = 0;
    PetscCheck(fflush(t->log) == 0 && !ferror(t->log), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write the loss log %s: %s; free space or choose another -%sloss_log path", t->log_path,
               errno ? strerror(errno) : "write error", t->prefix);
  }
  PetscFunctionReturn(0);
}

/* elapsed: training seconds of this session; the rate counts only this session's iterations,
 * so a resumed run shows its true speed. */
static PetscErrorCode Progress(PhynnTrainer t, const char *phase, long it, long total, double loss, double elapsed)
{
  char   terms[512] = "";
  long   done = it - t->it_start;
  double per = done > 0 ? elapsed / (double)done : 0, left = per * (double)(total - it);
  PetscFunctionBegin;
  for (int k = 0; k < t->nterms && t->nterms > 1; k++) {
    char one[64];
    PetscCall(PetscSNPrintf(one, sizeof(one), " %s %.3e", t->term_names[k], t->last_terms[k]));
    PetscCall(PetscStrlcat(terms, one, sizeof(terms)));
  }
  PetscCall(PhynnPrintf(t->comm, "%-5s it %7ld/%ld  loss %.4e%s  %.3g s/it  left %.0f s\n", phase, it, total, loss, terms, per, left));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetModel(PhynnTrainer t, PhynnModel m)
{
  t->model = m;
  return 0;
}

PetscBool PhynnTrainerStoppedBySignal(PhynnTrainer t) { return t->stopped_by_signal; }

/* Training seconds of this session: wall time since the loop started less the monitor's. */
static double SessionSeconds(PhynnTrainer t) { return PhynnTime() - t->t_start - t->monitor_seconds; }

double PhynnTrainerElapsed(PhynnTrainer t) { return t->seconds_before + SessionSeconds(t); }

long PhynnTrainerFirstIteration(PhynnTrainer t) { return t->it_start; }

static PetscErrorCode StoreState(PhynnTrainer t, PhynnModel m, PhynnRecord *rec);

/* Writes the current state (weights, optimiser state, history) to -checkpoint now: at the end of
 * training and when a signal stops it. Rank 0 writes; the file appears atomically. */
static PetscErrorCode WriteCheckpoint(PhynnTrainer t)
{
  PetscFunctionBegin;
  PetscCheck(t->model, t->comm, PETSC_ERR_ARG_WRONGSTATE, "checkpoints need PhynnTrainerSetModel");
  PhynnRecord rec;
  PetscErrorCode ierr;
  PhynnRecordInit(&rec);
  PetscCall(StoreState(t, t->model, &rec));
  ierr = PhynnRank(t->comm) == 0 ? PhynnModelSave(t->model, &rec, t->checkpoint_path) : 0;
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(ierr);
  t->ck_written = t->iteration;
  t->ck_pending = PETSC_FALSE; /* the state just written is newer than any waiting one */
  PetscFunctionReturn(0);
}

/* The periodic checkpoint is written one step late, on purpose. When it is taken after step i,
 * nobody has evaluated the loss at the iterate theta_i it holds yet (step i evaluated theta_{i-1}
 * and moved). Step i + 1 evaluates loss(theta_i); only if that is finite does the snapshot reach
 * the disk (WritePendingCheckpoint). So when a run diverges, the file on disk holds the last
 * weights whose loss was finite, and "resume from the last checkpoint with a smaller -lr" works;
 * written at once it would hold the very weights whose loss is inf. Bitwise resume is unchanged:
 * the snapshot is the state after step i, as before, only written later. */
static PetscErrorCode TakeCheckpoint(PhynnTrainer t)
{
  PetscFunctionBegin;
  PetscCheck(t->model, t->comm, PETSC_ERR_ARG_WRONGSTATE, "checkpoints need PhynnTrainerSetModel");
  /* the graph holds the weights of the last evaluation: copy the iterate in first */
  PetscCall(PhynnGraphLoadParameters(t->g, t->theta));
  PetscCall(PhynnRecordReset(&t->ck_rec));
  PetscCall(StoreState(t, t->model, &t->ck_rec));
  if (!t->ck_theta) PetscCall(PetscMalloc1(t->nparams ? t->nparams : 1, &t->ck_theta));
  PetscCall(PetscArraycpy(t->ck_theta, t->theta, t->nparams));
  t->ck_pending = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePendingCheckpoint(PhynnTrainer t)
{
  PetscErrorCode ierr;
  PetscFunctionBegin;
  /* the model may hold newer weights (a monitor copies them in): put the snapshot's back */
  PetscCall(PhynnModelSetTheta(t->model, t->nparams, t->ck_theta));
  ierr = PhynnRank(t->comm) == 0 ? PhynnModelSave(t->model, &t->ck_rec, t->checkpoint_path) : 0;
  PetscCall(ierr);
  t->ck_written = t->ck_rec.iteration;
  t->ck_pending = PETSC_FALSE;
  PetscCall(PhynnRecordReset(&t->ck_rec));
  PetscFunctionReturn(0);
}

/* Continues from a checkpoint: weights, iteration, the optimiser state of the phase it was in,
 * and the loss history. Every rank reads the file (small) so no broadcast is needed. */
static PetscErrorCode Resume(PhynnTrainer t)
{
  PhynnModel     ck;
  PhynnRecord    rec;
  double        *gtheta;
  const double  *theta;
  long           n;
  PhynnOptimizer opt;
  PetscFunctionBegin;
  PetscCheck(t->model, t->comm, PETSC_ERR_ARG_WRONGSTATE, "-resume needs PhynnTrainerSetModel");
  PhynnRecordInit(&rec);
  PetscCall(PhynnModelLoadFile(t->comm, t->resume_path, &ck, &rec));
  /* The canonical specs must agree: the same architecture, names and scaling, not only the same
   * parameter count (two networks of equal size are not interchangeable). */
  PetscCheck(!strcmp(PhynnModelGetSpec(ck), PhynnModelGetSpec(t->model)), t->comm, PHYNN_ERR_INPUT,
             "checkpoint %s was written for another model (its model_spec differs from this run's); resume with the same -layers and problem options", t->resume_path);
  PetscCall(PhynnModelGetTheta(ck, &n, &theta));
  PetscCheck(n == t->nparams, t->comm, PHYNN_ERR_INPUT, "checkpoint %s holds %ld parameters, this run's model has %ld; resume with the same -layers and problem options", t->resume_path, n, t->nparams);
  PetscCheck(rec.nterms == t->nterms, t->comm, PHYNN_ERR_INPUT, "checkpoint %s has %d loss terms, this run has %d; resume with the same problem options", t->resume_path, rec.nterms, t->nterms);
  /* Another rank count is allowed: the data split and the minibatches are global, so the run
   * continues the same computation; only the order of the allreduce's sums changes, so the
   * weights agree with an uninterrupted run to rounding, not bit for bit. Say so once. */
  if (rec.ranks > 0 && rec.ranks != PhynnSize(t->comm) && PhynnRank(t->comm) == 0)
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, stderr, "phynn: warning: checkpoint %s was written by a run on %d rank%s, this one has %d: it continues the same training, equal to an uninterrupted run to rounding but not bitwise (resume on %d rank%s for that)\n",
                           t->resume_path, rec.ranks, rec.ranks == 1 ? "" : "s", PhynnSize(t->comm), rec.ranks, rec.ranks == 1 ? "" : "s"));
  PetscCall(PhynnGraphParameters(t->g, &gtheta, NULL, NULL));
  PetscCall(PetscArraycpy(gtheta, theta, t->nparams));
  t->iteration = rec.iteration;
  opt          = t->opt[PhaseOf(t, t->iteration)];
  if (rec.nopt_state > 0) PetscCall(PhynnOptimizerSetState(opt, rec.opt_state, rec.nopt_state));
  t->nhistory = 0;
  for (long r = 0; r < rec.nhistory; r++) {
    const double *row = rec.history + r * (3 + t->nterms);
    for (int k = 0; k < t->nterms; k++) t->last_terms[k] = row[3 + k];
    PetscCall(HistoryAppendRow(t, row));
  }
  /* the history's time column keeps counting from where the stopped run left it */
  t->seconds_before = rec.nhistory > 0 ? rec.history[(rec.nhistory - 1) * (3 + t->nterms) + 1] : 0;
  if (!t->quiet) PetscCall(PhynnPrintf(t->comm, "resumed from %s at iteration %ld\n", t->resume_path, t->iteration));
  PetscCall(PhynnModelDestroy(&ck));
  PetscCall(PhynnRecordReset(&rec));
  PetscFunctionReturn(0);
}

/* A non-finite loss stops the run (all ranks agree: the loss is allreduced). The message points
 * at the checkpoint on disk, which holds the last weights whose loss was finite. */
static PetscErrorCode CheckLossFinite(PhynnTrainer t, double loss, const char *phase)
{
  PetscFunctionBegin;
  if (isfinite(loss)) PetscFunctionReturn(0);
  if (t->ck_written >= 0)
    SETERRQ(t->comm, PHYNN_ERR_NUMERIC, "the loss became %g at iteration %ld (%s); the checkpoint %s holds iteration %ld, the last whose loss was finite: continue from it with -resume %s and a smaller -lr, or check the data", loss, t->iteration,
            phase, t->checkpoint_path, t->ck_written, t->checkpoint_path);
  SETERRQ(t->comm, PHYNN_ERR_NUMERIC, "the loss became %g at iteration %ld (%s); lower the learning rate (-lr), check the data, or restart from a checkpoint", loss, t->iteration, phase);
}

PetscErrorCode PhynnTrainerTrain(PhynnTrainer t)
{
  double last_print, loss = NAN;
  long   total;
  PetscFunctionBegin;
  PetscCheck(t->root >= 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnTrainerSetUp first");
  total             = PhaseEnd(t, t->nphases - 1);
  phynn_stop_signal = 0;
  signal(SIGTERM, OnStopSignal);
  signal(SIGINT, OnStopSignal);
  if (t->log_path[0] && PhynnRank(t->comm) == 0) {
    t->log = fopen(t->log_path, "w");
    PetscCheck(t->log, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write the log %s; check that its directory exists and is writable", t->log_path);
    fprintf(t->log, "iteration,elapsed_s,loss");
    for (int k = 0; k < t->nterms; k++) fprintf(t->log, ",%s", t->term_names[k]);
    fputc('\n', t->log);
  }
  t->seconds_before = t->monitor_seconds = 0;
  t->ck_written     = -1;
  t->ck_pending     = PETSC_FALSE;
  if (t->resume_path[0]) PetscCall(Resume(t));
  t->it_start = t->iteration;
  {
    double *gtheta;
    PetscCall(PhynnGraphParameters(t->g, &gtheta, NULL, NULL));
    PetscCall(PetscArraycpy(t->theta, gtheta, t->nparams));
  }
  t->t_start = last_print = PhynnTime();
  for (int phase = PhaseOf(t, t->iteration); phase < t->nphases && !t->stop_requested; phase++) {
    PhynnOptimizer opt  = t->opt[phase];
    long           end  = PhaseEnd(t, phase);
    const char    *name = t->phases[phase].name;
    SetPhase(t, phase);
    while (t->iteration < end) {
      PetscBool converged = PETSC_FALSE, stop = PETSC_FALSE;
      t->eval_iteration = t->iteration;
      PetscCall(PhynnOptimizerStep(opt, t->theta, Objective, t, &loss, &converged));
      PetscCall(CheckLossFinite(t, loss, name));
      /* the loss at the iterate a waiting checkpoint holds has just come out finite */
      if (t->ck_pending) PetscCall(WritePendingCheckpoint(t));
      t->iteration++;
      /* The hook sees (and may change) the optimiser's own iterate, before it is logged or
       * checkpointed, so a checkpoint holds what the next step starts from. */
      if (t->poststep) PetscCall(t->poststep(t->poststep_ctx, t->iteration, t->theta, t->nparams));
      double now = PhynnTime();
      if (t->iteration % t->log_every == 0 || t->iteration == 1) PetscCall(HistoryAppend(t, t->iteration, PhynnTrainerElapsed(t), loss));
      if (!t->quiet && (now - last_print >= t->progress_s || t->iteration == 1)) {
        PetscCall(Progress(t, name, t->iteration, total, loss, SessionSeconds(t)));
        last_print = now;
      }
      if (t->monitor) {
        double m0 = PhynnTime();
        PetscCall(t->monitor(t->monitor_ctx, t->iteration, loss, &stop));
        t->monitor_seconds += PhynnTime() - m0;
      }
      if (t->stop_requested) {
        t->stopped_by_signal = PETSC_TRUE;
        break;
      }
      if (t->checkpoint_path[0] && t->checkpoint_every > 0 && t->iteration % t->checkpoint_every == 0) PetscCall(TakeCheckpoint(t));
      if (stop) break;
      if (converged) {
        if (!t->quiet) PetscCall(PhynnPrintf(t->comm, "%s converged at iteration %ld (loss %.4e)\n", name, t->iteration, loss));
        break;
      }
    }
  }
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  /* Leave the graph at the final weights (its running statistics are its own) and record the final loss. */
  PetscCall(PhynnGraphLoadParameters(t->g, t->theta));
  if (t->stopped_by_signal) {
    t->seconds = PhynnTrainerElapsed(t);
    if (t->checkpoint_path[0]) PetscCall(WriteCheckpoint(t));
    if (t->checkpoint_path[0])
      PetscCall(PhynnPrintf(t->comm, "stopped by a signal at iteration %ld; checkpoint written to %s; continue with the same options plus -resume %s\n", t->iteration, t->checkpoint_path, t->checkpoint_path));
    else PetscCall(PhynnPrintf(t->comm, "stopped by a signal at iteration %ld (no -checkpoint given: the state is not saved)\n", t->iteration));
    if (t->log) {
      fclose(t->log);
      t->log = NULL;
    }
    PetscFunctionReturn(0);
  }
  PetscCall(Objective(t, t->theta, &loss, NULL));
  /* the final weights' loss has not been seen by any step: a last step may have diverged */
  PetscCall(CheckLossFinite(t, loss, "final"));
  t->seconds = PhynnTrainerElapsed(t);
  if (t->nhistory == 0 || t->history[(t->nhistory - 1) * (3 + t->nterms)] != (double)t->iteration) PetscCall(HistoryAppend(t, t->iteration, t->seconds, loss));
  if (!t->quiet) PetscCall(Progress(t, "done", t->iteration, total, loss, SessionSeconds(t)));
  if (t->checkpoint_path[0]) PetscCall(WriteCheckpoint(t));
  if (t->log) {
    fclose(t->log);
    t->log = NULL;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerGetSchedule(PhynnTrainer t, long *max_it, long *lbfgs_it)
{
  if (!t->phases_added) {
    if (max_it) *max_it = t->max_it;
    if (lbfgs_it) *lbfgs_it = t->lbfgs_it;
  } else { /* the first phase, and all the others */
    if (max_it) *max_it = t->phases[0].iterations;
    if (lbfgs_it) *lbfgs_it = PhaseEnd(t, t->nphases - 1) - t->phases[0].iterations;
  }
  return 0;
}

PetscErrorCode PhynnTrainerGetResult(PhynnTrainer t, long *iterations, double *loss, double *seconds)
{
  if (iterations) *iterations = t->iteration;
  if (loss) *loss = t->last_loss;
  if (seconds) *seconds = t->seconds;
  return 0;
}

PetscErrorCode PhynnTrainerStoreInModel(PhynnTrainer t, PhynnModel m, PhynnRecord *rec)
{
  PetscFunctionBegin;
  PetscCall(StoreState(t, m, rec));
  PetscFunctionReturn(0);
}

/* Weights (from the graph) into the model; iteration, the state of the optimiser that the NEXT
 * iteration uses (so a resume continues exactly), term names and history into the record. */
static PetscErrorCode StoreState(PhynnTrainer t, PhynnModel m, PhynnRecord *rec)
{
  PhynnOptimizer opt = t->opt[PhaseOf(t, t->iteration)];
  PhynnOptimType type;
  long           size;
  double        *state;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetWeights(m, t->g));
  rec->iteration = t->iteration;
  rec->seed      = t->seed;
  rec->ranks     = PhynnSize(t->comm);
  PetscCall(PhynnOptimizerGetType(opt, &type));
  PetscCall(PhynnOptimizerGetStateSize(opt, &size));
  PetscCall(PetscMalloc1(size ? size : 1, &state));
  PetscCall(PhynnOptimizerGetState(opt, state));
  PetscCall(PhynnRecordSetOptimizer(rec, PhynnOptimTypes[type], size, state));
  PetscCall(PetscFree(state));
  PetscCall(PhynnRecordSetTerms(rec, t->nterms, t->term_names));
  PetscCall(PhynnRecordSetHistory(rec, t->nhistory, t->history));
  PetscCall(PhynnRecordCaptureOptions(rec));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerDestroy(PhynnTrainer *t)
{
  PetscFunctionBegin;
  if (!*t) PetscFunctionReturn(0);
  if ((*t)->log) fclose((*t)->log);
  for (int k = 0; (*t)->opt && k < (*t)->nphases; k++) PetscCall(PhynnOptimizerDestroy(&(*t)->opt[k]));
  PetscCall(PetscFree((*t)->opt));
  PetscCall(PetscFree((*t)->theta));
  PetscCall(PetscFree((*t)->send));
  PetscCall(PetscFree((*t)->recv));
  PetscCall(PetscFree((*t)->history));
  PetscCall(PetscFree((*t)->mask));
  PetscCall(PetscFree((*t)->mb_perm));
  PetscCall(PetscFree((*t)->ck_theta));
  PetscCall(PhynnRecordReset(&(*t)->ck_rec));
  PetscCall(PetscFree(*t));
  PetscFunctionReturn(0);
}
