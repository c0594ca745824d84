/* The shared -ntraj sampling options of the pendulum commands (see pendulum_sampling.h). */
#include <math.h>

#include "pendulum_sampling.h"
#include "phynn/options.h"

PetscErrorCode PhynnPendulumSamplingOptions(PhynnPendulumSampler *smp, double *seed, double *omega_range)
{
  PetscFunctionBegin;
  PetscCall(PhynnOptReal("seed", 0, "random seed for -ntraj sampling (integer >= 0)", seed, NULL));
  PetscCall(PhynnOptReal("theta_range", M_PI, "-ntraj: initial angles uniform in [-theta_range, theta_range]", &smp->theta_max, NULL));
  PetscCall(PhynnOptReal("omega_range", 0.0, "-ntraj: initial velocities uniform in [-omega_range, omega_range] (0: 2.1 sqrt(g/l), Champion et al.)", omega_range, NULL));
  PetscCall(PhynnOptReal("accept", 0.99, "-ntraj: keep only |omega0^2/2 - (g/l) cos theta0| <= accept (g/l)", &smp->accept, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPendulumSamplingSetUp(MPI_Comm comm, const PhynnPendulum *p, double seed, double omega_range, PhynnPendulumSampler *smp)
{
  PetscFunctionBegin;
  PetscCheck(seed >= 0 && seed == floor(seed) && seed < 1.8e19, comm, PHYNN_ERR_INPUT, "option -seed: %.10g is not a non-negative integer", seed);
  PetscCheck(smp->theta_max > 0, comm, PHYNN_ERR_INPUT, "option -theta_range: %.10g is not positive", smp->theta_max);
  PetscCheck(omega_range >= 0, comm, PHYNN_ERR_INPUT, "option -omega_range: %.10g is negative; give a range >= 0 (0 selects 2.1 sqrt(g/l))", omega_range);
  PetscCheck(smp->accept > 0, comm, PHYNN_ERR_INPUT, "option -accept: %.10g is not positive; Champion et al. use 0.99", smp->accept);
  smp->seed      = (uint64_t)seed;
  smp->omega_max = omega_range > 0 ? omega_range : 2.1 * sqrt(p->g / p->l);
  PetscFunctionReturn(0);
}
