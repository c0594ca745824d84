/* The singular value decomposition A = U S V^T of an m x n matrix whose ROWS are spread
 * block-cyclically over every rank of a communicator, by ScaLAPACK's pdgesvd (solvers/svd.c).
 *
 *   PhynnRowSvd s;
 *   PhynnRowSvdCreate(comm, m, n, &s);       BLACS grid size x 1, block size, descriptor
 *   for (l = 0; l < s.nlocal; l++)           this rank's rows: global row s.row[l] of A
 *     for (j = 0; j < n; j++) s.a[l + j * s.lld] = A[s.row[l]][j];   (column-major, as Fortran)
 *   PhynnRowSvdCompute(&s, k, sigma, vt);    sigma: the min(m, n) singular values, descending,
 *                                            on every rank; vt: the first k rows of V^T (k x n,
 *                                            row-major) on rank 0
 *   PhynnRowSvdDestroy(&s);
 *
 * The grid is one column of processes, so a rank holds whole rows: the snapshot matrix of PCA
 * (frames x pixels, with far fewer frames than pixels) is read frame by frame, each rank reading
 * only its own frames. Rows go to ranks in blocks of nb = min(64, ceil(m / size)) rows dealt
 * round-robin (block-cyclic), so every rank holds rows even for a few dozen frames. pdgesvd needs
 * square blocks (MB = NB), which the columns share. */
#ifndef PHYNN_SVD_H
#define PHYNN_SVD_H

#include "phynn/sys.h"

typedef struct {
  MPI_Comm comm;
  int      sys, ctxt;    /* BLACS system handle of comm and the grid's context */
  int      nprow, myrow; /* the size x 1 grid and this rank's place in it */
  int      m, n, nb;     /* global size and the (square) block size */
  int      desc[9];      /* ScaLAPACK's array descriptor of A */
  long     nlocal;       /* rows of A on this rank */
  long    *row;          /* their global indices, increasing (row[l] of local row l) */
  int      lld;          /* leading dimension of a: max(1, nlocal) */
  double  *a;            /* nlocal x n, column-major; overwritten by the SVD */
} PhynnRowSvd;

PetscErrorCode PhynnRowSvdCreate(MPI_Comm comm, long m, long n, PhynnRowSvd *s);
/* sigma has min(m, n) entries on every rank; vt (k x n) is written on rank 0 only (NULL elsewhere);
 * 0 <= k <= min(m, n). Collective; A is destroyed. */
PetscErrorCode PhynnRowSvdCompute(PhynnRowSvd *s, long k, double *sigma, double *vt);
PetscErrorCode PhynnRowSvdDestroy(PhynnRowSvd *s);

#endif
