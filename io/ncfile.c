/* NetCDF-4 files written atomically (temporary name, then rename), CF-1.8 metadata, provenance. */
#include "phynn/ncfile.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A full disk must end in an error line, not a crash. When HDF5 cannot flush a file on close
 * (ENOSPC while nc_close writes the cached metadata), netCDF reports the error but leaves the
 * file half-closed inside HDF5; HDF5's own atexit handler (H5_term_library) then closes it again
 * at process exit and segfaults (HDF5 1.10.8, netCDF 4.9.0). phynn closes or discards every file
 * itself (PhynnNcCommit, PhynnNcDiscardAll), so the handler has nothing left to do, and turning it
 * off costs nothing. It must happen before HDF5 initialises, that is before the first netCDF call
 * of the process: hence a constructor of the library rather than a call in main(). */
__attribute__((constructor)) static void PhynnNoHdf5AtExit(void)
{
  (void)H5dont_atexit();
}

/* Temporary files not yet committed, so an error exit can remove them. */
#define PHYNN_NC_MAX_PENDING 16
static char pending_tmp[PHYNN_NC_MAX_PENDING][PETSC_MAX_PATH_LEN + 32];
static int  pending_ncid[PHYNN_NC_MAX_PENDING];

static void PendingAdd(const char *tmp, int ncid)
{
  for (int i = 0; i < PHYNN_NC_MAX_PENDING; i++)
    if (!pending_tmp[i][0]) {
      snprintf(pending_tmp[i], sizeof(pending_tmp[i]), "%s", tmp);
      pending_ncid[i] = ncid;
      return;
    }
}

static void PendingRemove(const char *tmp)
{
  for (int i = 0; i < PHYNN_NC_MAX_PENDING; i++)
    if (!strcmp(pending_tmp[i], tmp)) pending_tmp[i][0] = '\0';
}

void PhynnNcDiscardAll(void)
{
  for (int i = 0; i < PHYNN_NC_MAX_PENDING; i++)
    if (pending_tmp[i][0]) {
      nc_close(pending_ncid[i]);
      unlink(pending_tmp[i]);
      pending_tmp[i][0] = '\0';
    }
}

PetscErrorCode PhynnNcFail(const char *path, int status, const char *call, int err)
{
  PetscFunctionBegin;
  if (err == EFBIG)
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: %s (in %s): the file-size limit (ulimit -f, or the batch system's) is reached; raise it or write a smaller file; a file already there under that name is left as it was",
            path, strerror(err), call);
  if (err == ENOSPC || err == EDQUOT)
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: %s (in %s); free space or choose another path; a file already there under that name is left as it was", path, strerror(err),
            call);
  /* An HDF error while reading values: a Fletcher-32 checksum (PhynnNcChecksum) or HDF5's own
   * structure does not match what is on disk. */
  if (status == NC_EHDFERR && strncmp(call, "nc_get_", 7) == 0)
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot read %s: stored values fail their checksum: the file is damaged (a flipped bit, a cut or corrupted copy); use an intact copy or write it again", path);
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "NetCDF file %s: %s (in %s)", path, nc_strerror(status), call);
}

PetscErrorCode PhynnNcCreate(const char *path, PhynnNcWriter *w)
{
  char dir[PETSC_MAX_PATH_LEN];
  int  status;

  PetscFunctionBegin;
  PetscCheck(path && path[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no output file name given; pass -o FILE.nc");
  PetscCheck(strlen(path) < sizeof(w->path), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "output path '%s' is too long", path);
  PetscCall(PetscStrncpy(w->path, path, sizeof(w->path)));
  PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
  const char *d = dirname(dir);
  PetscCheck(access(d, W_OK) == 0, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: directory '%s' %s; create it or choose another -o path", path, d,
             errno == ENOENT ? "does not exist" : "is not writable");
  snprintf(w->tmp_path, sizeof(w->tmp_path), "%s.tmp.%ld", path, (long)getpid());
  errno  = 0;
  status = nc_create(w->tmp_path, NC_NETCDF4 | NC_CLOBBER, &w->ncid);
  if (status != NC_NOERR) {
    int err = errno;
    /* HDF5 may have left the file behind before it gave up (a full disk) */
    unlink(w->tmp_path);
    if (err == ENOSPC || err == EDQUOT || err == EFBIG) PetscCall(PhynnNcFail(path, status, "nc_create", err));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot create %s: %s; check the path and permissions", path, nc_strerror(status));
  }
  PendingAdd(w->tmp_path, w->ncid);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcCheckWritable(MPI_Comm comm, const char *path)
{
  char dir[PETSC_MAX_PATH_LEN], msg[PETSC_MAX_PATH_LEN + 128] = "";

  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    if (!path || !path[0]) snprintf(msg, sizeof(msg), "no output file name given; pass -o FILE.nc");
    else if (strlen(path) >= PETSC_MAX_PATH_LEN) snprintf(msg, sizeof(msg), "output path is too long; choose a shorter -o path");
    else {
      PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
      const char *d = dirname(dir);
      if (access(d, W_OK) != 0)
        snprintf(msg, sizeof(msg), "cannot write %s: directory '%s' %s; create it or choose another -o path", path, d, errno == ENOENT ? "does not exist" : "is not writable");
    }
  }
  PetscCallMPI(MPI_Bcast(msg, (int)sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PHYNN_ERR_FILE, "%s", msg);
  PetscFunctionReturn(0);
}

/* Leaves define mode if the file is still in it. */
static PetscErrorCode EnterDataMode(const PhynnNcWriter *w)
{
  int status;

  PetscFunctionBegin;
  errno  = 0;
  status = nc_enddef(w->ncid);
  if (status != NC_NOERR && status != NC_ENOTINDEFINE) PetscCall(PhynnNcFail(w->path, status, "nc_enddef", errno));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutVarDoubles(const PhynnNcWriter *w, int varid, const double *data)
{
  PetscFunctionBegin;
  PetscCall(EnterDataMode(w));
  PhynnNcCall(w->path, nc_put_var_double(w->ncid, varid, data));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutVarBlock(const PhynnNcWriter *w, int varid, const size_t *start, const size_t *count, const double *data)
{
  PetscFunctionBegin;
  PetscCall(EnterDataMode(w));
  PhynnNcCall(w->path, nc_put_vara_double(w->ncid, varid, start, count, data));
  PetscFunctionReturn(0);
}

/* CF and xarray read a variable named like a dimension as that dimension's coordinate, so it
 * must be 1-D over exactly that dimension: xarray refuses a file with, e.g., history(history,
 * history_column) ("'history' has more than 1-dimension and the same name as one of its
 * dimensions"). Checks group `ncid` and its subgroups (nc_inq_dimid sees the ancestors' dimensions
 * too); writes the offending name into `bad` ("" when all is well). */
static PetscErrorCode CheckCoordinateNames(const char *path, int ncid, char *bad, size_t len)
{
  int  nvars, ngroups, *varids, *groups, dimids[NC_MAX_VAR_DIMS], ndims, dimid;
  char name[NC_MAX_NAME + 1];

  PetscFunctionBegin;
  PhynnNcCall(path, nc_inq_varids(ncid, &nvars, NULL));
  PhynnNcCall(path, nc_inq_grps(ncid, &ngroups, NULL));
  PetscCall(PetscMalloc2(nvars + 1, &varids, ngroups + 1, &groups));
  PhynnNcCall(path, nc_inq_varids(ncid, &nvars, varids));
  PhynnNcCall(path, nc_inq_grps(ncid, &ngroups, groups));
  for (int v = 0; v < nvars && !bad[0]; v++) {
    PhynnNcCall(path, nc_inq_var(ncid, varids[v], name, NULL, &ndims, dimids, NULL));
    if (nc_inq_dimid(ncid, name, &dimid) == NC_NOERR && !(ndims == 1 && dimids[0] == dimid)) PetscCall(PetscStrncpy(bad, name, len));
  }
  for (int g = 0; g < ngroups && !bad[0]; g++) PetscCall(CheckCoordinateNames(path, groups[g], bad, len));
  PetscCall(PetscFree2(varids, groups));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcCommit(PhynnNcWriter *w)
{
  char bad[NC_MAX_NAME + 1] = "";

  PetscFunctionBegin;
  PetscCall(CheckCoordinateNames(w->path, w->ncid, bad, sizeof(bad)));
  if (bad[0]) {
    PetscCall(PhynnNcDiscard(w));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: variable '%s' is named like a dimension but is not that dimension's 1-D coordinate, so xarray could not open the file; rename the variable or the dimension", w->path, bad);
  }
  PhynnNcCall(w->path, nc_close(w->ncid));
  PendingRemove(w->tmp_path);
  if (rename(w->tmp_path, w->path) != 0) {
    unlink(w->tmp_path);
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot rename the finished file onto %s: %s", w->path, strerror(errno));
  }
  w->tmp_path[0] = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcDiscard(PhynnNcWriter *w)
{
  PetscFunctionBegin;
  if (w->tmp_path[0]) {
    nc_close(w->ncid);
    unlink(w->tmp_path);
    PendingRemove(w->tmp_path);
    w->tmp_path[0] = '\0';
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutText(const PhynnNcWriter *w, int varid, const char *name, const char *text)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_put_att_text(w->ncid, varid, name, strlen(text), text));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutDouble(const PhynnNcWriter *w, int varid, const char *name, double value)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_put_att_double(w->ncid, varid, name, NC_DOUBLE, 1, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutInt(const PhynnNcWriter *w, int varid, const char *name, long value)
{
  long long v = value;
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_put_att_longlong(w->ncid, varid, name, NC_INT64, 1, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcPutProvenance(const PhynnNcWriter *w, const char *title)
{
  char      history[sizeof(w->path) + 4200];
  char      stamp[64];
  time_t    now = time(NULL);
  struct tm utc;

  PetscFunctionBegin;
  gmtime_r(&now, &utc);
  strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &utc);
  snprintf(history, sizeof(history), "%s: %s", stamp, PhynnCommandLine());
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "Conventions", "CF-1.8"));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "title", title));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "source", "phynn " PHYNN_VERSION));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "phynn_version", PHYNN_VERSION));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "phynn_git_revision", PhynnGitRevision()));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "command_line", PhynnCommandLine()));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "history", history));
  PetscFunctionReturn(0);
}

/* Every array gets HDF5's Fletcher-32 checksum filter: a reader then refuses a chunk whose bits
 * changed (a flipped bit on disk or in a copy) instead of handing back wrong numbers, which no
 * range check can tell from right ones. It needs chunked storage, so scalars keep none. */
PetscErrorCode PhynnNcChecksum(const char *path, int ncid, int varid, int ndims)
{
  int     dimids[NC_MAX_VAR_DIMS];
  nc_type type;
  size_t  size, len[NC_MAX_VAR_DIMS], row;
  PetscFunctionBegin;
  if (ndims <= 0) PetscFunctionReturn(0);
  PhynnNcCall(path, nc_def_var_fletcher32(ncid, varid, NC_FLETCHER32));
  if (ndims < 2) PetscFunctionReturn(0);
  /* A checksum needs chunked storage, and netCDF's default chunks of a (sample, y, x) array hold
   * a thousand frames: a reader that takes one frame at a time (a rank reading its minibatch's
   * frames) then reads and checksums the whole chunk for every frame. Rows of 4 KiB or more get
   * one row (one frame, one sample) per chunk instead. */
  PhynnNcCall(path, nc_inq_vartype(ncid, varid, &type));
  PhynnNcCall(path, nc_inq_type(ncid, type, NULL, &size));
  PhynnNcCall(path, nc_inq_vardimid(ncid, varid, dimids));
  row = size;
  for (int d = 0; d < ndims; d++) {
    PhynnNcCall(path, nc_inq_dimlen(ncid, dimids[d], &len[d]));
    if (d > 0) row *= len[d];
  }
  if (row < 4096 || row > ((size_t)1 << 30)) PetscFunctionReturn(0);
  len[0] = 1;
  PhynnNcCall(path, nc_def_var_chunking(ncid, varid, NC_CHUNKED, len));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcDefVar(const PhynnNcWriter *w, const char *name, int ndims, const int *dimids, const char *units, const char *long_name, int *varid)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_def_var(w->ncid, name, NC_DOUBLE, ndims, dimids, varid));
  PetscCall(PhynnNcChecksum(w->path, w->ncid, *varid, ndims));
  if (units) PetscCall(PhynnNcPutText(w, *varid, "units", units));
  if (long_name) PetscCall(PhynnNcPutText(w, *varid, "long_name", long_name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcDefCoord(const PhynnNcWriter *w, const char *name, size_t n, const char *units, const char *long_name, int *dimid, int *varid)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_def_dim(w->ncid, name, n, dimid));
  PetscCall(PhynnNcDefVar(w, name, 1, dimid, units, long_name, varid));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcOpen(const char *path, int *ncid)
{
  int status;

  PetscFunctionBegin;
  PetscCheck(access(path, R_OK) == 0, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot read %s: %s; check the file name", path, strerror(errno));
  status = nc_open(path, NC_NOWRITE, ncid);
  PetscCheck(status == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s is not a readable NetCDF file (%s): it is damaged, cut short or of another format; copy or write it again (phynn writes whole files only)", path,
             nc_strerror(status));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcVar(int ncid, const char *path, const char *name, int *varid)
{
  PetscFunctionBegin;
  PetscCheck(nc_inq_varid(ncid, name, varid) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s has no variable '%s'; check that it is the right kind of file", path, name);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcVarShape(int ncid, const char *path, int varid, int *ndims, size_t *shape)
{
  int dimids[NC_MAX_VAR_DIMS];

  PetscFunctionBegin;
  PhynnNcCall(path, nc_inq_varndims(ncid, varid, ndims));
  PetscCheck(*ndims <= 8, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s: variable has %d dimensions; at most 8 are supported", path, *ndims);
  PhynnNcCall(path, nc_inq_vardimid(ncid, varid, dimids));
  for (int i = 0; i < *ndims; i++) PhynnNcCall(path, nc_inq_dimlen(ncid, dimids[i], &shape[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcCheckCount(const char *path, const char *name, int ndims, const size_t *shape, size_t *count)
{
  struct stat st;
  size_t      bytes = stat(path, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0, limit = bytes * PHYNN_NC_VALUES_PER_BYTE + 4096, n = 1;
  char        dims[160] = "";
  PetscBool   over = PETSC_FALSE;

  PetscFunctionBegin;
  for (int d = 0; d < ndims; d++) {
    size_t used = strlen(dims);
    snprintf(dims + used, sizeof(dims) - used, "%s%zu", d ? " x " : "", shape[d]);
    if (shape[d] && n > limit / shape[d]) over = PETSC_TRUE; /* also catches a product that would overflow */
    else n *= shape[d];
  }
  PetscCheck(!over, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s: variable '%s' claims %s values, more than a file of %zu bytes can hold; the file is damaged (regenerate it)", path, name, dims, bytes);
  *count = n;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcReadDoubles(int ncid, const char *path, const char *name, double **data, size_t *n)
{
  int    varid, ndims;
  size_t shape[8];

  PetscFunctionBegin;
  PetscCall(PhynnNcVar(ncid, path, name, &varid));
  PetscCall(PhynnNcVarShape(ncid, path, varid, &ndims, shape));
  PetscCall(PhynnNcCheckCount(path, name, ndims, shape, n));
  PetscCall(PetscMalloc1(*n ? *n : 1, data));
  PhynnNcCall(path, nc_get_var_double(ncid, varid, *data));
  for (size_t i = 0; i < *n; i++)
    if (!isfinite((*data)[i])) {
      double bad = (*data)[i];
      PetscCall(PetscFree(*data));
      SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "NetCDF file %s: variable '%s' holds %g at flat index %zu; clean the data (NaN/Inf are not allowed)", path, name, bad, i);
    }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcGetText(int ncid, const char *path, int varid, const char *name, char *value, size_t len)
{
  size_t alen;

  PetscFunctionBegin;
  PetscCheck(nc_inq_attlen(ncid, varid, name, &alen) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s has no attribute '%s'; is it a phynn file?", path, name);
  PetscCheck(alen < len, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s: attribute '%s' is longer than %zu characters", path, name, len - 1);
  PhynnNcCall(path, nc_get_att_text(ncid, varid, name, value));
  value[alen] = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnNcGetDouble(int ncid, const char *path, int varid, const char *name, double *value)
{
  PetscFunctionBegin;
  PetscCheck(nc_get_att_double(ncid, varid, name, value) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "NetCDF file %s has no numeric attribute '%s'; is it a phynn file?", path, name);
  PetscFunctionReturn(0);
}
