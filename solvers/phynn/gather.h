/* Collecting per-rank blocks of samples or trajectories onto rank 0 (which writes the file). */
#ifndef PHYNN_GATHER_H
#define PHYNN_GATHER_H

#include "phynn/sys.h"

/* n items of `rowlen` doubles each are split over the ranks of comm by PhynnSplitRange; `local`
 * holds this rank's items in order. On rank 0, `global` (n * rowlen) receives all of them; it may
 * be NULL on other ranks. */
PetscErrorCode PhynnGatherRows(MPI_Comm comm, long n, long rowlen, const double *local, double *global);
/* The same for rows split in any way (e.g. FFTW's slabs): this rank holds `nlocal` rows, the ranks'
 * blocks follow each other in rank order, and `global` on rank 0 receives all of them. The total
 * (sum nlocal * rowlen) must fit an MPI count; every rank gets the same error when it does not. */
PetscErrorCode PhynnGatherRowsV(MPI_Comm comm, long nlocal, long rowlen, const double *local, double *global);

#endif
