/* phynn's system layer: errors, memory, ranks.
 *
 * phynn follows PETSc's conventions throughout: every fallible function returns a PetscErrorCode,
 * every call is wrapped in PetscCall() (which records file, line and function, so an error
 * arrives with its traceback), functions open with PetscFunctionBegin and close with
 * PetscFunctionReturn(0), and memory comes from PetscMalloc1/PetscCalloc1/PetscFree.
 *
 * User errors (bad input, bad options, missing files) are raised with PHYNN_ERROR(comm, code,
 * fmt, ...) and reach the user as ONE line: "phynn: error: <what>, <where>; <how to fix>".
 * The message itself must say all three. */
#ifndef PHYNN_SYS_H
#define PHYNN_SYS_H

#include <petscsys.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phynn/version.h"

/* The git commit libphynn was built from ("-dirty" with local changes, "unknown" outside git),
 * written into every output file for provenance. */
const char *PhynnGitRevision(void);

/* Error codes used for user-facing failures (the PETSc range is kept for PETSc's own). */
#define PHYNN_ERR_INPUT PETSC_ERR_USER_INPUT /* bad data, bad option value, bad file content */
#define PHYNN_ERR_FILE PETSC_ERR_FILE_OPEN   /* cannot read or write a file */
#define PHYNN_ERR_NUMERIC PETSC_ERR_FP       /* NaN/Inf where a number was expected */

/* A user error: one line, raised on `comm` (rank 0 of comm prints it). */
#define PHYNN_ERROR(comm, code, ...) SETERRQ((comm), (code), __VA_ARGS__)

/* Installs phynn's error handler: the first (innermost) error prints one line on stderr,
 * "phynn: error: ...", the traceback only with -phynn_traceback. */
PetscErrorCode PhynnErrorHandlerPush(void);

/* MPI rank and size of a communicator, without the error-code boilerplate. */
int PhynnRank(MPI_Comm comm);
int PhynnSize(MPI_Comm comm);

/* Wall-clock seconds (MPI_Wtime). */
double PhynnTime(void);

/* Print on rank 0 of comm only (stdout), flushing so progress shows up under mpirun. */
PetscErrorCode PhynnPrintf(MPI_Comm comm, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
/* A warning line on rank 0: "phynn: warning: ..." on stderr. */
PetscErrorCode PhynnWarn(MPI_Comm comm, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);

/* The command line the program was started with, for provenance attributes ("" before it is set). */
void PhynnSetCommandLine(int argc, char **argv);
const char *PhynnCommandLine(void);

/* Split n items over `size` ranks as evenly as possible: rank r gets [*start, *start + *count).
 * The first n % size ranks get one extra item. */
void PhynnSplitRange(long n, int rank, int size, long *start, long *count);

#endif
