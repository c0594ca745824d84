/* Solution families as operator training data: the input functions (the initial conditions a
 * solver family starts from) and the output functions (its solution at one time, or at every
 * time) of every sample, read from a family file (`phynn solve heat|nls|heat2d -nsamples N`,
 * docs/operators.md "Family files").
 *
 * Inputs are variables (sample, x) or (sample, y, x); outputs (sample, t, x), (sample, t, y, x)
 * or time-less ones of the inputs' layout. Several names become channels: -input h0_re,h0_im is a
 * field of 2 channels. -output_time T keeps the time t_j = T (to 1e-9), "all" keeps every time as
 * a channel of its own (channel j nout + c: time j, output c), "next" makes one-step pairs
 * (u(t_j), u(t_j+1)) of the output variables (the inputs are not read): a family of S
 * trajectories of nt times gives S (nt - 1) samples, sample s (nt - 1) + j. Rank 0 reads, every rank gets the
 * arrays (a family of 1100 x 256 doubles is 2 MiB). Errors name the file and what is wrong:
 * a missing variable, grids that differ between inputs and outputs, a time the file lacks. */
#ifndef PHYNN_OPERATOR_DATA_H
#define PHYNN_OPERATOR_DATA_H

#include "phynn/sys.h"

#define PHYNN_OPERATOR_MAX_VARS 4

typedef struct {
  long      nsamples;
  long      cin, cout, H, W; /* channels in and out, grid rows (1 for 1-D) and columns */
  double   *in, *out;        /* nsamples x cin x H x W and nsamples x cout x H x W */
  double   *x;               /* the W grid points */
  double    xmin, xmax;      /* the domain (the file's attributes; else the grid's ends) */
  PetscBool periodic;        /* boundary_condition says "periodic" */
  long      ntimes;          /* output times kept (1, or nt with "all") */
  double   *times;           /* their values (-output_time next: the step t_1 - t_0) */
  long      ntraj, steps;    /* trajectories, and samples of each (next: nt - 1 pairs; else 1) */
} PhynnOperatorData;

/* output_time: a number, "last" (the file's final time), "all" or "next". */
PetscErrorCode PhynnOperatorDataLoad(MPI_Comm comm, const char *path, int nin, char (*inputs)[64], int nout, char (*outputs)[64], const char *output_time, PhynnOperatorData *d);
PetscErrorCode PhynnOperatorDataFree(PhynnOperatorData *d);
/* Parses "a,b" into names (at most PHYNN_OPERATOR_MAX_VARS); an error names the option. */
PetscErrorCode PhynnOperatorParseNames(MPI_Comm comm, const char *option, const char *text, int *n, char (*names)[64]);

#endif
