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

static PetscErrorCode Body(MPI_Comm comm)
{
  int    argc;
  char **argv;
  PetscFunctionBegin;
  PetscCall(PetscGetArgs(&argc, &argv));
  PetscCheck(argc >= 2, comm, PETSC_ERR_ARG_WRONG, "usage: test_trainer_phases CASE; see tests/mpi/CMakeLists.txt for the cases");
  if (!strcmp(argv[1], "zero_weight")) PetscCall(TestZeroWeight(comm));
  else if (!strcmp(argv[1], "schedule")) PetscCall(TestSchedule(comm));
  else SETERRQ(comm, PETSC_ERR_ARG_WRONG, "test_trainer_phases: unknown case '%s'", argv[1]);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
