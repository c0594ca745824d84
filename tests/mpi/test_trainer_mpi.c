/* Data-parallel training agrees with a single-rank run on all the points.
 *
 * Every rank trains the same small regression ([2,8,8,1] tanh, 37 points: uneven splits over 2
 * and 3 ranks, plus a second term with jets so PINN-style terms are covered) twice: once data-
 * parallel over the world communicator with its share of the points, once alone on
 * PETSC_COMM_SELF with all the points in reverse order (so even at 1 rank the two runs are not
 * the same computation: every sum over the points runs the other way). After 100 Adam steps and
 * 20 L-BFGS steps:
 *   - the losses agree to 1e-10 relative (only the summation order differs);
 *   - the data-parallel weights are bitwise identical on every rank (one allreduce gives every
 *     rank the same gradient, so the optimisers take identical steps). */
#include <string.h>

#include "phynn/random.h"
#include "phynn/options.h"
#include "phynn/trainer.h"
#include "phynn_test.h"

#define NPTS 37

typedef struct {
  PhynnTrainer t;
  PhynnModel   m;
} Run;

static PetscErrorCode Train(MPI_Comm comm, const double *pts, const double *y, long start, long count, double *loss, double **theta, long *n)
{
  PhynnGraph  g;
  PhynnModel  m;
  PhynnJet    jet;
  int         X, Y, out, data, ut, uxx, r, pde, blocks[2], nreq;
  const char  names[2][32] = {"x", "t"};
  PhynnTrainer t;
  double      *gtheta;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetSpec(m, "input points dims=2 names=x,t lb=-1,0 ub=1,2; mlp net(points) sizes=2,8,8,1 act=tanh; output net names=u", "test"));
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnModelSetUp(m, g, &(PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}));
  PetscCall(PhynnGraphInput(g, "points", 2, &X));
  PetscCall(PhynnGraphInput(g, "y", 1, &Y));
  PetscCall(PhynnModelApply(m, g, &X, NULL, &out));
  PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, out, Y, &data));
  /* a heat-like residual on the same points: u_t - 0.1 u_xx */
  PetscCall(PhynnJetFromNames(comm, 2, names, "t,xx", &jet, &nreq, blocks, NULL));
  int Xj, outj;
  PetscCall(PhynnGraphInput(g, "collocation", 2, &Xj));
  PetscCall(PhynnModelApply(m, g, &Xj, &jet, &outj));
  PetscCall(PhynnGraphSlice(g, outj, PhynnJetBlocks(&jet), blocks[0], 0, &ut));
  PetscCall(PhynnGraphSlice(g, outj, PhynnJetBlocks(&jet), blocks[1], 0, &uxx));
  PetscCall(PhynnGraphScale(g, uxx, -0.1, &r));
  PetscCall(PhynnGraphAdd(g, ut, r, &r));
  PetscCall(PhynnGraphMeanSquare(g, r, &pde));
  PetscCall(PhynnTrainerCreate(comm, g, &t));
  PetscCall(PhynnTrainerAddTerm(t, "data", data, 1.0, count));
  PetscCall(PhynnTrainerAddTerm(t, "pde", pde, 0.5, count));
  PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, 100, 1e-2, 20));
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnTrainerSetFromOptions(t));
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnTrainerInitParameters(t, 7));
  PetscCall(PhynnGraphSetInput(g, X, count, pts + 2 * start));
  PetscCall(PhynnGraphSetInput(g, Y, count, y + start));
  PetscCall(PhynnGraphSetInput(g, Xj, count, pts + 2 * start));
  PetscCall(PhynnTrainerTrain(t));
  PetscCall(PhynnTrainerGetResult(t, NULL, loss, NULL));
  PetscCall(PhynnGraphParameters(g, &gtheta, NULL, n));
  PetscCall(PetscMalloc1(*n, theta));
  PetscCall(PetscArraycpy(*theta, gtheta, *n));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  double pts[2 * NPTS], y[NPTS], rpts[2 * NPTS], ry[NPTS], lpar, lser, *tpar, *tser, *t0;
  long   start, count, n;
  int    rank = PhynnRank(comm), size = PhynnSize(comm);
  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-quiet", "true"));
  for (int i = 0; i < NPTS; i++) {
    pts[2 * i]     = -1 + 2 * PhynnUniform(3, 1, (uint64_t)i);
    pts[2 * i + 1] = 2 * PhynnUniform(3, 2, (uint64_t)i);
    y[i]           = sin(2 * pts[2 * i]) * exp(-pts[2 * i + 1]);
  }
  PhynnSplitRange(NPTS, rank, size, &start, &count);
  PetscCall(Train(comm, pts, y, start, count, &lpar, &tpar, &n));
  for (int i = 0; i < NPTS; i++) {
    rpts[2 * i]     = pts[2 * (NPTS - 1 - i)];
    rpts[2 * i + 1] = pts[2 * (NPTS - 1 - i) + 1];
    ry[i]           = y[NPTS - 1 - i];
  }
  PetscCall(Train(PETSC_COMM_SELF, rpts, ry, 0, NPTS, &lser, &tser, &n));
  if (rank == 0) printf("np=%d: data-parallel loss %.15e, single-rank loss %.15e\n", size, lpar, lser);
  CHECK_CLOSE("data-parallel loss vs single-rank loss (points reversed) after 100 Adam + 20 L-BFGS steps", lpar, lser, 1e-10, 0);
  /* bitwise identical weights on every rank */
  PetscCall(PetscMalloc1(n, &t0));
  PetscCall(PetscArraycpy(t0, tpar, n));
  PetscCallMPI(MPI_Bcast(t0, (int)n, MPI_DOUBLE, 0, comm));
  int same = memcmp(t0, tpar, sizeof(double) * (size_t)n) == 0, all = 0;
  PetscCallMPI(MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm));
  CHECK(all, "weights differ between ranks after data-parallel training");
  if (rank == 0 && all) printf("ok   weights bitwise identical on all %d ranks\n", size);
  PetscCall(PetscFree(t0));
  PetscCall(PetscFree(tpar));
  PetscCall(PetscFree(tser));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
