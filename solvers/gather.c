/* Gathering blocks of rows (trajectories, samples) from their ranks onto rank 0. */
#include "phynn/gather.h"

PetscErrorCode PhynnGatherRows(MPI_Comm comm, long n, long rowlen, const double *local, double *global)
{
  int   rank = PhynnRank(comm), size = PhynnSize(comm);
  long  start, count;
  int  *counts = NULL, *displs = NULL;

  PetscFunctionBegin;
  PhynnSplitRange(n, rank, size, &start, &count);
  PetscCheck(n * rowlen <= (long)PETSC_MAX_INT, comm, PETSC_ERR_SUP, "%ld values are too many to gather in one message; use fewer samples per file", n * rowlen);
  if (rank == 0) {
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    for (int r = 0; r < size; r++) {
      long s, c;
      PhynnSplitRange(n, r, size, &s, &c);
      counts[r] = (int)(c * rowlen);
      displs[r] = (int)(s * rowlen);
    }
  }
  PetscCallMPI(MPI_Gatherv(local, (int)(count * rowlen), MPI_DOUBLE, global, counts, displs, MPI_DOUBLE, 0, comm));
  if (rank == 0) PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGatherRowsV(MPI_Comm comm, long nlocal, long rowlen, const double *local, double *global)
{
  int   rank = PhynnRank(comm), size = PhynnSize(comm);
  long *n, total = 0;
  int  *counts, *displs;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(size, &n, size, &counts, size, &displs));
  PetscCallMPI(MPI_Allgather(&nlocal, 1, MPI_LONG, n, 1, MPI_LONG, comm)); /* every rank checks the total */
  for (int r = 0; r < size; r++) {
    counts[r] = (int)PetscMin(n[r] * rowlen, (long)PETSC_MAX_INT);
    displs[r] = (int)PetscMin(total * rowlen, (long)PETSC_MAX_INT);
    total += n[r];
  }
  PetscCheck(total * rowlen <= (long)PETSC_MAX_INT, comm, PETSC_ERR_SUP, "%ld values are too many to gather in one message; use a smaller grid", total * rowlen);
  PetscCallMPI(MPI_Gatherv(local, counts[rank], MPI_DOUBLE, global, counts, displs, MPI_DOUBLE, 0, comm));
  PetscCall(PetscFree3(n, counts, displs));
  PetscFunctionReturn(0);
}
