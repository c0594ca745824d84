/* Initial conditions from text files (solvers/icfile.c). */
#ifndef PHYNN_ICFILE_H
#define PHYNN_ICFILE_H

#include "phynn/sys.h"

/* Reads exactly n rows of ncols numbers (whitespace separated; '#' starts a comment) from `path`
 * on rank 0 and broadcasts them: out[i ncols + c]. `option` names the option that gave the path,
 * for the error message (an unreadable file, a non-number, too few or too many values). */
PetscErrorCode PhynnReadColumns(MPI_Comm comm, const char *option, const char *path, long n, int ncols, double *out);

#endif
