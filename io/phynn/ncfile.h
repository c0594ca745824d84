/* NetCDF-4 files written atomically, with CF-style metadata and provenance.
 *
 * A writer creates "<path>.tmp.<pid>" in the destination directory and renames it onto <path>
 * only at PhynnNcCommit(), so a crash or an error never leaves a half-written file under the
 * final name. Temporary files still open when the program fails are removed by
 * PhynnNcDiscardAll() (apps/main.c calls it on every error exit).
 *
 * Only one rank writes a given file (the caller decides which; usually rank 0 after a gather). */
#ifndef PHYNN_NCFILE_H
#define PHYNN_NCFILE_H

#include <errno.h>
#include <netcdf.h>

#include "phynn/sys.h"

typedef struct {
  int  ncid;
  char path[PETSC_MAX_PATH_LEN];
  char tmp_path[PETSC_MAX_PATH_LEN + 32];
} PhynnNcWriter;

/* Wraps a netCDF call: on failure, an error naming the file, the call and nc_strerror(), or,
 * when the call failed because the disk is full or a quota or file-size limit was hit (errno,
 * which HDF5 leaves set from its failed write), a message that says so and what to do. */
#define PhynnNcCall(path, call)                                                   \
  do {                                                                            \
    errno                = 0;                                                     \
    int phynn_nc_status_ = (call);                                                \
    if (phynn_nc_status_ != NC_NOERR) PetscCall(PhynnNcFail((path), phynn_nc_status_, #call, errno)); \
  } while (0)
PetscErrorCode PhynnNcFail(const char *path, int status, const char *call, int err);

/* Creates the temporary file (NetCDF-4, define mode). Fails with a clear message when the
 * directory does not exist or is not writable. */
PetscErrorCode PhynnNcCreate(const char *path, PhynnNcWriter *w);
/* Collective on comm: checks on rank 0 that `path` can be created (its directory exists and is
 * writable), so a run fails before its work, not after it. Every rank gets the same error. */
PetscErrorCode PhynnNcCheckWritable(MPI_Comm comm, const char *path);
/* Writes a whole double variable (data mode is entered as needed). */
PetscErrorCode PhynnNcPutVarDoubles(const PhynnNcWriter *w, int varid, const double *data);
/* Writes the block [start[d], start[d] + count[d]) of a double variable (data mode is entered as
 * needed), so a large variable is written piece by piece (a time level, a sample) and never held
 * whole. Fixed-size variables are stored contiguously (NetCDF-4's default), so a block of whole
 * trailing rows is one contiguous write. */
PetscErrorCode PhynnNcPutVarBlock(const PhynnNcWriter *w, int varid, const size_t *start, const size_t *count, const double *data);
/* Closes and renames the temporary file onto the final path. A variable named like a dimension
 * must be that dimension's 1-D coordinate (what CF and xarray take it for): otherwise the file is
 * discarded with an error naming the variable. */
PetscErrorCode PhynnNcCommit(PhynnNcWriter *w);
/* Closes and removes the temporary file (after an error). Safe to call twice. */
PetscErrorCode PhynnNcDiscard(PhynnNcWriter *w);
/* Removes every temporary file not yet committed or discarded (error exits). */
void PhynnNcDiscardAll(void);

/* Global attributes every phynn file carries: Conventions = CF-1.8, title, phynn_version,
 * phynn_git_revision, command_line, history (time stamp + command line), source = "phynn". */
PetscErrorCode PhynnNcPutProvenance(const PhynnNcWriter *w, const char *title);
/* Text and double attributes (varid NC_GLOBAL for global ones). */
PetscErrorCode PhynnNcPutText(const PhynnNcWriter *w, int varid, const char *name, const char *text);
PetscErrorCode PhynnNcPutDouble(const PhynnNcWriter *w, int varid, const char *name, double value);
PetscErrorCode PhynnNcPutInt(const PhynnNcWriter *w, int varid, const char *name, long value);
/* HDF5 Fletcher-32 checksums on an array variable (nothing for a scalar): damaged bits are refused
 * on read. Arrays whose rows (all but the first dimension) hold 4 KiB or more are stored one row
 * per chunk, so that reading one frame reads one chunk. */
PetscErrorCode PhynnNcChecksum(const char *path, int ncid, int varid, int ndims);
/* Defines a double variable over dims with units and long_name (either may be NULL). */
PetscErrorCode PhynnNcDefVar(const PhynnNcWriter *w, const char *name, int ndims, const int *dimids, const char *units, const char *long_name, int *varid);
/* A coordinate variable: dimension `name` of length n and variable `name(name)` with units and long_name. */
PetscErrorCode PhynnNcDefCoord(const PhynnNcWriter *w, const char *name, size_t n, const char *units, const char *long_name, int *dimid, int *varid);

/* Reading. PhynnNcOpen gives a clear error for a missing or non-NetCDF file. */
PetscErrorCode PhynnNcOpen(const char *path, int *ncid);
/* Looks up a variable; a missing one is an error naming the file and the variable. */
PetscErrorCode PhynnNcVar(int ncid, const char *path, const char *name, int *varid);
/* Lengths of a variable's dimensions (at most 8). */
PetscErrorCode PhynnNcVarShape(int ncid, const char *path, int varid, int *ndims, size_t *shape);
/* The element count of a variable of shape[0..ndims), checked before anything is allocated for it:
 * a damaged or hostile header can claim any lengths. The product must not overflow and must be at
 * most PHYNN_NC_VALUES_PER_BYTE values per byte of the file (deflate, NetCDF-4's compression,
 * cannot pack more: its best ratio is about 1032:1), so a file of a few KB never makes phynn
 * allocate gigabytes. An error names the file, the variable and the claimed shape. */
#define PHYNN_NC_VALUES_PER_BYTE 1100
PetscErrorCode PhynnNcCheckCount(const char *path, const char *name, int ndims, const size_t *shape, size_t *count);
/* Reads a whole double variable into a new array (PetscFree it); *n is the element count.
 * NaN or Inf in the data is an error naming the file, the variable and the index. */
PetscErrorCode PhynnNcReadDoubles(int ncid, const char *path, const char *name, double **data, size_t *n);
/* A global text attribute; a missing one is an error. `value` must hold len bytes. */
PetscErrorCode PhynnNcGetText(int ncid, const char *path, int varid, const char *name, char *value, size_t len);
PetscErrorCode PhynnNcGetDouble(int ncid, const char *path, int varid, const char *name, double *value);

#endif
