/* ScaLAPACK's distributed SVD of a row-distributed matrix (phynn/svd.h).
 *
 * pdgesvd reduces A to bidiagonal form B = Q^T A P by Householder reflections on the process
 * grid (pdgebrd), runs the bidiagonal QR iteration (dbdsqr) redundantly on every process, and
 * applies P to the right singular vectors (pdormbr): A = U S V^T with V^T = (rows of) P's
 * product. We ask for V^T only (jobu = 'N', jobvt = 'V'): PCA's components are its rows.
 *
 * Debian ships no C header for BLACS or ScaLAPACK, so the prototypes are declared here. The
 * Fortran routines take every argument by reference, and gfortran passes the length of each
 * CHARACTER argument as a hidden trailing size_t: they are passed explicitly (leaving them out
 * is undefined behaviour that happens to work until an optimiser relies on it). */
#include <limits.h>
#include <string.h>

#include "phynn/svd.h"

int  Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int *context, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int context);
void Cblacs_set(int context, int what, int *value);
int  numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc, const int *icsrc, const int *ictxt, const int *lld, int *info);
void pdgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *ia, const int *ja, const int *desca, double *s, double *u, const int *iu, const int *ju, const int *descu,
              double *vt, const int *ivt, const int *jvt, const int *descvt, double *work, const int *lwork, int *info, size_t jobu_len, size_t jobvt_len);

/* BLACS_SET codes (BLACS/SRC/Bdef.h): combine operations in a repeatable order, with the same
 * result on every process, so a run is bitwise reproducible on a given number of ranks. */
#define BLACS_TOPS_REPEAT 15
#define BLACS_TOPS_COHERENT 16

#define SVD_MAX_NB 64 /* ScaLAPACK's usual panel width */

/* Global row of local row l of process row p: block l / nb of this process is global block
 * (l / nb) nprow + p. */
static long GlobalRow(long l, int nb, int p, int nprow) { return ((l / nb) * nprow + p) * nb + l % nb; }

PetscErrorCode PhynnRowSvdCreate(MPI_Comm comm, long m, long n, PhynnRowSvd *s)
{
  const int zero = 0;
  int       npcol, mycol, info, size = PhynnSize(comm), yes = 1;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCheck(m >= 1 && n >= 1 && m <= INT_MAX && n <= INT_MAX, comm, PETSC_ERR_ARG_OUTOFRANGE, "SVD of a %ld x %ld matrix: ScaLAPACK takes 1 to %d rows and columns", m, n, INT_MAX);
  s->comm = comm;
  s->m    = (int)m;
  s->n    = (int)n;
  s->nb   = (int)PetscMin(SVD_MAX_NB, (m + size - 1) / size);
  s->sys  = Csys2blacs_handle(comm);
  s->ctxt = s->sys;
  Cblacs_gridinit(&s->ctxt, "Row", size, 1);
  Cblacs_gridinfo(s->ctxt, &s->nprow, &npcol, &s->myrow, &mycol);
  PetscCheck(s->nprow == size && npcol == 1, comm, PETSC_ERR_LIB, "BLACS made a %d x %d grid for %d ranks", s->nprow, npcol, size);
  Cblacs_set(s->ctxt, BLACS_TOPS_REPEAT, &yes);
  Cblacs_set(s->ctxt, BLACS_TOPS_COHERENT, &yes);
  s->nlocal = numroc_(&s->m, &s->nb, &s->myrow, &zero, &s->nprow);
  s->lld    = (int)PetscMax(1, s->nlocal);
  descinit_(s->desc, &s->m, &s->n, &s->nb, &s->nb, &zero, &zero, &s->ctxt, &s->lld, &info);
  PetscCheck(info == 0, comm, PETSC_ERR_LIB, "ScaLAPACK descinit: argument %d is illegal", -info);
  PetscCall(PetscCalloc1((size_t)s->lld * s->n, &s->a));
  PetscCall(PetscMalloc1(s->nlocal ? s->nlocal : 1, &s->row));
  for (long l = 0; l < s->nlocal; l++) s->row[l] = GlobalRow(l, s->nb, s->myrow, s->nprow);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRowSvdCompute(PhynnRowSvd *s, long k, double *sigma, double *vt)
{
  const int one = 1, zero = 0;
  int       r = PetscMin(s->m, s->n), nvt, lldvt, descvt[9], info, lwork;
  double    query, *work, *vtl, *buf = NULL, dummy = 0;
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k <= r, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "SVD: %ld singular vectors asked of a %d x %d matrix", k, s->m, s->n);
  PetscCheck(k * (long)s->n <= INT_MAX, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "SVD: %ld x %d singular vectors exceed one MPI message", k, s->n);
  /* V^T is r x n on the same grid and blocks as A */
  nvt   = numroc_(&r, &s->nb, &s->myrow, &zero, &s->nprow);
  lldvt = PetscMax(1, nvt);
  descinit_(descvt, &r, &s->n, &s->nb, &s->nb, &zero, &zero, &s->ctxt, &lldvt, &info);
  PetscCheck(info == 0, s->comm, PETSC_ERR_LIB, "ScaLAPACK descinit (V^T): argument %d is illegal", -info);
  PetscCall(PetscMalloc1((size_t)lldvt * s->n, &vtl));
  /* workspace query (lwork = -1): the routine's own minimum in work[0]. Some ScaLAPACK queries
   * have come out short (cp2k works around it with a margin), so allocate a quarter more. */
  lwork = -1;
  pdgesvd_("N", "V", &s->m, &s->n, s->a, &one, &one, s->desc, sigma, &dummy, &one, &one, descvt, vtl, &one, &one, descvt, &query, &lwork, &info, 1, 1);
  PetscCheck(info == 0, s->comm, PETSC_ERR_LIB, "ScaLAPACK pdgesvd workspace query: info = %d", info);
  PetscCheck(1.25 * query + 1024 <= INT_MAX, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "ScaLAPACK pdgesvd needs %.0f doubles of workspace, more than its int can count; use more ranks", query);
  lwork = (int)(1.25 * query) + 1024;
  PetscCall(PetscMalloc1(lwork, &work));
  pdgesvd_("N", "V", &s->m, &s->n, s->a, &one, &one, s->desc, sigma, &dummy, &one, &one, descvt, vtl, &one, &one, descvt, work, &lwork, &info, 1, 1);
  PetscCall(PetscFree(work));
  PetscCheck(info != r + 1, s->comm, PETSC_ERR_LIB, "ScaLAPACK pdgesvd: the processes computed different singular values (a heterogeneous machine?)");
  PetscCheck(info == 0, s->comm, PETSC_ERR_LIB, "ScaLAPACK pdgesvd failed: info = %d (the bidiagonal QR iteration did not converge)", info);
  /* The first k rows of V^T onto rank 0: each row lives on one rank, so a sum over ranks of
   * buffers that are zero elsewhere is exact. */
  PetscCall(PetscCalloc1(k * s->n + 1, &buf));
  for (int l = 0; l < nvt; l++) {
    long g = GlobalRow(l, s->nb, s->myrow, s->nprow);
    if (g < k)
      for (long j = 0; j < s->n; j++) buf[g * s->n + j] = vtl[l + j * lldvt];
  }
  PetscCall(PetscFree(vtl));
  PetscCallMPI(MPI_Reduce(PhynnRank(s->comm) == 0 ? MPI_IN_PLACE : buf, buf, (int)(k * s->n), MPI_DOUBLE, MPI_SUM, 0, s->comm));
  if (PhynnRank(s->comm) == 0) PetscCall(PetscArraycpy(vt, buf, k * s->n));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRowSvdDestroy(PhynnRowSvd *s)
{
  PetscFunctionBegin;
  if (!s->comm) PetscFunctionReturn(0);
  Cblacs_gridexit(s->ctxt);
  Cfree_blacs_system_handle(s->sys);
  PetscCall(PetscFree(s->a));
  PetscCall(PetscFree(s->row));
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscFunctionReturn(0);
}
