/* The -ntraj sampling options that `solve pendulum` and `solve pendulum-images` share (Champion
 * et al.'s random initial conditions), read and checked in one place so both draw alike. */
#ifndef PHYNN_APPS_PENDULUM_SAMPLING_H
#define PHYNN_APPS_PENDULUM_SAMPLING_H

#include "phynn/pendulum.h"

/* Reads -seed, -theta_range, -omega_range and -accept into smp (seed and omega range raw). */
PetscErrorCode PhynnPendulumSamplingOptions(PhynnPendulumSampler *smp, double *seed, double *omega_range);
/* Checks them (one-line errors) and completes smp: the seed, and omega_max = omega_range, or
 * 2.1 sqrt(g/l) when it is 0. */
PetscErrorCode PhynnPendulumSamplingSetUp(MPI_Comm comm, const PhynnPendulum *p, double seed, double omega_range, PhynnPendulumSampler *smp);

#endif
