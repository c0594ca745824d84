/* The trainer's schedule of phases, one behaviour per case: `test_trainer_phases CASE`.
 *
 *   zero_weight  A phase that gives a term weight 0 leaves it out of the gradient: 15 Adam steps
 *                on data + 0.1 reg, then 10 on data alone ("refine"), equal a run of a graph that
 *                has no reg term at all, started from the 15-step weights: every loss of the
 *                refine phase and the final weights agree to 1e-14 (same arithmetic, so in fact
 *                bitwise). Control: refining with the penalty still on ends > 1e-6 away.
 *   schedule     The phase of an iteration is a pure function of the cumulative iteration counts
 *                (what resume relies on), for the legacy two phases (-max_it, -lbfgs_it) and for
 *                added ones, including an empty phase, which owns no iteration; per-phase options
 *                (-b_it, -b_optimizer) override the phase's defaults; Train runs the sum.
 *   mask         Gradient entries masked from the start never move, neither under Adam (20
 *                steps) nor under the L-BFGS phase that follows (10 steps): checked bitwise after
 *                every step (the post-step hook), while the unmasked entries do move.
 *   hook_reset   (np 1, 2, 3) A post-step hook that zeroes one weight every 10 iterations and
 *                resets the optimiser (Adam 35 steps, then L-BFGS 10): the data-parallel run
 *                agrees with a single-rank run of all the points in the same process to 1e-10 in
 *                the final loss and the weights, the weights are bitwise equal on every rank, the
 *                hook ran once per step on every rank, and the weight was 0 after each zeroing.
 *                Control: without the reset the run ends elsewhere.
 *   prefix       A trainer with the options prefix "pre_" reads -pre_max_it 7, -pre_lbfgs_it 2,
 *                -pre_optimizer adam and -pre_lr 0.05 (its first Adam step moves the weights by
 *                at most 0.05 = lr, to 1e-6) and not -max_it 3, -optimizer nesterov, -lr 0.9
 *                (those stay unused), while a trainer without a prefix reads the bare names; an
 *                added phase under the prefix reads -pre_fit_it, not -fit_it; a prefix with a
 *                leading hyphen is refused.
 * The tiny network and data are in trainer_net.h. */
#include <string.h>

#include "phynn_test.h"
#include "trainer_net.h"

static PetscErrorCode TestZeroWeight(MPI_Comm comm)
{
  TestNet       a, a15, b, c;
  const double  w_fit[2] = {1, 0.1}, w_refine[2] = {1, 0};
  double       *ta, *t15, *tb, *tc, *gtheta, loss, terms[2], dloss = 0;
  long          n, its;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  /* a: fit with the penalty, then refine without it */
  PetscCall(TestNetCreate(comm, PETSC_TRUE, &a));
  PetscCall(PhynnTrainerSetDefaults(a.t, PHYNN_OPTIM_ADAM, 0, 1e-2, 0)); /* lr 1e-2 for every phase */
  PetscCall(PhynnTrainerAddPhase(a.t, "fit", PHYNN_OPTIM_ADAM, 15, 2, w_fit));
  PetscCall(PhynnTrainerAddPhase(a.t, "refine", PHYNN_OPTIM_ADAM, 10, 2, w_refine));
  PetscCall(TestNetSetUp(comm, &a, 11));
  PetscCall(PhynnTrainerTrain(a.t));
  PetscCall(PhynnTrainerGetResult(a.t, &its, NULL, NULL));
  CHECK(its == 25, "a ran %ld iterations, want 25", its);
  PetscCall(TestNetWeights(&a, &ta, &n));
  /* at the end (refine phase) the penalty is inactive: it reports 0 and the loss is the data term */
  PetscCall(PhynnTrainerEvaluate(a.t, &loss, terms));
  CHECK(terms[1] == 0 && loss == terms[0], "refine phase: reg reports %g (want 0), loss %.17g vs data %.17g", terms[1], loss, terms[0]);

  /* the weights after the first phase alone */
  PetscCall(TestNetCreate(comm, PETSC_TRUE, &a15));
  PetscCall(PhynnTrainerSetDefaults(a15.t, PHYNN_OPTIM_ADAM, 0, 1e-2, 0));
  PetscCall(PhynnTrainerAddPhase(a15.t, "fit", PHYNN_OPTIM_ADAM, 15, 2, w_fit));
  PetscCall(TestNetSetUp(comm, &a15, 11));
  PetscCall(PhynnTrainerTrain(a15.t));
  PetscCall(TestNetWeights(&a15, &t15, &n));
  PetscCall(PhynnTrainerEvaluate(a15.t, &loss, terms));
  CHECK(terms[1] > 1e-3, "the penalty at the 15-step weights is %g: too small for the control to mean anything", terms[1]);

  /* b: a graph without the penalty, from those weights, 10 Adam steps */
  PetscCall(TestNetCreate(comm, PETSC_FALSE, &b));
  PetscCall(PhynnTrainerSetDefaults(b.t, PHYNN_OPTIM_ADAM, 0, 1e-2, 0));
  PetscCall(PhynnTrainerAddPhase(b.t, "refine", PHYNN_OPTIM_ADAM, 10, 0, NULL));
  PetscCall(TestNetSetUp(comm, &b, 11));
  PetscCall(PhynnGraphParameters(b.g, &gtheta, NULL, NULL));
  PetscCall(PetscArraycpy(gtheta, t15, n));
  PetscCall(PhynnTrainerTrain(b.t));
  PetscCall(TestNetWeights(&b, &tb, &n));
  for (int k = 0; k < 10; k++) dloss = fmax(dloss, fabs(a.loss[15 + k] - b.loss[k]) / fabs(b.loss[k]));
  CHECK(a.nloss == 25 && b.nloss == 10, "monitor saw %d and %d iterations", a.nloss, b.nloss);
  CHECK_CLOSE("refine-phase losses vs a graph without the term: max relative difference", dloss, 0, 0, 1e-14);
  CHECK_CLOSE("weights after refine vs a graph without the term: max |difference|", MaxAbsDiff(n, ta, tb), 0, 0, 1e-14);

  /* control: the same refine with the penalty on goes elsewhere */
  PetscCall(TestNetCreate(comm, PETSC_TRUE, &c));
  PetscCall(PhynnTrainerSetDefaults(c.t, PHYNN_OPTIM_ADAM, 0, 1e-2, 0));
  PetscCall(PhynnTrainerAddPhase(c.t, "fit", PHYNN_OPTIM_ADAM, 15, 2, w_fit));
  PetscCall(PhynnTrainerAddPhase(c.t, "refine", PHYNN_OPTIM_ADAM, 10, 2, w_fit));
  PetscCall(TestNetSetUp(comm, &c, 11));
  PetscCall(PhynnTrainerTrain(c.t));
  PetscCall(TestNetWeights(&c, &tc, &n));
  CHECK(MaxAbsDiff(n, tc, tb) > 1e-6, "control: refining with the penalty ends %.3g from refining without it; the test proves nothing", MaxAbsDiff(n, tc, tb));
  if (MaxAbsDiff(n, tc, tb) > 1e-6) PetscCall(PhynnPrintf(comm, "ok   control: refining with the penalty on ends %.3g away\n", MaxAbsDiff(n, tc, tb)));
  PetscCall(PetscFree(ta));
  PetscCall(PetscFree(t15));
  PetscCall(PetscFree(tb));
  PetscCall(PetscFree(tc));
  PetscCall(TestNetDestroy(&a));
  PetscCall(TestNetDestroy(&a15));
  PetscCall(TestNetDestroy(&b));
  PetscCall(TestNetDestroy(&c));
  PetscFunctionReturn(0);
}

/* Phase of each iteration in `its` against `want`, by name and type. */
static PetscErrorCode CheckPhases(PhynnTrainer t, const char *what, int nits, const long *its, const int *want, const char *const *names, const PhynnOptimType *types)
{
  int bad = 0;
  PetscFunctionBegin;
  for (int i = 0; i < nits; i++) {
    int            k;
    const char    *name;
    PhynnOptimType type;
    PetscCall(PhynnTrainerGetPhase(t, its[i], &k, &name, &type));
    if (k != want[i] || strcmp(name, names[k]) || type != types[k]) {
      bad++;
      CHECK(0, "%s: iteration %ld is in phase %d '%s' (%s), want %d '%s' (%s)", what, its[i], k, name, PhynnOptimTypes[type], want[i], names[want[i]], PhynnOptimTypes[types[want[i]]]);
    }
  }
  if (!bad) printf("ok   %s: the phases of %d iterations\n", what, nits);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestSchedule(MPI_Comm comm)
{
  TestNet n1, n2, n3;
  long    max_it, rest, its;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  { /* legacy: 7 adam, then 3 lbfgs */
    const long           it[6]    = {0, 6, 7, 9, 10, 1000};
    const int            want[6]  = {0, 0, 1, 1, 1, 1};
    const char *const    names[2] = {"adam", "lbfgs"};
    const PhynnOptimType types[2] = {PHYNN_OPTIM_ADAM, PHYNN_OPTIM_LBFGS};
    PetscCall(TestNetCreate(comm, PETSC_FALSE, &n1));
    PetscCall(PhynnTrainerSetDefaults(n1.t, PHYNN_OPTIM_ADAM, 7, 1e-2, 3));
    PetscCall(TestNetSetUp(comm, &n1, 3));
    PetscCall(CheckPhases(n1.t, "legacy -max_it 7 -lbfgs_it 3", 6, it, want, names, types));
    PetscCall(PhynnTrainerTrain(n1.t));
    PetscCall(PhynnTrainerGetResult(n1.t, &its, NULL, NULL));
    CHECK(its == 10 && n1.nloss == 10, "legacy: %ld iterations (monitor %d), want 10", its, n1.nloss);
  }
  { /* legacy without L-BFGS: one phase owns every iteration */
    const long           it[3]    = {0, 4, 99};
    const int            want[3]  = {0, 0, 0};
    const char *const    names[1] = {"momentum"};
    const PhynnOptimType types[1] = {PHYNN_OPTIM_MOMENTUM};
    PetscCall(TestNetCreate(comm, PETSC_FALSE, &n2));
    PetscCall(PhynnTrainerSetDefaults(n2.t, PHYNN_OPTIM_MOMENTUM, 5, 1e-2, 0));
    PetscCall(TestNetSetUp(comm, &n2, 3));
    PetscCall(CheckPhases(n2.t, "legacy -optimizer momentum -max_it 5 -lbfgs_it 0", 3, it, want, names, types));
  }
  { /* added: a (adam 4), empty (sgd 0), b (defaults lbfgs 9; options make it nesterov 3), c (gd 2) */
    const long           it[7]    = {0, 3, 4, 6, 7, 8, 50};
    const int            want[7]  = {0, 0, 2, 2, 3, 3, 3};
    const char *const    names[4] = {"a", "empty", "b", "c"};
    const PhynnOptimType types[4] = {PHYNN_OPTIM_ADAM, PHYNN_OPTIM_SGD, PHYNN_OPTIM_NESTEROV, PHYNN_OPTIM_GD};
    PetscCall(PetscOptionsSetValue(NULL, "-b_it", "3"));
    PetscCall(PetscOptionsSetValue(NULL, "-b_optimizer", "nesterov"));
    PetscCall(TestNetCreate(comm, PETSC_FALSE, &n3));
    PetscCall(PhynnTrainerAddPhase(n3.t, "a", PHYNN_OPTIM_ADAM, 4, 0, NULL));
    PetscCall(PhynnTrainerAddPhase(n3.t, "empty", PHYNN_OPTIM_SGD, 0, 0, NULL));
    PetscCall(PhynnTrainerAddPhase(n3.t, "b", PHYNN_OPTIM_LBFGS, 9, 0, NULL));
    PetscCall(PhynnTrainerAddPhase(n3.t, "c", PHYNN_OPTIM_GD, 2, 0, NULL));
    PetscCall(TestNetSetUp(comm, &n3, 3));
    PetscCall(CheckPhases(n3.t, "added phases 4, 0, 3 (option -b_it), 2", 7, it, want, names, types));
    PetscCall(PhynnTrainerGetSchedule(n3.t, &max_it, &rest));
    CHECK(max_it == 4 && rest == 5, "GetSchedule: %ld and %ld, want 4 (first phase) and 5 (the others)", max_it, rest);
    PetscCall(PhynnTrainerTrain(n3.t));
    PetscCall(PhynnTrainerGetResult(n3.t, &its, NULL, NULL));
    CHECK(its == 9 && n3.nloss == 9, "added phases: %ld iterations (monitor %d), want 9", its, n3.nloss);
    if (its == 9) printf("ok   added phases: Train ran 4 + 0 + 3 + 2 = 9 iterations\n");
  }
  PetscCall(TestNetDestroy(&n1));
  PetscCall(TestNetDestroy(&n2));
  PetscCall(TestNetDestroy(&n3));
  PetscFunctionReturn(0);
}

/* ---- mask ---- */
typedef struct {
  const double *init;  /* the weights before training */
  const double *mask;  /* full-length 0/1 */
  long          n;
  int           steps, moved_masked, moved_free;
  double       *prev;
} MaskWatch;

static PetscErrorCode WatchMask(void *ctx, long iteration, double *theta, long n)
{
  MaskWatch *w = (MaskWatch *)ctx;
  int        free_moved = 0;
  (void)iteration;
  w->steps++;
  for (long i = 0; i < n; i++) {
    if (w->mask[i] == 0 && memcmp(&theta[i], &w->init[i], sizeof(double))) w->moved_masked++;
    if (w->mask[i] == 1 && theta[i] != w->prev[i]) free_moved = 1;
    w->prev[i] = theta[i];
  }
  w->moved_free += free_moved;
  return 0;
}

static PetscErrorCode TestMask(MPI_Comm comm)
{
  TestNet   net;
  double   *init, *mask, *gtheta, *final;
  long      n, off, size;
  MaskWatch w = {0};
  int       nmasked = 0, same = 1;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  PetscCall(TestNetCreate(comm, PETSC_FALSE, &net));
  PetscCall(PhynnTrainerSetDefaults(net.t, PHYNN_OPTIM_ADAM, 20, 1e-2, 10));
  PetscCall(TestNetSetUp(comm, &net, 5));
  PetscCall(TestNetWeights(&net, &init, &n));
  PetscCall(PetscMalloc2(n, &mask, n, &w.prev));
  for (long i = 0; i < n; i++) mask[i] = 1;
  /* the first 5 entries of W1, all of b2, and the last weight of the output layer */
  PetscCall(PhynnGraphParamSlice(net.g, net.mlp.W[0], &off, &size));
  for (long i = 0; i < 5; i++) mask[off + i] = 0;
  PetscCall(PhynnGraphParamSlice(net.g, net.mlp.b[1], &off, &size));
  for (long i = 0; i < size; i++) mask[off + i] = 0;
  PetscCall(PhynnGraphParamSlice(net.g, net.mlp.W[2], &off, &size));
  mask[off + size - 1] = 0;
  /* set slice by slice, as a caller would (b2 is zero-initialised: give it a non-zero start so
   * that "did not move" is not "stayed at zero by accident") */
  PetscCall(PhynnGraphParameters(net.g, &gtheta, NULL, NULL));
  PetscCall(PhynnGraphParamSlice(net.g, net.mlp.b[1], &off, &size));
  for (long i = 0; i < size; i++) gtheta[off + i] = init[off + i] = 0.25 - 0.1 * (double)i;
  for (long i = 0; i < n; i++) nmasked += mask[i] == 0;
  PetscCall(PhynnTrainerSetGradientMask(net.t, 0, n, mask));
  w.init = init;
  w.mask = mask;
  w.n    = n;
  PetscCall(PetscArraycpy(w.prev, init, n));
  PetscCall(PhynnTrainerSetPostStep(net.t, WatchMask, &w));
  PetscCall(PhynnTrainerTrain(net.t));
  PetscCall(TestNetWeights(&net, &final, &n));
  for (long i = 0; i < n; i++)
    if (mask[i] == 0 && memcmp(&final[i], &init[i], sizeof(double))) same = 0;
  CHECK(w.steps == 30, "the post-step hook ran %d times, want 30 (20 Adam + 10 L-BFGS)", w.steps);
  CHECK(w.moved_masked == 0 && same, "masked entries moved %d times (final weights equal: %d)", w.moved_masked, same);
  CHECK(w.moved_free == 30, "unmasked entries moved in %d of 30 steps", w.moved_free);
  if (w.steps == 30 && w.moved_masked == 0 && same && w.moved_free == 30) printf("ok   %d masked entries bitwise unchanged after each of 20 Adam and 10 L-BFGS steps; the other %ld moved in every step\n", nmasked, n - nmasked);
  PetscCall(PetscFree2(mask, w.prev));
  PetscCall(PetscFree(init));
  PetscCall(PetscFree(final));
  PetscCall(TestNetDestroy(&net));
  PetscFunctionReturn(0);
}

/* ---- hook_reset ---- */
typedef struct {
  PhynnTrainer t;
  long         j;      /* the weight the hook zeroes */
  PetscBool    reset;
  int          calls, zero_after;
  long         last;   /* the last iteration seen */
  int          in_order;
} Thresh;

static PetscErrorCode Threshold(void *ctx, long iteration, double *theta, long n)
{
  Thresh *h = (Thresh *)ctx;
  PetscFunctionBegin;
  (void)n;
  h->calls++;
  h->in_order += iteration == h->last + 1;
  h->last = iteration;
  if (iteration % 10 == 0) {
    theta[h->j] = 0;
    if (h->reset) PetscCall(PhynnTrainerResetOptimizer(h->t));
  }
  /* the value the next step starts from */
  if (iteration % 10 == 0 && theta[h->j] == 0) h->zero_after++;
  PetscFunctionReturn(0);
}

static PetscErrorCode RunThreshold(MPI_Comm comm, PetscBool reset, double *loss, double **theta, long *n, Thresh *h)
{
  TestNet net;
  long    off, size;
  PetscFunctionBegin;
  PetscCall(TestNetCreate(comm, PETSC_FALSE, &net));
  PetscCall(PhynnTrainerSetDefaults(net.t, PHYNN_OPTIM_ADAM, 35, 1e-2, 10));
  PetscCall(TestNetSetUp(comm, &net, 9));
  PetscCall(PhynnGraphParamSlice(net.g, net.mlp.W[1], &off, &size));
  PetscCall(PetscMemzero(h, sizeof(*h)));
  h->t     = net.t;
  h->j     = off + 7;
  h->reset = reset;
  PetscCall(PhynnTrainerSetPostStep(net.t, Threshold, h));
  PetscCall(PhynnTrainerTrain(net.t));
  PetscCall(PhynnTrainerGetResult(net.t, NULL, loss, NULL));
  PetscCall(TestNetWeights(&net, theta, n));
  PetscCall(TestNetDestroy(&net));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestHookReset(MPI_Comm comm)
{
  double lpar, lser, lctl, *tpar, *tser, *tctl, *t0;
  long   n;
  Thresh hp, hs, hc;
  int    rank = PhynnRank(comm), size = PhynnSize(comm), same, all = 0, calls_ok, all_calls = 0;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  PetscCall(RunThreshold(comm, PETSC_TRUE, &lpar, &tpar, &n, &hp));
  PetscCall(RunThreshold(PETSC_COMM_SELF, PETSC_TRUE, &lser, &tser, &n, &hs));
  PetscCall(RunThreshold(PETSC_COMM_SELF, PETSC_FALSE, &lctl, &tctl, &n, &hc));
  if (rank == 0) printf("np=%d: data-parallel loss %.15e, single-rank loss %.15e\n", size, lpar, lser);
  CHECK_CLOSE("loss with a zeroing+reset hook, data-parallel vs single rank", lpar, lser, 1e-10, 0);
  CHECK_CLOSE("weights with a zeroing+reset hook, data-parallel vs single rank: max |difference|", MaxAbsDiff(n, tpar, tser), 0, 0, 1e-10);
  calls_ok = hp.calls == 45 && hp.in_order == 45 && hp.zero_after == 4;
  PetscCallMPI(MPI_Allreduce(&calls_ok, &all_calls, 1, MPI_INT, MPI_MIN, comm));
  CHECK(all_calls, "rank %d: hook ran %d times (%d in order), weight zero after %d zeroings; want 45, 45, 4", rank, hp.calls, hp.in_order, hp.zero_after);
  if (rank == 0 && all_calls) printf("ok   the hook ran after each of the 45 steps on all %d ranks, in order, and the weight was 0 after each of its 4 zeroings\n", size);
  PetscCall(PetscMalloc1(n, &t0));
  PetscCall(PetscArraycpy(t0, tpar, n));
  PetscCallMPI(MPI_Bcast(t0, (int)n, MPI_DOUBLE, 0, comm));
  same = memcmp(t0, tpar, sizeof(double) * (size_t)n) == 0;
  PetscCallMPI(MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm));
  CHECK(all, "weights differ between ranks");
  if (rank == 0 && all) printf("ok   weights bitwise identical on all %d ranks\n", size);
  CHECK(MaxAbsDiff(n, tser, tctl) > 1e-6, "control: without the reset the weights end %.3g away; the reset is not shown to matter", MaxAbsDiff(n, tser, tctl));
  if (rank == 0 && MaxAbsDiff(n, tser, tctl) > 1e-6) printf("ok   control: without the reset the weights end %.3g away\n", MaxAbsDiff(n, tser, tctl));
  PetscCall(PetscFree(t0));
  PetscCall(PetscFree(tpar));
  PetscCall(PetscFree(tser));
  PetscCall(PetscFree(tctl));
  PetscFunctionReturn(0);
}

/* ---- prefix ---- */
typedef struct {
  const double *init;
  double        step1; /* max |theta - init| after the first step */
} FirstStep;

static PetscErrorCode WatchFirstStep(void *ctx, long iteration, double *theta, long n)
{
  FirstStep *w = (FirstStep *)ctx;
  if (iteration == 1) w->step1 = MaxAbsDiff(n, theta, w->init);
  return 0;
}

/* Whether an option ("-name") was read; PETSc keeps the names without the dash. */
static PetscBool Used(const char *name)
{
  PetscBool used = PETSC_FALSE;
  PetscOptionsUsed(NULL, name + 1, &used);
  return used;
}

static PetscErrorCode TestPrefix(MPI_Comm comm)
{
  TestNet        a, b, c, d;
  long           max_it, lbfgs_it, its, n;
  PhynnOptimType type;
  double        *init;
  FirstStep      w = {NULL, 0};
  PetscErrorCode ierr;
  const char    *pre;
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  PetscCall(PetscOptionsSetValue(NULL, "-max_it", "3"));
  PetscCall(PetscOptionsSetValue(NULL, "-lbfgs_it", "0"));
  PetscCall(PetscOptionsSetValue(NULL, "-optimizer", "nesterov"));
  PetscCall(PetscOptionsSetValue(NULL, "-lr", "0.9"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_max_it", "7"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_lbfgs_it", "2"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_optimizer", "adam"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_lr", "0.05"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_quiet", "true"));
  PetscCall(PetscOptionsSetValue(NULL, "-fit_it", "6"));
  PetscCall(PetscOptionsSetValue(NULL, "-pre_fit_it", "4"));

  PetscCall(TestNetCreate(comm, PETSC_FALSE, &a));
  PetscCall(PhynnTrainerSetOptionsPrefix(a.t, "pre_"));
  PetscCall(PhynnTrainerGetOptionsPrefix(a.t, &pre));
  CHECK(!strcmp(pre, "pre_"), "GetOptionsPrefix gives '%s'", pre);
  PetscCall(TestNetSetUp(comm, &a, 5));
  PetscCall(PhynnTrainerGetSchedule(a.t, &max_it, &lbfgs_it));
  PetscCall(PhynnTrainerGetPhase(a.t, 0, NULL, NULL, &type));
  CHECK(max_it == 7 && lbfgs_it == 2 && type == PHYNN_OPTIM_ADAM, "prefixed trainer: -max_it %ld -lbfgs_it %ld -optimizer %s, want 7, 2, adam", max_it, lbfgs_it, PhynnOptimTypes[type]);
  CHECK(Used("-pre_max_it") && Used("-pre_lbfgs_it") && Used("-pre_optimizer") && Used("-pre_lr") && Used("-pre_quiet"), "a -pre_ option was not read: %d %d %d %d %d", Used("-pre_max_it"), Used("-pre_lbfgs_it"), Used("-pre_optimizer"), Used("-pre_lr"), Used("-pre_quiet"));
  CHECK(!Used("-max_it") && !Used("-lbfgs_it") && !Used("-optimizer") && !Used("-lr"), "the prefixed trainer read a bare option");
  if (max_it == 7 && lbfgs_it == 2 && type == PHYNN_OPTIM_ADAM && !Used("-max_it") && !Used("-lr")) printf("ok   prefix pre_: -pre_max_it 7 -pre_lbfgs_it 2 -pre_optimizer adam read; -max_it, -lbfgs_it, -optimizer, -lr unused\n");
  PetscCall(TestNetWeights(&a, &init, &n));
  w.init = init;
  PetscCall(PhynnTrainerSetPostStep(a.t, WatchFirstStep, &w));
  PetscCall(PhynnTrainerTrain(a.t));
  PetscCall(PhynnTrainerGetResult(a.t, &its, NULL, NULL));
  CHECK(its == 9, "prefixed trainer ran %ld iterations, want 7 + 2", its);
  CHECK_CLOSE("prefixed trainer: largest change in the first Adam step (= -pre_lr 0.05, not -lr 0.9)", w.step1, 0.05, 1e-6, 0);

  PetscCall(TestNetCreate(comm, PETSC_FALSE, &b));
  PetscCall(TestNetSetUp(comm, &b, 5));
  PetscCall(PhynnTrainerGetSchedule(b.t, &max_it, &lbfgs_it));
  PetscCall(PhynnTrainerGetPhase(b.t, 0, NULL, NULL, &type));
  CHECK(max_it == 3 && lbfgs_it == 0 && type == PHYNN_OPTIM_NESTEROV, "plain trainer: %ld, %ld, %s; want 3, 0, nesterov", max_it, lbfgs_it, PhynnOptimTypes[type]);
  if (max_it == 3 && lbfgs_it == 0 && type == PHYNN_OPTIM_NESTEROV) printf("ok   no prefix: -max_it 3 -lbfgs_it 0 -optimizer nesterov read\n");

  PetscCall(TestNetCreate(comm, PETSC_FALSE, &c));
  PetscCall(PhynnTrainerSetOptionsPrefix(c.t, "pre_"));
  PetscCall(PhynnTrainerAddPhase(c.t, "fit", PHYNN_OPTIM_ADAM, 5, 0, NULL));
  PetscCall(TestNetSetUp(comm, &c, 5));
  PetscCall(PhynnTrainerGetSchedule(c.t, &max_it, NULL));
  CHECK(max_it == 4 && !Used("-fit_it"), "prefixed phase 'fit' has %ld iterations (want -pre_fit_it 4); -fit_it used: %d", max_it, (int)Used("-fit_it"));
  if (max_it == 4 && !Used("-fit_it")) printf("ok   prefixed phase: -pre_fit_it 4 read, -fit_it unused\n");

  PetscCall(TestNetCreate(comm, PETSC_FALSE, &d));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PhynnTrainerSetOptionsPrefix(d.t, "-pre_");
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr != 0, "a prefix with a leading hyphen was accepted");
  PetscCall(PetscFree(init));
  PetscCall(TestNetDestroy(&a));
  PetscCall(TestNetDestroy(&b));
  PetscCall(TestNetDestroy(&c));
  PetscCall(TestNetDestroy(&d));
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  int    argc;
  char **argv;
  PetscFunctionBegin;
  PetscCall(PetscGetArgs(&argc, &argv));
  PetscCheck(argc >= 2, comm, PETSC_ERR_ARG_WRONG, "usage: test_trainer_phases CASE; see tests/mpi/CMakeLists.txt for the cases");
  if (!strcmp(argv[1], "zero_weight")) PetscCall(TestZeroWeight(comm));
  else if (!strcmp(argv[1], "schedule")) PetscCall(TestSchedule(comm));
  else if (!strcmp(argv[1], "mask")) PetscCall(TestMask(comm));
  else if (!strcmp(argv[1], "prefix")) PetscCall(TestPrefix(comm));
  else if (!strcmp(argv[1], "hook_reset")) PetscCall(TestHookReset(comm));
  else SETERRQ(comm, PETSC_ERR_ARG_WRONG, "test_trainer_phases: unknown case '%s'", argv[1]);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
