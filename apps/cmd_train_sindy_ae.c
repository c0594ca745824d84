/* phynn train sindy-ae: discover the latent dynamics of image frames (tutorial Example 4, after
 * Champion et al. 2019; docs/sindy.md).
 *
 *   mpirun -np 2 phynn train sindy-ae -data blob.nc -options_file jobs/sindy_quick.opts -o sindy.nc
 *
 * Data: a file in the image-dataset layout with the frames `image` and their exact time
 * derivatives `image_t` and `image_tt` (order 2 needs image_tt); `phynn solve pendulum-images
 * -render blob -ntraj N` writes one. Every frame trains (validate on other trajectories).
 *
 * Model: an encoder `code` and a decoder `recon` (dense, -widths, -act) and a `sindy` block `law`
 * with the library (-order, -poly, -sine, -cosine, -constant, -velocity) and the coefficients Xi (initial
 * value -xi_init, Champion's 1), or -arch FILE for a spec of your own. Loss (src/sindy_ae.c):
 * recon + lambda_x sindy_x + lambda_z sindy_z + lambda_1 l1, each term a global mean over the
 * minibatch of every rank.
 *
 * Schedule: optionally phase `pretrain`, -pretrain_epochs without one term, -pretrain_without
 * sindy_x (the default) or sindy_z (the z term is what holds a fresh encoder at a constant code,
 * the mean frame: docs/sindy.md; 0 epochs, the default, is Champion's schedule); phase
 * `train`, -epochs of Adam (-lr), with sequential thresholding every
 * -threshold_every epochs and once at its end (coefficients with |xi| < -threshold leave the
 * model for good: their mask entry becomes 0); then phase `refine`, -refine_epochs without the L1
 * term (Champion's refinement). The phases' options take their names as prefixes (-train_lr,
 * -refine_lr, ...).
 *
 * Runs: -runs R trains R models from the seeds seed, seed+1, ...: the ranks are split into
 * -groups G groups (MPI_Comm_split; default min(R, ranks)), each trains its runs data-parallel,
 * and rank 0 writes a summary (-summary CSV) of the active terms, coefficients and final losses,
 * and whether the run recovered the -expect terms (the pendulum: exactly sin(z0)). */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/imageset.h"
#include "phynn/modelfile.h"
#include "phynn/record.h"
#include "phynn/sindy_ae.h"
#include "phynn/textfile.h"
#include "phynn/trainer.h"

#define MAX_XI 2048 /* latent x terms: PHYNN_SINDY_MAX_VARS x PHYNN_SINDY_MAX_TERMS */

/* The frames a rank computes with, read on first use and kept: [x | x' | x''] per frame. */
typedef struct {
  PhynnImageSet *set;
  char           var[64], var_t[72], var_tt[72];
  long           F;
  int            K;            /* 2 (order 1: x, x') or 3 */
  double       **cache;
  double        *xb[3], *ones, *zeros;
  PhynnGraph     g;
  PhynnSindyAE  *ae;
} FrameCtx;

static PetscErrorCode Frame(FrameCtx *c, long f, const double **v)
{
  PetscFunctionBegin;
  if (!c->cache[f]) {
    const char *vars[3] = {c->var, c->var_t, c->var_tt};
    PetscCall(PetscMalloc1(c->K * c->F, &c->cache[f]));
    for (int k = 0; k < c->K; k++) PetscCall(PhynnImageSetRead(c->set, vars[k], f, 1, c->cache[f] + k * c->F));
  }
  *v = c->cache[f];
  PetscFunctionReturn(0);
}

static PetscErrorCode Batch(void *ctx, long count, const long *rows)
{
  FrameCtx *c = (FrameCtx *)ctx;
  int       inputs[3] = {c->ae->x, c->ae->x_t, c->ae->x_tt};
  PetscFunctionBegin;
  for (long r = 0; r < count; r++) {
    const double *v = NULL;
    PetscCall(Frame(c, rows[r], &v));
    for (int k = 0; k < c->K; k++) PetscCall(PetscArraycpy(c->xb[k] + r * c->F, v + k * c->F, c->F));
  }
  for (int k = 0; k < c->K; k++) PetscCall(PhynnGraphSetInput(c->g, inputs[k], count, c->xb[k]));
  if (c->ae->one >= 0) PetscCall(PhynnGraphSetInput(c->g, c->ae->one, count, c->ones));
  PetscCall(PhynnGraphSetInput(c->g, c->ae->zero, c->ae->lib->latent, c->zeros));
  PetscFunctionReturn(0);
}

/* Sequential thresholding and the coefficient history, after every step on every rank. */
typedef struct {
  MPI_Comm                 comm;
  PhynnGraph               g;
  const PhynnSindyLibrary *lib;
  long                     xi_off, mask_off, ncoef;
  long                     steps, first, every, train_start, train_end; /* steps per epoch; thresholding `first` steps into the train phase [train_start, train_end), every `every` steps after, and at its end */
  double                   threshold;
  PetscBool                talk;
  char                     who[48];  /* "seed 7: " in a sweep, so the groups' lines can be told apart */
  long                     nhist, cap;
  double                  *hist;   /* nhist rows of [iteration, xi * mask ...] */
  long                     nevents, events[1024];
} ThreshCtx;

static void ActiveTerms(const PhynnSindyLibrary *lib, const double *mask, char *text, size_t len, int *nactive)
{
  size_t used = 0;
  *nactive    = 0;
  text[0]     = '\0';
  for (int k = 0; k < lib->nterms; k++) {
    int on = 0;
    for (int j = 0; j < lib->latent; j++) on = on || mask[j * lib->nterms + k] != 0;
    if (!on) continue;
    char name[PHYNN_SINDY_NAME_MAX];
    PhynnSindyTermName(lib, k, name, sizeof(name));
    int n = snprintf(text + used, len - used, "%s%s", *nactive ? "," : "", name);
    if (n > 0 && (size_t)n < len - used) used += (size_t)n;
    (*nactive)++;
  }
}

static PetscErrorCode PostStep(void *ctx, long iteration, double *theta, long n)
{
  ThreshCtx *c = (ThreshCtx *)ctx;
  double    *gtheta, *mask;
  (void)n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(c->g, &gtheta, NULL, NULL));
  mask = gtheta + c->mask_off; /* frozen: the graph's copy is the one that counts */
  long k = iteration - c->train_start; /* steps into the train phase */
  if (iteration > c->train_start && iteration <= c->train_end && (iteration == c->train_end || (c->every > 0 && k >= c->first && (k - c->first) % c->every == 0))) {
    char text[1024];
    int  nactive;
    for (long i = 0; i < c->ncoef; i++)
      if (mask[i] != 0 && fabs(theta[c->xi_off + i]) < c->threshold) {
        mask[i] = theta[c->mask_off + i] = 0;
        theta[c->xi_off + i]             = 0;
      }
    if (c->nevents < 1024) c->events[c->nevents++] = iteration;
    ActiveTerms(c->lib, mask, text, sizeof(text), &nactive);
    if (c->talk) PetscCall(PetscPrintf(PETSC_COMM_SELF, "%sthreshold at epoch %ld: %d of %d terms active: %s\n", c->who, iteration / c->steps, nactive, c->lib->nterms * c->lib->latent, nactive ? text : "(none)"));
  }
  if (iteration % c->steps == 0) { /* one row per epoch */
    if (c->nhist == c->cap) {
      double *grown;
      c->cap = c->cap ? 2 * c->cap : 256;
      PetscCall(PetscMalloc1(c->cap * (1 + c->ncoef), &grown));
      if (c->nhist) PetscCall(PetscArraycpy(grown, c->hist, c->nhist * (1 + c->ncoef)));
      PetscCall(PetscFree(c->hist));
      c->hist = grown;
    }
    double *row = c->hist + c->nhist * (1 + c->ncoef);
    row[0]      = (double)iteration;
    for (long i = 0; i < c->ncoef; i++) row[1 + i] = theta[c->xi_off + i] * mask[i];
    c->nhist++;
  }
  PetscFunctionReturn(0);
}

/* What a run found, sent to world rank 0 for the summary. */
typedef struct {
  double seed, recovered, nactive, seconds, iterations, stopped;
  double terms[PHYNN_SINDY_AE_TERMS];
  double xi[MAX_XI];
  char   equation[1024], active[1024], path[PETSC_MAX_PATH_LEN];
} RunResult;

typedef struct {
  char      data[PETSC_MAX_PATH_LEN], var[64], arch[PETSC_MAX_PATH_LEN], act[32], expect[1024];
  long      runs;
  long      latent, order, poly, sine, cosine, constant, velocity, batch, pretrain_epochs, epochs, refine_epochs, threshold_every, threshold_first, nwidths;
  int       pretrain_without; /* the term index the pretrain phase leaves out: 1 (sindy_x) or 2 (sindy_z) */
  long      widths[8];
  double    xi_init, lambda[PHYNN_SINDY_AE_TERMS], threshold, lr;
} Settings;

/* The default spec: dense encoder F, widths..., L and the mirror decoder, linear last layers. */
static PetscErrorCode DefaultSpec(const Settings *o, const PhynnImageSet *set, PhynnText *t)
{
  long F = PhynnImageSetFrameSize(set);
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, "input frames dims=%ld,%ld,%ld\nmlp code(frames) sizes=%ld", set->C, set->H, set->W, F));
  for (long k = 0; k < o->nwidths; k++) PetscCall(PhynnTextAppend(t, ",%ld", o->widths[k]));
  PetscCall(PhynnTextAppend(t, ",%ld act=%s out=identity\nmlp recon(code) sizes=%ld", o->latent, o->act, o->latent));
  for (long k = o->nwidths - 1; k >= 0; k--) PetscCall(PhynnTextAppend(t, ",%ld", o->widths[k]));
  PetscCall(PhynnTextAppend(t, ",%ld act=%s out=identity\n", F, o->act));
  PetscCall(PhynnTextAppend(t, "sindy law(code) order=%ld poly=%ld sine=%ld cosine=%ld constant=%ld init=%.17g%s\noutput code\noutput recon ref=%s\n", o->order, o->poly, o->sine, o->cosine, o->constant, o->xi_init, o->velocity ? "" : " velocity=0", o->var));
  PetscFunctionReturn(0);
}

/* The trainer: phase train (every term) and phase refine (no L1), over minibatches of frames. */
static PetscErrorCode MakeTrainer(MPI_Comm comm, PhynnGraph g, const Settings *o, const PhynnSindyAE *ae, long nframes, long steps, uint64_t seed, FrameCtx *fc, PhynnTrainer *t)
{
  double refine[PHYNN_SINDY_AE_TERMS], pretrain[PHYNN_SINDY_AE_TERMS];
  PetscFunctionBegin;
  PetscCall(PhynnTrainerCreate(comm, g, t));
  if (ae) {
    for (int k = 0; k < 3; k++) PetscCall(PhynnTrainerAddBatchTerm(*t, PhynnSindyAETermNames[k], ae->term[k], o->lambda[k], ae->per_sample[k]));
    /* l1 is the same on every rank: its divisor (the sum over ranks of the count) makes it the mean */
    PetscCall(PhynnTrainerAddTerm(*t, PhynnSindyAETermNames[3], ae->term[3], o->lambda[3], ae->per_sample[3]));
    PetscCall(PhynnTrainerSetMinibatch(*t, nframes, o->batch, seed, Batch, fc));
  }
  for (int k = 0; k < PHYNN_SINDY_AE_TERMS; k++) {
    refine[k]   = k == 3 ? 0.0 : o->lambda[k];
    pretrain[k] = k == o->pretrain_without ? 0.0 : o->lambda[k]; /* no x-derivative term (the decoder learns the frames first) or no z term (nothing holds z constant) */
  }
  /* without a model (-help, the registry of option names) every phase is listed */
  if (o->pretrain_epochs > 0 || !ae) PetscCall(PhynnTrainerAddPhase(*t, "pretrain", PHYNN_OPTIM_ADAM, o->pretrain_epochs * steps, ae ? PHYNN_SINDY_AE_TERMS : 0, ae ? pretrain : NULL));
  PetscCall(PhynnTrainerAddPhase(*t, "train", PHYNN_OPTIM_ADAM, o->epochs * steps, ae ? PHYNN_SINDY_AE_TERMS : 0, ae ? o->lambda : NULL));
  if (o->refine_epochs > 0) PetscCall(PhynnTrainerAddPhase(*t, "refine", PHYNN_OPTIM_ADAM, o->refine_epochs * steps, ae ? PHYNN_SINDY_AE_TERMS : 0, ae ? refine : NULL));
  PetscCall(PhynnTrainerSetDefaults(*t, PHYNN_OPTIM_ADAM, 0, o->lr, 0));
  PetscCall(PhynnTrainerSetFromOptions(*t));
  PetscFunctionReturn(0);
}

/* The model file: model, training record, and the group /sindy (library, coefficients, the
 * equation as text, the coefficient history and the thresholding events). */
static PetscErrorCode Save(PhynnModel m, const PhynnRecord *rec, const PhynnSindyLibrary *lib, const double *xi, const double *mask, const ThreshCtx *th, const RunResult *res, const char *path)
{
  PhynnStore     s;
  PetscErrorCode ierr;
  const long     L = lib->latent, T = lib->nterms;
  char         **names;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(T, &names));
  for (long k = 0; k < T; k++) {
    PetscCall(PetscMalloc1(PHYNN_SINDY_NAME_MAX, &names[k]));
    PhynnSindyTermName(lib, (int)k, names[k], PHYNN_SINDY_NAME_MAX);
  }
  PetscCall(PhynnStoreCreate(path, "phynn model", &s));
  ierr = PhynnModelView(m, s);
  if (!ierr) ierr = PhynnRecordView(rec, s);
  if (!ierr) ierr = PhynnStorePushGroup(s, "sindy");
  if (!ierr) {
    const char *d2[2] = {"latent", "term"}, *dh[3] = {"epoch_row", "latent", "term"}, *de[1] = {"threshold_event"}, *dr[1] = {"epoch_row"};
    long        n2[2] = {L, T}, nh[3] = {th->nhist, L, T}, ne = th->nevents, nr = th->nhist;
    double     *hc = NULL, *hi = NULL;
    ierr = PhynnStorePutStrings(s, "term_name", "term", (int)T, (const char *const *)names, "library term, as PySINDy names it");
    if (!ierr) ierr = PhynnStorePutArray(s, "coefficient", 2, d2, n2, xi, "Xi * mask: coefficient of term k in the equation of latent j");
    if (!ierr) ierr = PhynnStorePutArray(s, "mask", 2, d2, n2, mask, "1: the term is in the model, 0: removed by thresholding");
    if (!ierr) ierr = PetscMalloc2(th->nhist * L * T + 1, &hc, th->nhist + 1, &hi);
    for (long r = 0; !ierr && r < th->nhist; r++) {
      hi[r] = th->hist[r * (1 + L * T)];
      for (long i = 0; i < L * T; i++) hc[r * L * T + i] = th->hist[r * (1 + L * T) + 1 + i];
    }
    if (!ierr) ierr = PhynnStorePutArray(s, "history_iteration", 1, dr, &nr, hi, "training iteration of each row of coefficient_history (one per epoch of this session)");
    if (!ierr) ierr = PhynnStorePutArray(s, "coefficient_history", 3, dh, nh, hc, "Xi * mask at the end of each epoch");
    if (!ierr) ierr = PhynnStorePutIntArray(s, "threshold_iteration", 1, de, &ne, th->events, "iterations at which coefficients below the threshold were removed");
    if (!ierr) ierr = PhynnStorePutText(s, NULL, "equation", res->equation);
    if (!ierr) ierr = PhynnStorePutText(s, NULL, "active_terms", res->active);
    if (!ierr) ierr = PhynnStorePutText(s, NULL, "library", "phynn/sindy.h: constant, monomials by degree, sines, cosines");
    if (!ierr) ierr = PhynnStorePutInt(s, NULL, "order", lib->order);
    PetscCall(PetscFree2(hc, hi));
    if (!ierr) ierr = PhynnStorePopGroup(s);
  }
  for (long k = 0; k < T; k++) PetscCall(PetscFree(names[k]));
  PetscCall(PetscFree(names));
  if (ierr) PetscCall(PhynnStoreDiscard(&s));
  PetscCall(ierr);
  PetscCall(PhynnStoreCommit(&s));
  PetscFunctionReturn(0);
}

/* `base` for one run: itself when there is one run, else with _seed<S> before the extension. */
static void RunPath(const char *base, long runs, uint64_t seed, char *out, size_t len)
{
  const char *dot = strrchr(base, '.'), *slash = strrchr(base, '/');
  if (runs <= 1 || !base[0]) {
    snprintf(out, len, "%s", base);
    return;
  }
  if (!dot || (slash && dot < slash)) dot = base + strlen(base);
  snprintf(out, len, "%.*s_seed%llu%s", (int)(dot - base), base, (unsigned long long)seed, dot);
}

/* Whether the active terms (a comma list) are exactly the expected ones (a comma list). */
static PetscBool SameTerms(const char *active, const char *expect)
{
  char a[1040], e[1024], *save = NULL;
  int  na = 0, ne = 0;
  snprintf(a, sizeof(a), ",%s,", active);
  snprintf(e, sizeof(e), "%s", expect);
  for (char *tok = strtok_r(e, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char want[PHYNN_SINDY_NAME_MAX + 2];
    snprintf(want, sizeof(want), ",%s,", tok);
    if (!strstr(a, want)) return PETSC_FALSE;
    ne++;
  }
  for (const char *p = active; *p; p++) na += *p == ',';
  return active[0] && ne == na + 1 ? PETSC_TRUE : PETSC_FALSE;
}

/* One run on comm: the model, the graph, the trainer, the thresholding, the file. */
static PetscErrorCode TrainRun(MPI_Comm comm, const Settings *o, PhynnImageSet *set, uint64_t seed, const char *out, RunResult *res)
{
  PhynnModel               m  = NULL;
  PhynnGraph               g  = NULL;
  PhynnTrainer             t  = NULL;
  PhynnSindyAE             ae;
  const PhynnSindyLibrary *lib;
  FrameCtx                 fc = {0};
  ThreshCtx                th = {0};
  long                     steps, share, s0, L, T;
  double                  *xi = NULL, *mask = NULL;
  PetscFunctionBegin;
  memset(res, 0, sizeof(*res));
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetProblem(m, "sindy-ae"));
  if (o->arch[0]) PetscCall(PhynnModelSetSpecFromFile(m, o->arch));
  else {
    PhynnText     spec = {NULL, 0, 0};
    PetscErrorCode ierr = DefaultSpec(o, set, &spec);
    if (!ierr) ierr = PhynnModelSetSpec(m, spec.s, "the default SINDy autoencoder");
    PetscCall(PhynnTextFree(&spec));
    PetscCall(ierr);
  }
  PetscCall(PhynnSindyAEFromModel(comm, m, o->arch[0] ? o->arch : "the default SINDy autoencoder", &ae));
  lib = ae.lib;
  L   = lib->latent;
  T   = lib->nterms;
  PetscCheck(ae.F == PhynnImageSetFrameSize(set), comm, PHYNN_ERR_INPUT, "-arch %s: the input has %ld values per frame but the frames of %s have %ld", o->arch, ae.F, o->data, PhynnImageSetFrameSize(set));
  PetscCheck(L * T <= MAX_XI, comm, PHYNN_ERR_INPUT, "the library has %ld coefficients (latent %ld x %ld terms); at most %d", L * T, L, T, MAX_XI);

  /* the frames */
  fc.set = set;
  fc.F   = ae.F;
  fc.K   = lib->order + 1;
  fc.ae  = &ae;
  PetscCall(PetscStrncpy(fc.var, o->var, sizeof(fc.var)));
  PetscCall(PetscSNPrintf(fc.var_t, sizeof(fc.var_t), "%s_t", o->var));
  PetscCall(PetscSNPrintf(fc.var_tt, sizeof(fc.var_tt), "%s_tt", o->var));
  for (int k = 1; k < fc.K; k++) {
    PetscBool has;
    PetscCall(PhynnImageSetHasVar(set, k == 1 ? fc.var_t : fc.var_tt, &has));
    PetscCheck(has, comm, PHYNN_ERR_INPUT, "%s has no variable %s (the %s time derivative of the frames); %s; phynn solve pendulum-images writes it", o->data, k == 1 ? fc.var_t : fc.var_tt, k == 1 ? "first" : "second",
               k == 1 ? "a SINDy autoencoder seeds its encoder with x'" : "a model of order 2 needs x'' (or use -order 1)");
  }
  PetscCall(PetscCalloc1(set->nsamples, &fc.cache));
  PhynnSplitRange(o->batch, PhynnRank(comm), PhynnSize(comm), &s0, &share);
  for (int k = 0; k < fc.K; k++) PetscCall(PetscMalloc1(share * ae.F + 1, &fc.xb[k]));
  PetscCall(PetscMalloc1(share + 1, &fc.ones));
  PetscCall(PetscCalloc1(L * T, &fc.zeros));
  for (long i = 0; i < share + 1; i++) fc.ones[i] = 1;

  /* graph and trainer */
  PetscCall(PhynnGraphCreate(comm, &g));
  fc.g = g;
  PetscCall(PhynnModelSetUp(m, g, NULL));
  PetscCall(PhynnSindyAEGraph(m, g, &ae)); /* a ReLU layer in a spec of order 2 is refused here, by the jet activation */
  steps = (set->nsamples + o->batch - 1) / o->batch;
  PetscCall(MakeTrainer(comm, g, o, &ae, set->nsamples, steps, seed, &fc, &t));
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnOptionsCheckUnused(comm));
  PetscCall(PhynnTrainerInitParameters(t, seed));
  {
    long size;
    th.comm = comm;
    th.g    = g;
    th.lib  = lib;
    th.ncoef = L * T;
    PetscCall(PhynnGraphParamSlice(g, ae.xi, &th.xi_off, &size));
    PetscCall(PhynnGraphParamSlice(g, ae.mask, &th.mask_off, &size));
    th.steps     = steps;
    long first, rest;
    th.every       = o->threshold_every * steps;
    th.first       = (o->threshold_first > 0 ? o->threshold_first : o->threshold_every) * steps;
    th.train_start = th.train_end = -1;
    PetscCall(PhynnTrainerGetSchedule(t, &first, &rest)); /* the phases after -pretrain_it, -train_it, -refine_it */
    for (long it = 0; it < first + rest; it++) {
      const char *name;
      PetscCall(PhynnTrainerGetPhase(t, it, NULL, &name, NULL));
      if (strcmp(name, "train")) continue;
      if (th.train_start < 0) th.train_start = it;
      th.train_end = it + 1;
    }
    th.threshold = o->threshold;
    th.talk      = PhynnRank(comm) == 0;
    if (o->runs > 1) PetscCall(PetscSNPrintf(th.who, sizeof(th.who), "seed %llu: ", (unsigned long long)seed));
  }
  PetscCall(PhynnTrainerSetPostStep(t, PostStep, &th));
  PetscCall(PhynnTrainerSetModel(t, m));
  PetscCall(PhynnTrainerTrain(t));
  {
    long   it;
    double loss;
    PetscCall(PhynnTrainerGetResult(t, &it, &loss, &res->seconds));
    res->iterations = (double)it;
  }
  res->seed    = (double)seed;
  res->stopped = PhynnTrainerStoppedBySignal(t) ? 1 : 0;
  PetscCall(PetscStrncpy(res->path, out, sizeof(res->path)));
  if (!res->stopped) {
    double *gtheta, loss;
    int     nactive;
    PetscCall(PhynnTrainerEvaluateDataset(t, &loss, res->terms)); /* over every frame */
    PetscCall(PhynnGraphParameters(g, &gtheta, NULL, NULL));
    PetscCall(PetscMalloc2(L * T, &xi, L * T, &mask));
    res->terms[3] = 0; /* the refine phase leaves l1 out: report its value anyway */
    for (long i = 0; i < L * T; i++) {
      mask[i] = gtheta[th.mask_off + i];
      xi[i]   = gtheta[th.xi_off + i] * mask[i];
      res->terms[3] += fabs(xi[i]) / (double)(L * T);
    }
    for (long i = 0; i < L * T; i++) res->xi[i] = xi[i];
    ActiveTerms(lib, mask, res->active, sizeof(res->active), &nactive);
    res->nactive = nactive;
    {
      size_t used = 0;
      for (int j = 0; j < L; j++) {
        char eq[512];
        PhynnSindyEquation(lib, xi, j, eq, sizeof(eq));
        int n = snprintf(res->equation + used, sizeof(res->equation) - used, "%s%s", j ? "; " : "", eq);
        if (n > 0 && (size_t)n < sizeof(res->equation) - used) used += (size_t)n;
      }
    }
    res->recovered = o->expect[0] ? (SameTerms(res->active, o->expect) ? 1 : 0) : -1;
    PetscCall(PhynnModelGetWeights(m, g));
    {
      PhynnRecord rec;
      PhynnRecordInit(&rec);
      PetscCall(PhynnTrainerStoreInModel(t, m, &rec));
      PetscErrorCode ierr = PhynnRank(comm) == 0 ? Save(m, &rec, lib, xi, mask, &th, res, out) : 0;
      PetscCall(PhynnRecordReset(&rec));
      PetscCall(ierr);
    }
  }
  for (long i = 0; i < set->nsamples; i++) PetscCall(PetscFree(fc.cache[i]));
  PetscCall(PetscFree(fc.cache));
  for (int k = 0; k < fc.K; k++) PetscCall(PetscFree(fc.xb[k]));
  PetscCall(PetscFree(fc.ones));
  PetscCall(PetscFree(fc.zeros));
  PetscCall(PetscFree(th.hist));
  PetscCall(PetscFree2(xi, mask));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnModelRelease(m, g));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSummary(const char *path, long runs, const RunResult *r)
{
  FILE *f;
  char  tmp[PETSC_MAX_PATH_LEN + 32];
  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &f, tmp, sizeof(tmp)));
  fprintf(f, "run,seed,recovered,active_terms,equation,recon,sindy_x,sindy_z,l1,seconds,model\n");
  for (long k = 0; k < runs; k++)
    fprintf(f, "%ld,%.0f,%s,\"%s\",\"%s\",%.6e,%.6e,%.6e,%.6e,%.2f,%s\n", k + 1, r[k].seed, r[k].recovered < 0 ? "n/a" : (r[k].recovered ? "yes" : "no"), r[k].active, r[k].equation, r[k].terms[0], r[k].terms[1], r[k].terms[2], r[k].terms[3], r[k].seconds, r[k].path);
  PetscCall(PhynnFileCommit(&f, tmp, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdTrainSindyAE(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char   *cmd = "train sindy-ae";
  Settings      o;
  char          out[PETSC_MAX_PATH_LEN], summary[PETSC_MAX_PATH_LEN];
  long          seed, runs, groups;
  int           nw = 0, act;
  PetscBool     expect_set, summary_set, has_resume;
  PhynnImageSet set;
  MPI_Comm      gcomm;
  RunResult    *results = NULL, *mine = NULL;

  PetscFunctionBegin;
  memset(&o, 0, sizeof(o));
  PetscCall(PhynnOptString("data", NULL, "frames with image_t and image_tt (the image-dataset layout, docs/image-data.md) (required)", o.data, sizeof(o.data), NULL));
  PetscCall(PhynnOptString("var", "image", "the frames' variable; its derivatives are VAR_t and VAR_tt", o.var, sizeof(o.var), NULL));
  PetscCall(PhynnOptInt("latent", 1, "latent size L", &o.latent, NULL));
  PetscCall(PhynnOptInt("order", 2, "order of the latent model: 1 (z' = Theta(z) Xi) or 2 (z'' = Theta(z, z') Xi)", &o.order, NULL));
  PetscCall(PhynnOptInt("poly", 3, "library: polynomials up to this degree (0: none)", &o.poly, NULL));
  PetscCall(PhynnOptInt("sine", 1, "library: sin of every state variable (1) or not (0)", &o.sine, NULL));
  PetscCall(PhynnOptInt("cosine", 0, "library: cos of every state variable (1) or not (0)", &o.cosine, NULL));
  PetscCall(PhynnOptInt("constant", 1, "library: the constant term (1) or not (0)", &o.constant, NULL));
  PetscCall(PhynnOptInt("velocity", 1, "library of order 2: terms in z and z' (1, Champion's) or in z only (0, the tutorial's: z'' = f(z))", &o.velocity, NULL));
  PetscCall(PhynnOptIntList("widths", "128,64,32", "hidden widths of the encoder (the decoder mirrors them)", o.widths, 8, &nw, NULL));
  PetscCall(PhynnOptChoice("act", PhynnActivationNames, "sigmoid", "hidden activation of encoder and decoder (smooth for order 2: sigmoid, tanh, softplus, sine)", &act, NULL));
  PetscCall(PhynnOptString("arch", "", "a model-spec FILE instead of -widths/-act/library options (blocks code, recon and a sindy block; docs/sindy.md)", o.arch, sizeof(o.arch), NULL));
  PetscCall(PhynnOptReal("xi_init", 1.0, "initial value of every coefficient (Champion et al.: 1)", &o.xi_init, NULL));
  PetscCall(PhynnOptReal("lambda_x", 5e-4, "weight of the x'' term (x' for order 1)", &o.lambda[1], NULL));
  PetscCall(PhynnOptReal("lambda_z", 5e-5, "weight of the z'' term (z' for order 1)", &o.lambda[2], NULL));
  PetscCall(PhynnOptReal("lambda_1", 1e-5, "weight of the L1 term mean |Xi| (left out in the refine phase)", &o.lambda[3], NULL));
  o.lambda[0] = 1;
  PetscCall(PhynnOptReal("threshold", 0.1, "coefficients with |xi| below this are removed at each thresholding", &o.threshold, NULL));
  PetscCall(PhynnOptInt("threshold_every", 500, "epochs between thresholdings in the train phase (also at its end; 0: only at its end)", &o.threshold_every, NULL));
  PetscCall(PhynnOptInt("threshold_first", 0, "epoch of the train phase's first thresholding, the later ones -threshold_every apart (0: -threshold_every)", &o.threshold_first, NULL));
  PetscCall(PhynnOptInt("pretrain_epochs", 0, "epochs of a pretrain phase before train, without the term -pretrain_without (0: none, Champion's schedule)", &o.pretrain_epochs, NULL));
  {
    static const char *const without[] = {"sindy_x", "sindy_z", NULL};
    int                      w         = 0;
    PetscCall(PhynnOptChoice("pretrain_without", without, "sindy_x", "the term the pretrain phase leaves out: sindy_x (the x-derivative term) or sindy_z (the latent law's)", &w, NULL));
    o.pretrain_without = w == 0 ? 1 : 2;
  }
  PetscCall(PhynnOptInt("epochs", 5001, "epochs of the train phase (Champion: 5001)", &o.epochs, NULL));
  PetscCall(PhynnOptInt("refine_epochs", 1001, "epochs of the refine phase, without L1 (Champion: 1001; 0: none)", &o.refine_epochs, NULL));
  PetscCall(PhynnOptInt("batch", 1024, "frames per global minibatch (0: all)", &o.batch, NULL));
  PetscCall(PhynnOptReal("lr", 1e-4, "Adam learning rate of both phases (Champion: 1e-4; -train_lr, -refine_lr set one)", &o.lr, NULL));
  PetscCall(PhynnOptInt("seed", 0, "seed of the initial weights and the minibatch shuffles (run k: seed + k)", &seed, NULL));
  PetscCall(PhynnOptInt("runs", 1, "models trained from the seeds seed, seed+1, ... (a sweep)", &runs, NULL));
  PetscCall(PhynnOptInt("groups", 0, "-runs: rank groups that train runs side by side (0: min(runs, ranks))", &groups, NULL));
  PetscCall(PhynnOptString("expect", "sin(z0)", "the terms a successful run keeps, comma-separated (the pendulum: sin(z0)); empty: not judged", o.expect, sizeof(o.expect), &expect_set));
  PetscCall(PhynnOptString("o", "sindy.nc", "output model file (NetCDF); with -runs, one per run: NAME_seedS.nc", out, sizeof(out), NULL));
  PetscCall(PhynnOptString("summary", "", "summary CSV of the runs (written with -runs > 1 or when given; default NAME_runs.csv beside -o)", summary, sizeof(summary), &summary_set));
  o.nwidths = nw;
  PetscCall(PetscStrncpy(o.act, PhynnActivationNames[act], sizeof(o.act)));

  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) { /* the trainer's options, for -help and the unused-option check */
    PhynnGraph   g;
    PhynnTrainer t;
    PetscCall(PhynnGraphCreate(comm, &g));
    PetscCall(MakeTrainer(comm, g, &o, NULL, 1, 1, 0, NULL, &t));
    if (mode == PHYNN_OPTIONS_READ) PetscCall(PhynnOptionsCheckUnused(comm));
    PetscCall(PhynnTrainerDestroy(&t));
    PetscCall(PhynnGraphDestroy(&g));
    PetscFunctionReturn(0);
  }

  /* ---- the options ---- */
  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(o.data[0], comm, PHYNN_ERR_INPUT, "no frames given; pass -data FILE.nc with image, image_t and image_tt (phynn solve pendulum-images -render blob -ntraj 100 writes one)");
  if (!o.arch[0]) {
    char what[32];
    PhynnSindyLibrary probe;
    PetscCall(PetscSNPrintf(what, sizeof(what), "the library options"));
    PetscCall(PhynnSindyLibrarySetUp(comm, what, (int)o.latent, (int)o.order, (int)o.poly, (int)o.sine, (int)o.cosine, (int)o.constant, (int)o.velocity, &probe));
    PetscCheck(o.order == 1 || PhynnActivationSmooth((PhynnActivation)act), comm, PHYNN_ERR_INPUT,
               "option -act %s: order 2 needs second derivatives of the networks along the trajectory, and %s has none (its second derivative is zero almost everywhere; the public PyTorch versions push x'' through ReLU and get it wrong); use sigmoid (Champion's), tanh, softplus or sine",
               o.act, o.act);
    for (int k = 0; k < nw; k++) PetscCheck(o.widths[k] >= 1, comm, PHYNN_ERR_INPUT, "option -widths: width %ld is not positive", o.widths[k]);
  }
  PetscCheck(o.threshold > 0, comm, PHYNN_ERR_INPUT, "option -threshold: %g; give a positive threshold (Champion: 0.1)", o.threshold);
  PetscCheck(o.threshold_first >= 0, comm, PHYNN_ERR_INPUT, "option -threshold_first: %ld is negative; give the epoch of the first thresholding (0: -threshold_every)", o.threshold_first);
  PetscCheck(o.threshold_every >= 0, comm, PHYNN_ERR_INPUT, "option -threshold_every: %ld is negative; give the epochs between thresholdings (0: only at the end of the train phase)", o.threshold_every);
  PetscCheck(o.epochs >= 1, comm, PHYNN_ERR_INPUT, "option -epochs: %ld; give at least 1", o.epochs);
  PetscCheck(o.refine_epochs >= 0, comm, PHYNN_ERR_INPUT, "option -refine_epochs: %ld is negative", o.refine_epochs);
  PetscCheck(o.pretrain_epochs >= 0, comm, PHYNN_ERR_INPUT, "option -pretrain_epochs: %ld is negative", o.pretrain_epochs);
  PetscCheck(o.batch >= 0, comm, PHYNN_ERR_INPUT, "option -batch: %ld is negative; give 0 (all frames) or the frames per minibatch", o.batch);
  PetscCheck(o.lr > 0, comm, PHYNN_ERR_INPUT, "option -lr: %g; give a positive learning rate", o.lr);
  for (int k = 1; k < PHYNN_SINDY_AE_TERMS; k++) PetscCheck(o.lambda[k] >= 0, comm, PHYNN_ERR_INPUT, "option -%s: %g is negative", k == 1 ? "lambda_x" : (k == 2 ? "lambda_z" : "lambda_1"), o.lambda[k]);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  o.runs = runs;
  PetscCheck(runs >= 1 && runs <= 1000, comm, PHYNN_ERR_INPUT, "option -runs: %ld; give 1 to 1000 runs", runs);
  if (groups == 0) groups = PetscMin(runs, (long)PhynnSize(comm));
  PetscCheck(groups >= 1 && groups <= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -groups: %ld groups of ranks need at least that many ranks; this job has %d (mpirun -np %ld, or fewer groups)", groups, PhynnSize(comm), groups);
  PetscCheck(groups <= runs, comm, PHYNN_ERR_INPUT, "option -groups: %ld groups for %ld runs leaves a group without a run; give at most %ld groups (or more -runs)", groups, runs, runs);
  PetscCall(PetscOptionsHasName(NULL, NULL, "-resume", &has_resume));
  PetscCheck(!has_resume || runs == 1, comm, PHYNN_ERR_INPUT, "option -resume continues one run; resume a run of a sweep with -runs 1 -seed S -resume FILE");
  PetscCheck(!summary_set || summary[0], comm, PHYNN_ERR_INPUT, "option -summary: give a file name");
  if (!summary[0]) {
    const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
    int         stem = (int)(dot && (!slash || dot > slash) ? dot - out : (long)strlen(out));
    PetscCall(PetscSNPrintf(summary, sizeof(summary), "%.*s_runs.csv", stem, out));
  }
  (void)expect_set;
  for (long k = 0; k < runs; k++) {
    char p[PETSC_MAX_PATH_LEN];
    RunPath(out, runs, (uint64_t)(seed + k), p, sizeof(p));
    PetscCall(PhynnNcCheckWritable(comm, p));
  }

  /* ---- the groups: run k is trained by group k mod groups ---- */
  {
    int color = (int)((long)PhynnRank(comm) * groups / PhynnSize(comm));
    PetscCallMPI(MPI_Comm_split(comm, color, PhynnRank(comm), &gcomm));
    PetscCall(PhynnImageSetOpen(gcomm, o.data, o.var, &set));
    if (o.batch == 0) o.batch = set.nsamples;
    PetscCheck(o.batch <= set.nsamples, comm, PHYNN_ERR_INPUT, "option -batch: %ld frames per batch, but %s has %ld; give at most %ld", o.batch, o.data, set.nsamples, set.nsamples);
    PetscCheck(o.batch >= PhynnSize(gcomm), comm, PHYNN_ERR_INPUT, "option -batch: %ld frames cannot be shared by %d ranks; give at least one frame per rank", o.batch, PhynnSize(gcomm));
    if (groups > 1) {
      PetscBool quiet;
      PetscCall(PetscOptionsHasName(NULL, NULL, "-quiet", &quiet));
      if (!quiet) PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true")); /* one line per run, not interleaved progress */
    }
    PetscCall(PetscCalloc2(runs, &results, runs, &mine));
    for (long k = color; k < runs; k += groups) {
      uint64_t s = (uint64_t)(seed + k);
      char     p[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN], per[PETSC_MAX_PATH_LEN];
      const char *keep[2] = {"-checkpoint", "-loss_log"};
      char        saved[2][PETSC_MAX_PATH_LEN];
      PetscBool   had[2];
      RunPath(out, runs, s, p, sizeof(p));
      for (int q = 0; q < 2; q++) { /* each run its own checkpoint and log */
        PetscCall(PetscOptionsGetString(NULL, NULL, keep[q], saved[q], sizeof(saved[q]), &had[q]));
        if (had[q] && runs > 1) {
          PetscCall(PetscStrncpy(base, saved[q], sizeof(base)));
          RunPath(base, runs, s, per, sizeof(per));
          PetscCall(PetscOptionsSetValue(NULL, keep[q], per));
        }
      }
      PetscCall(TrainRun(gcomm, &o, &set, s, p, &mine[k]));
      for (int q = 0; q < 2; q++)
        if (had[q] && runs > 1) PetscCall(PetscOptionsSetValue(NULL, keep[q], saved[q]));
      if (PhynnRank(gcomm) == 0 && groups > 1)
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "run %ld (seed %llu): %s, %s in %.1f s\n", k + 1, (unsigned long long)s, mine[k].equation,
                              mine[k].stopped ? "stopped by a signal (its checkpoint, if any, is written)" : mine[k].recovered < 0 ? "not judged" : (mine[k].recovered ? "recovered" : "not recovered"), mine[k].seconds));
      if (mine[k].stopped) break; /* SIGTERM stops the sweep: the group starts no further run */
    }
    /* the group leaders' results to world rank 0: every other rank holds zero bytes, so a
     * bitwise OR of the bytes is the leader's copy of each run (numbers and text alike) */
    if (PhynnRank(gcomm) != 0) PetscCall(PetscMemzero(mine, runs * sizeof(*mine)));
    PetscCallMPI(MPI_Reduce(mine, results, (int)(runs * (long)sizeof(RunResult)), MPI_BYTE, MPI_BOR, 0, comm));
  }

  /* ---- the result ---- */
  if (PhynnRank(comm) == 0) {
    long recovered = 0, judged = 0, stopped = 0;
    for (long k = 0; k < runs; k++) {
      if (results[k].stopped || results[k].seconds == 0) { /* stopped by a signal, or never started after one */
        stopped += results[k].stopped != 0;
        continue;
      }
      if (results[k].recovered >= 0) judged++;
      if (results[k].recovered > 0) recovered++;
    }
    if (runs == 1 && !stopped) {
      const RunResult *r = &results[0];
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "equation: %s\nactive_terms: %s\n", r->equation, r->active[0] ? r->active : "(none)"));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "recovered: %s\n", r->recovered < 0 ? "n/a (no -expect)" : (r->recovered ? "yes" : "no")));
      for (int k = 0; k < PHYNN_SINDY_AE_TERMS; k++) PetscCall(PetscPrintf(PETSC_COMM_SELF, "final_%s: %.6e\n", PhynnSindyAETermNames[k], r->terms[k]));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "iterations: %.0f\nseconds: %.3f\nseconds_per_step: %.5f\nwrote %s\n", r->iterations, r->seconds, r->iterations > 0 ? r->seconds / r->iterations : 0.0, r->path));
    }
    if (runs > 1 && judged) PetscCall(PetscPrintf(PETSC_COMM_SELF, "recovered: %ld of %ld runs (expected terms: %s)\n", recovered, judged, o.expect));
    if ((runs > 1 || summary_set) && !stopped) { /* a one-run summary: what a job array's tasks write and jobs/sindy_gather.sh joins */
      PetscCall(WriteSummary(summary, runs, results));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "wrote %s\n", summary));
    }
  }
  PetscCall(PhynnImageSetClose(&set));
  PetscCallMPI(MPI_Comm_free(&gcomm));
  PetscCall(PetscFree2(results, mine));
  PetscFunctionReturn(0);
}
