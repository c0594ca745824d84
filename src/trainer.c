/* Data-parallel training: the objective with its single allreduce, the optimiser schedule,
 * progress lines, the CSV log and the loss history. See phynn/trainer.h. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "phynn/modelfile.h"
#include "phynn/options.h"
#include "phynn/trainer.h"

/* Set by SIGTERM/SIGINT; read into the next allreduce so all ranks stop together. */
static volatile sig_atomic_t phynn_stop_signal = 0;
static void OnStopSignal(int sig) { phynn_stop_signal = sig; }

#define MAX_TERMS PHYNN_TRAINER_MAX_TERMS

struct _p_PhynnTrainer {
  MPI_Comm       comm;
  PhynnGraph     g;
  int            nterms;
  char           term_names[MAX_TERMS][32];
  int            term_nodes[MAX_TERMS];
  double         term_weights[MAX_TERMS];
  long           term_local[MAX_TERMS];
  int            root;
  /* settings */
  PhynnOptimType first_type;
  double         lr;
  long           max_it, lbfgs_it, log_every;
  double         progress_s;
  PetscBool      quiet;
  char           log_path[PETSC_MAX_PATH_LEN];
  char           checkpoint_path[PETSC_MAX_PATH_LEN], resume_path[PETSC_MAX_PATH_LEN];
  long           checkpoint_every;
  uint64_t       seed;        /* of the initial weights, for the record */
  PhynnModel     model;       /* checkpoints are written from it (PhynnTrainerSetModel) */
  /* state */
  int            stop_requested; /* agreed by all ranks through the allreduce */
  PetscBool      stopped_by_signal;
  PhynnOptimizer opt[2];      /* the first optimiser; L-BFGS afterwards (if lbfgs_it > 0) */
  long           nparams;
  double        *theta;       /* the optimiser's iterate (the graph's buffer receives copies) */
  double        *send, *recv; /* [gradient | terms | loss] for the one allreduce */
  double         last_terms[MAX_TERMS], last_loss;
  long           iteration;   /* iterations done over both phases */
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

PetscErrorCode PhynnTrainerAddTerm(PhynnTrainer t, const char *name, int node, double weight, long local_count)
{
  PetscFunctionBegin;
  PetscCheck(t->nterms < MAX_TERMS, t->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d loss terms", MAX_TERMS);
  PetscCheck(t->root < 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "add loss terms before PhynnTrainerSetUp");
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

PetscErrorCode PhynnTrainerSetFromOptions(PhynnTrainer t)
{
  PhynnOptimizer probe;
  PetscBool      check = PhynnOptionsGetMode() == PHYNN_OPTIONS_READ;

  PetscFunctionBegin;
  /* The optimiser's options are read here so that -help lists them and typos are caught before
   * any work; SetUp re-reads them into the optimiser sized for the model. */
  PetscCall(PhynnOptimizerCreate(t->comm, 1, &probe));
  PetscCall(PhynnOptimizerSetType(probe, t->first_type));
  PetscCall(PhynnOptimizerSetLearningRate(probe, t->lr));
  PetscCall(PhynnOptimizerSetFromOptions(probe, ""));
  PetscCall(PhynnOptimizerGetType(probe, &t->first_type));
  t->lr = PhynnOptimizerCurrentLearningRate(probe);
  PetscCall(PhynnOptimizerDestroy(&probe));
  PetscCall(PhynnOptInt("max_it", t->max_it, "iterations of the first optimiser (-optimizer)", &t->max_it, NULL));
  PetscCall(PhynnOptInt("lbfgs_it", t->lbfgs_it, "L-BFGS iterations after the first optimiser (0: none)", &t->lbfgs_it, NULL));
  PetscCall(PhynnOptString("log", "", "CSV file with one row per logged iteration (iteration, elapsed_s, loss, each term)", t->log_path, sizeof(t->log_path), NULL));
  PetscCall(PhynnOptInt("log_every", t->log_every, "log (and keep in the loss history) every N iterations", &t->log_every, NULL));
  PetscCall(PhynnOptReal("progress_s", t->progress_s, "seconds between progress lines on rank 0", &t->progress_s, NULL));
  PetscCall(PhynnOptBool("quiet", t->quiet, "no progress lines", &t->quiet, NULL));
  PetscCall(PhynnOptString("checkpoint", "", "checkpoint file (a model file with the optimiser state), written atomically", t->checkpoint_path, sizeof(t->checkpoint_path), NULL));
  PetscCall(PhynnOptInt("checkpoint_every", 0, "write the checkpoint every N iterations (0: only at the end and on SIGTERM)", &t->checkpoint_every, NULL));
  PetscCall(PhynnOptString("resume", "", "continue from this checkpoint (same options and rank count give bitwise the same run)", t->resume_path, sizeof(t->resume_path), NULL));
  if (check) {
    PetscCheck(t->checkpoint_every >= 0, t->comm, PHYNN_ERR_INPUT, "option -checkpoint_every: %ld is negative", t->checkpoint_every);
    PetscCheck(t->checkpoint_every == 0 || t->checkpoint_path[0], t->comm, PHYNN_ERR_INPUT, "option -checkpoint_every needs -checkpoint FILE to write to");
    PetscCheck(t->max_it >= 0, t->comm, PHYNN_ERR_INPUT, "option -max_it: %ld is negative; give the number of iterations, e.g. -max_it 1000", t->max_it);
    PetscCheck(t->lbfgs_it >= 0, t->comm, PHYNN_ERR_INPUT, "option -lbfgs_it: %ld is negative; give 0 for no L-BFGS phase", t->lbfgs_it);
    PetscCheck(t->log_every >= 1, t->comm, PHYNN_ERR_INPUT, "option -log_every: %ld must be >= 1", t->log_every);
    PetscCheck(t->progress_s >= 0, t->comm, PHYNN_ERR_INPUT, "option -progress_s: %g must be >= 0", t->progress_s);
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

static PetscErrorCode CreateOptimizer(PhynnTrainer t, PhynnOptimType type, PhynnOptimizer *opt)
{
  PetscFunctionBegin;
  PetscCall(PhynnOptimizerCreate(t->comm, t->nparams, opt));
  PetscCall(PhynnOptimizerSetType(*opt, t->first_type));
  PetscCall(PhynnOptimizerSetLearningRate(*opt, t->lr));
  PhynnOptionsSetHelpQuiet(PETSC_TRUE);
  PetscCall(PhynnOptimizerSetFromOptions(*opt, ""));
  PhynnOptionsSetHelpQuiet(PETSC_FALSE);
  PetscCall(PhynnOptimizerSetType(*opt, type));
  PetscCall(PhynnOptimizerSetUp(*opt));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrainerSetUp(PhynnTrainer t)
{
  long global[MAX_TERMS];
  PetscFunctionBegin;
  PetscCheck(t->nterms > 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "the trainer has no loss terms");
  PetscCall(PhynnGraphWeightedSum(t->g, t->nterms, t->term_nodes, t->term_weights, &t->root));
  PetscCall(PhynnGraphSetName(t->g, t->root, "loss"));
  PetscCall(PhynnGraphSetUp(t->g));
  /* Each term divides by its global element count: one collective at set-up. */
  PetscCallMPI(MPI_Allreduce(t->term_local, global, t->nterms, MPI_LONG, MPI_SUM, t->comm));
  for (int k = 0; k < t->nterms; k++) {
    PetscCheck(global[k] > 0, t->comm, PHYNN_ERR_INPUT, "loss term '%s' has no points on any rank; give it at least one point", t->term_names[k]);
    PetscCall(PhynnGraphSetLossNorm(t->g, t->term_nodes[k], (double)global[k]));
  }
  PetscCall(PhynnGraphParameters(t->g, NULL, NULL, &t->nparams));
  PetscCall(PetscMalloc1(t->nparams, &t->theta));
  PetscCall(PetscMalloc1(t->nparams + t->nterms + 2, &t->send));
  PetscCall(PetscMalloc1(t->nparams + t->nterms + 2, &t->recv));
  PetscCall(CreateOptimizer(t, t->first_type, &t->opt[0]));
  if (t->lbfgs_it > 0) PetscCall(CreateOptimizer(t, PHYNN_OPTIM_LBFGS, &t->opt[1]));
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

/* The objective at theta: local forward/backward, then ONE allreduce of
 * [grad | terms | loss | stop flag]. Each term already divides by its global count, so the sums
 * are the global terms; the stop flag is positive on every rank if any rank got SIGTERM. */
static PetscErrorCode Objective(void *ctx, const double *theta, double *loss, double *grad)
{
  PhynnTrainer t = (PhynnTrainer)ctx;
  double      *gtheta, *gbuf;
  long         n = t->nparams;

  PetscFunctionBegin;
  if (t->prepare) PetscCall(t->prepare(t->prepare_ctx, t->eval_iteration));
  PetscCall(PhynnGraphParameters(t->g, &gtheta, &gbuf, NULL));
  if (gtheta != theta) PetscCall(PetscArraycpy(gtheta, theta, n));
  PetscCall(PhynnGraphForward(t->g, t->root));
  PetscCall(PhynnGraphBackward(t->g, t->root));
  PetscCall(PetscArraycpy(t->send, gbuf, n));
  for (int k = 0; k < t->nterms; k++) t->send[n + k] = PhynnGraphScalar(t->g, t->term_nodes[k]);
  t->send[n + t->nterms]     = PhynnGraphScalar(t->g, t->root);
  t->send[n + t->nterms + 1] = phynn_stop_signal ? 1.0 : 0.0;
  PetscCallMPI(MPI_Allreduce(t->send, t->recv, (int)(n + t->nterms + 2), MPI_DOUBLE, MPI_SUM, t->comm));
  if (t->recv[n + t->nterms + 1] > 0) t->stop_requested = 1;
  if (grad) PetscCall(PetscArraycpy(grad, t->recv, n));
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
    fflush(t->log);
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

/* The phase an iteration count belongs to: 0 while the first optimiser runs, 1 after. */
static int PhaseOf(PhynnTrainer t, long iteration) { return iteration < t->max_it || !t->opt[1] ? 0 : 1; }

static PetscErrorCode StoreState(PhynnTrainer t, PhynnModel m, PhynnRecord *rec);

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

PetscErrorCode PhynnTrainerTrain(PhynnTrainer t)
{
  double last_print, loss = NAN;
  long   total = t->max_it + t->lbfgs_it;
  PetscFunctionBegin;
  PetscCheck(t->root >= 0, t->comm, PETSC_ERR_ARG_WRONGSTATE, "call PhynnTrainerSetUp first");
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
  if (t->resume_path[0]) PetscCall(Resume(t));
  t->it_start = t->iteration;
  {
    double *gtheta;
    PetscCall(PhynnGraphParameters(t->g, &gtheta, NULL, NULL));
    PetscCall(PetscArraycpy(t->theta, gtheta, t->nparams));
  }
  t->t_start = last_print = PhynnTime();
  for (int phase = PhaseOf(t, t->iteration); phase < 2 && !t->stop_requested; phase++) {
    PhynnOptimizer opt = t->opt[phase];
    long           end  = phase == 0 ? t->max_it : t->max_it + t->lbfgs_it;
    const char    *name = phase == 0 ? PhynnOptimTypes[t->first_type] : "lbfgs";
    if (!opt) continue;
    while (t->iteration < end) {
      PetscBool converged = PETSC_FALSE, stop = PETSC_FALSE;
      t->eval_iteration = t->iteration;
      PetscCall(PhynnOptimizerStep(opt, t->theta, Objective, t, &loss, &converged));
      PetscCheck(isfinite(loss), t->comm, PHYNN_ERR_NUMERIC, "the loss became %g at iteration %ld (%s); lower the learning rate (-lr), check the data, or restart from the last checkpoint", loss,
                 t->iteration, name);
      t->iteration++;
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
      if (t->checkpoint_path[0] && t->checkpoint_every > 0 && t->iteration % t->checkpoint_every == 0) {
        /* the graph holds the weights of the last evaluation: copy the iterate in first */
        double *gtheta;
        PetscCall(PhynnGraphParameters(t->g, &gtheta, NULL, NULL));
        PetscCall(PetscArraycpy(gtheta, t->theta, t->nparams));
        PetscCall(WriteCheckpoint(t));
      }
      if (stop) break;
      if (converged) {
        if (!t->quiet) PetscCall(PhynnPrintf(t->comm, "%s converged at iteration %ld (loss %.4e)\n", name, t->iteration, loss));
        break;
      }
    }
  }
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  /* Leave the graph at the final weights and record the final loss. */
  {
    double *gtheta;
    PetscCall(PhynnGraphParameters(t->g, &gtheta, NULL, NULL));
    PetscCall(PetscArraycpy(gtheta, t->theta, t->nparams));
  }
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
  if (max_it) *max_it = t->max_it;
  if (lbfgs_it) *lbfgs_it = t->lbfgs_it;
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
  PetscCall(PhynnOptimizerDestroy(&(*t)->opt[0]));
  PetscCall(PhynnOptimizerDestroy(&(*t)->opt[1]));
  PetscCall(PetscFree((*t)->theta));
  PetscCall(PetscFree((*t)->send));
  PetscCall(PetscFree((*t)->recv));
  PetscCall(PetscFree((*t)->history));
  PetscCall(PetscFree(*t));
  PetscFunctionReturn(0);
}
