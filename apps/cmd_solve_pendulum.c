/* `phynn solve pendulum`: reference trajectories of the simple pendulum as NetCDF.
 *
 *   phynn solve pendulum [-theta0 A -omega0 W -g G -l L -linear -tf T -nt N] [-o pendulum.nc]
 *   mpirun -np P phynn solve pendulum -ntraj N -seed S      (Champion et al.'s trajectory set)
 *
 * One trajectory: t, theta(t), omega(t), energy(t). With -ntraj N: N trajectories from sampled
 * initial conditions, split over the ranks, gathered to rank 0, which writes theta(traj, t) etc. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "pendulum_sampling.h"
#include "phynn/gather.h"
#include "phynn/ncfile.h"
#include "phynn/pendulum.h"

typedef struct {
  PhynnPendulum        p;
  PhynnPendulumSampler smp;
  double               theta0, omega0, tf;
  long                 nt, ntraj;
  char                 out[PETSC_MAX_PATH_LEN];
  char                 method[128];
  long                 steps; /* accepted steps of the (first) trajectory */
} PendulumRun;

static PetscErrorCode WriteFile(MPI_Comm comm, const PendulumRun *r, const double *theta0, const double *omega0, const double *th, const double *om)
{
  PhynnNcWriter w;
  const long    ntraj = r->ntraj > 0 ? r->ntraj : 1, nt = r->nt;
  int           dt, dtraj = -1, vt, vtraj = -1, vth, vom, ven, vth0 = -1, vom0 = -1, dims[2];
  double       *buf;

  PetscFunctionBegin;
  if (PhynnRank(comm) != 0) PetscFunctionReturn(0);
  PetscCall(PhynnNcCreate(r->out, &w));
  PetscCall(PhynnNcPutProvenance(&w, r->ntraj > 0 ? "phynn reference trajectories of the simple pendulum" : "phynn reference solution of the simple pendulum"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "equation", r->p.linear ? "theta'' + (g/l) theta = 0 (small-angle pendulum)" : "theta'' + (g/l) sin(theta) = 0 (simple pendulum)"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "initial_condition", r->ntraj > 0 ? "theta(0) = theta0(traj), theta'(0) = omega0(traj), sampled (see sampling)" : "theta(0) = theta0, theta'(0) = omega0"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "g", r->p.g));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "l", r->p.l));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "linear", r->p.linear ? "true" : "false"));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "tf", r->tf));
  PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "nt", r->nt));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "solver", r->method));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_rtol", r->p.rtol));
  PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "solver_atol", r->p.atol));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "output_times", "t_i = tf i/(nt-1), reached exactly by the integrator (TS_EXACTFINALTIME_MATCHSTEP), not interpolated"));
  if (r->ntraj > 0) {
    char rule[256];
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "ntraj", r->ntraj));
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "seed", (long)r->smp.seed));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "theta_range", r->smp.theta_max));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "omega_range", r->smp.omega_max));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "accept", r->smp.accept));
    snprintf(rule, sizeof(rule), "Champion et al. 2019: theta0 ~ U[-%g, %g], omega0 ~ U[-%g, %g], kept if |omega0^2/2 - (g/l) cos theta0| <= %g (g/l); Philox draws per trajectory", r->smp.theta_max,
             r->smp.theta_max, r->smp.omega_max, r->smp.omega_max, r->smp.accept);
    PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "sampling", rule));
  } else {
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "theta0", r->theta0));
    PetscCall(PhynnNcPutDouble(&w, NC_GLOBAL, "omega0", r->omega0));
    PetscCall(PhynnNcPutInt(&w, NC_GLOBAL, "solver_steps", r->steps));
  }
  PetscCall(PhynnNcDefCoord(&w, "t", (size_t)nt, "s", "time", &dt, &vt));
  if (r->ntraj > 0) {
    PetscCall(PhynnNcDefCoord(&w, "traj", (size_t)ntraj, "1", "trajectory index", &dtraj, &vtraj));
    PetscCall(PhynnNcDefVar(&w, "theta0", 1, &dtraj, "rad", "initial angle of each trajectory", &vth0));
    PetscCall(PhynnNcDefVar(&w, "omega0", 1, &dtraj, "rad s-1", "initial angular velocity of each trajectory", &vom0));
    dims[0] = dtraj;
    dims[1] = dt;
  } else dims[0] = dt;
  const int nd = r->ntraj > 0 ? 2 : 1;
  PetscCall(PhynnNcDefVar(&w, "theta", nd, dims, "rad", "angle from the downward vertical", &vth));
  PetscCall(PhynnNcDefVar(&w, "omega", nd, dims, "rad s-1", "angular velocity dtheta/dt", &vom));
  PetscCall(PhynnNcDefVar(&w, "energy", nd, dims, "s-2", r->p.linear ? "energy per unit m l^2: omega^2/2 + (g/l) theta^2/2" : "energy per unit m l^2: omega^2/2 - (g/l) cos(theta)", &ven));
  PetscCall(PetscMalloc1(ntraj * nt, &buf));
  for (long i = 0; i < nt; i++) buf[i] = (i == nt - 1) ? r->tf : r->tf * (double)i / (double)(nt - 1);
  PetscCall(PhynnNcPutVarDoubles(&w, vt, buf));
  if (r->ntraj > 0) {
    for (long i = 0; i < ntraj; i++) buf[i] = (double)i;
    PetscCall(PhynnNcPutVarDoubles(&w, vtraj, buf));
    PetscCall(PhynnNcPutVarDoubles(&w, vth0, theta0));
    PetscCall(PhynnNcPutVarDoubles(&w, vom0, omega0));
  }
  PetscCall(PhynnNcPutVarDoubles(&w, vth, th));
  PetscCall(PhynnNcPutVarDoubles(&w, vom, om));
  for (long i = 0; i < ntraj * nt; i++) buf[i] = PhynnPendulumEnergy(&r->p, th[i], om[i]);
  PetscCall(PhynnNcPutVarDoubles(&w, ven, buf));
  PetscCall(PetscFree(buf));
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdSolvePendulum(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  PendulumRun         r;
  PhynnPendulumSolver s = NULL;
  double              omega_range, seed;
  PetscBool           quiet;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(PhynnOptReal("g", 9.81, "gravitational acceleration g (m s-2), > 0", &r.p.g, NULL));
  PetscCall(PhynnOptReal("l", 1.0, "pendulum length l (m), > 0", &r.p.l, NULL));
  PetscCall(PhynnOptBool("linear", PETSC_FALSE, "solve the small-angle equation theta'' + (g/l) theta = 0", &r.p.linear, NULL));
  PetscCall(PhynnOptReal("theta0", M_PI / 4, "initial angle (rad)", &r.theta0, NULL));
  PetscCall(PhynnOptReal("omega0", 0.0, "initial angular velocity (rad/s)", &r.omega0, NULL));
  PetscCall(PhynnOptReal("tf", 10.0, "final time (s), > 0", &r.tf, NULL));
  PetscCall(PhynnOptInt("nt", 501, "number of output times t_i = tf i/(nt-1), >= 2", &r.nt, NULL));
  PetscCall(PhynnOptReal("rtol", 1e-13, "relative local error tolerance of the adaptive RK5(4) integrator", &r.p.rtol, NULL));
  PetscCall(PhynnOptReal("atol", 1e-13, "absolute local error tolerance of the adaptive RK5(4) integrator", &r.p.atol, NULL));
  PetscCall(PhynnOptInt("ntraj", 0, "number of trajectories with sampled initial conditions (0: one trajectory from -theta0, -omega0)", &r.ntraj, NULL));
  PetscCall(PhynnPendulumSamplingOptions(&r.smp, &seed, &omega_range));
  PetscCall(PhynnOptString("o", "pendulum.nc", "output NetCDF file", r.out, sizeof(r.out), NULL));
  PetscCall(PhynnOptBool("quiet", PETSC_FALSE, "print nothing but errors", &quiet, NULL));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);

  PetscCall(PhynnCommandCheckArgs(comm, "solve pendulum", "", nargs, 0, 0));
  (void)args;
  PetscCheck(r.p.g > 0, comm, PHYNN_ERR_INPUT, "option -g: %.10g is not positive; the gravitational acceleration must be > 0", r.p.g);
  PetscCheck(r.p.l > 0, comm, PHYNN_ERR_INPUT, "option -l: %.10g is not positive; the pendulum length must be > 0", r.p.l);
  PetscCheck(r.tf > 0, comm, PHYNN_ERR_INPUT, "option -tf: %.10g is not positive; the final time must be > 0", r.tf);
  PetscCheck(r.nt >= 2, comm, PHYNN_ERR_INPUT, "option -nt: %ld is too small; give at least 2 output times", r.nt);
  PetscCheck(r.p.rtol > 0 && r.p.atol > 0, comm, PHYNN_ERR_INPUT, "options -rtol/-atol: tolerances must be > 0 (got %.10g, %.10g)", r.p.rtol, r.p.atol);
  PetscCheck(r.ntraj >= 0, comm, PHYNN_ERR_INPUT, "option -ntraj: %ld is negative; give 0 (one trajectory) or a positive count", r.ntraj);
  PetscCall(PhynnPendulumSamplingSetUp(comm, &r.p, seed, omega_range, &r.smp));
  PetscCall(PhynnNcCheckWritable(comm, r.out));
  PetscCall(PhynnPendulumSolverCreate(&r.p, &s));
  PetscCall(PhynnPendulumSolverSetFromOptions(s));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) {
    PetscCall(PhynnPendulumSolverDestroy(&s));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnPendulumSolverDescribe(s, r.method, sizeof(r.method)));

  double t0 = PhynnTime();
  const long ntraj = r.ntraj > 0 ? r.ntraj : 1;
  long       start = 0, count = ntraj;
  double    *lth, *lom, *th = NULL, *om = NULL, *th0 = NULL, *om0 = NULL;
  if (r.ntraj > 0) PhynnSplitRange(ntraj, PhynnRank(comm), PhynnSize(comm), &start, &count);
  else if (PhynnRank(comm) != 0) count = 0; /* one trajectory: rank 0 alone (a 2-vector cannot be split) */
  PetscCall(PetscMalloc2(count * r.nt + 1, &lth, count * r.nt + 1, &lom));
  for (long i = 0; i < count; i++) {
    double a = r.theta0, b = r.omega0;
    long   steps;
    if (r.ntraj > 0) PetscCall(PhynnPendulumSample(&r.p, &r.smp, start + i, &a, &b));
    PetscCall(PhynnPendulumSolverRun(s, a, b, r.tf, r.nt, lth + i * r.nt, lom + i * r.nt, &steps));
    if (i == 0) r.steps = steps;
  }
  if (PhynnRank(comm) == 0) {
    PetscCall(PetscMalloc4(ntraj * r.nt, &th, ntraj * r.nt, &om, ntraj, &th0, ntraj, &om0));
    for (long i = 0; i < ntraj; i++) {
      th0[i] = r.theta0;
      om0[i] = r.omega0;
      if (r.ntraj > 0) PetscCall(PhynnPendulumSample(&r.p, &r.smp, i, &th0[i], &om0[i]));
    }
  }
  if (r.ntraj > 0) {
    PetscCall(PhynnGatherRows(comm, ntraj, r.nt, lth, th));
    PetscCall(PhynnGatherRows(comm, ntraj, r.nt, lom, om));
  } else if (PhynnRank(comm) == 0) {
    PetscCall(PetscArraycpy(th, lth, r.nt));
    PetscCall(PetscArraycpy(om, lom, r.nt));
  }
  PetscCall(WriteFile(comm, &r, th0, om0, th, om));
  if (!quiet) PetscCall(PhynnPrintf(comm, "phynn solve pendulum: %ld trajector%s, %ld output times, %.3f s; wrote %s\n", ntraj, ntraj == 1 ? "y" : "ies", r.nt, PhynnTime() - t0, r.out));
  if (PhynnRank(comm) == 0) PetscCall(PetscFree4(th, om, th0, om0));
  PetscCall(PetscFree2(lth, lom));
  PetscCall(PhynnPendulumSolverDestroy(&s));
  PetscFunctionReturn(0);
}
