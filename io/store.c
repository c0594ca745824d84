/* The generic store over NetCDF-4 (see phynn/store.h): attributes, named N-D arrays, string
 * lists and groups, written atomically through phynn/ncfile.h. */
#include "phynn/store.h"

#include <math.h>
#include <string.h>

#include "phynn/ncfile.h"

struct _p_PhynnStore {
  PetscBool     writing;
  PhynnNcWriter w;     /* writer: the atomic temporary file */
  int           root;  /* ncid of the file */
  char          path[PETSC_MAX_PATH_LEN];
  int           depth; /* group stack: grp[depth] is the current group */
  int           grp[PHYNN_STORE_MAX_DEPTH + 1];
  char          where[256]; /* "/training" for messages ("" at the root) */
};

const char *PhynnStorePath(PhynnStore s) { return s->path; }
PetscBool   PhynnStoreWriting(PhynnStore s) { return s->writing; }

static int Cur(PhynnStore s) { return s->grp[s->depth]; }

/* "file.nc" or "file.nc, group /training", for messages. */
static const char *Where(PhynnStore s, char *buf, size_t len)
{
  if (s->depth) snprintf(buf, len, "%s, group %s", s->path, s->where);
  else snprintf(buf, len, "%s", s->path);
  return buf;
}

PetscErrorCode PhynnStoreCreate(const char *path, const char *title, PhynnStore *s)
{
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PetscNew(s));
  (*s)->writing = PETSC_TRUE;
  ierr          = PhynnNcCreate(path, &(*s)->w);
  if (ierr) PetscCall(PetscFree(*s));
  PetscCall(ierr);
  (*s)->root   = (*s)->w.ncid;
  (*s)->grp[0] = (*s)->root;
  PetscCall(PetscStrncpy((*s)->path, path, sizeof((*s)->path)));
  ierr = PhynnNcPutProvenance(&(*s)->w, title);
  if (ierr) PetscCall(PhynnStoreDiscard(s));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreOpen(const char *path, PhynnStore *s)
{
  int ncid;
  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &ncid));
  PetscCall(PetscNew(s));
  (*s)->root   = ncid;
  (*s)->grp[0] = ncid;
  PetscCall(PetscStrncpy((*s)->path, path, sizeof((*s)->path)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreCommit(PhynnStore *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  if ((*s)->writing) {
    PetscErrorCode ierr = PhynnNcCommit(&(*s)->w);
    if (ierr) PetscCall(PhynnNcDiscard(&(*s)->w));
    PetscCall(PetscFree(*s));
    PetscCall(ierr);
  } else {
    nc_close((*s)->root);
    PetscCall(PetscFree(*s));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreDiscard(PhynnStore *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  if ((*s)->writing) PetscCall(PhynnNcDiscard(&(*s)->w));
  else nc_close((*s)->root);
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}

PetscBool PhynnStoreHasGroup(PhynnStore s, const char *name)
{
  int id;
  return nc_inq_ncid(Cur(s), name, &id) == NC_NOERR ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode PhynnStorePushGroup(PhynnStore s, const char *name)
{
  int  id;
  char buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCheck(s->depth < PHYNN_STORE_MAX_DEPTH, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "store %s: groups nest at most %d deep", s->path, PHYNN_STORE_MAX_DEPTH);
  if (nc_inq_ncid(Cur(s), name, &id) != NC_NOERR) {
    PetscCheck(s->writing, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no group '%s'; the file is damaged or was not written by this phynn version", Where(s, buf, sizeof(buf)), name);
    PhynnNcCall(s->path, nc_def_grp(Cur(s), name, &id));
  }
  s->grp[++s->depth] = id;
  PetscCall(PetscStrlcat(s->where, "/", sizeof(s->where)));
  PetscCall(PetscStrlcat(s->where, name, sizeof(s->where)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePopGroup(PhynnStore s)
{
  PetscFunctionBegin;
  PetscCheck(s->depth > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "store %s: PopGroup at the root", s->path);
  s->depth--;
  char *slash = strrchr(s->where, '/');
  if (slash) *slash = '\0';
  PetscFunctionReturn(0);
}

/* The variable an attribute belongs to: NC_GLOBAL for the group itself. */
static PetscErrorCode VarId(PhynnStore s, const char *var, int *varid)
{
  char buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  if (!var) *varid = NC_GLOBAL;
  else PetscCheck(nc_inq_varid(Cur(s), var, varid) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no variable '%s'; the file is damaged or was not written by this phynn version", Where(s, buf, sizeof(buf)), var);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePutText(PhynnStore s, const char *var, const char *name, const char *text)
{
  int varid;
  PetscFunctionBegin;
  PetscCall(VarId(s, var, &varid));
  PhynnNcCall(s->path, nc_put_att_text(Cur(s), varid, name, strlen(text), text));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePutInt(PhynnStore s, const char *var, const char *name, long long value)
{
  int varid;
  PetscFunctionBegin;
  PetscCall(VarId(s, var, &varid));
  PhynnNcCall(s->path, nc_put_att_longlong(Cur(s), varid, name, NC_INT64, 1, &value));
  PetscFunctionReturn(0);
}

PetscBool PhynnStoreHasAttr(PhynnStore s, const char *var, const char *name)
{
  int    varid = NC_GLOBAL;
  size_t len;
  if (var && nc_inq_varid(Cur(s), var, &varid) != NC_NOERR) return PETSC_FALSE;
  return nc_inq_attlen(Cur(s), varid, name, &len) == NC_NOERR ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode PhynnStoreGetText(PhynnStore s, const char *var, const char *name, char **text)
{
  int     varid;
  size_t  len;
  nc_type type;
  char    buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCall(VarId(s, var, &varid));
  PetscCheck(nc_inq_att(Cur(s), varid, name, &type, &len) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no attribute '%s%s%s'; the file is damaged or was not written by this phynn version",
             Where(s, buf, sizeof(buf)), var ? var : "", var ? ":" : "", name);
  PetscCheck(type == NC_CHAR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: attribute '%s' is not text; the file is damaged", Where(s, buf, sizeof(buf)), name);
  PetscCall(PetscMalloc1(len + 1, text));
  PhynnNcCall(s->path, nc_get_att_text(Cur(s), varid, name, *text));
  (*text)[len] = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreGetInt(PhynnStore s, const char *var, const char *name, long long *value)
{
  int     varid;
  size_t  len;
  nc_type type;
  char    buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCall(VarId(s, var, &varid));
  PetscCheck(nc_inq_att(Cur(s), varid, name, &type, &len) == NC_NOERR && len == 1 && type != NC_CHAR && type != NC_STRING, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "%s has no integer attribute '%s'; the file is damaged or was not written by this phynn version", Where(s, buf, sizeof(buf)), name);
  PhynnNcCall(s->path, nc_get_att_longlong(Cur(s), varid, name, value));
  PetscFunctionReturn(0);
}

/* Finds or defines dimension `name` of length n in the current group (0: unlimited, since a
 * fixed NetCDF dimension cannot have length 0). */
static PetscErrorCode Dim(PhynnStore s, const char *name, long n, int *dimid)
{
  size_t len;
  char   buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "store %s: dimension '%s' of negative length", s->path, name);
  if (nc_inq_dimid(Cur(s), name, dimid) == NC_NOERR) {
    PhynnNcCall(s->path, nc_inq_dimlen(Cur(s), *dimid, &len));
    PetscCheck((long)len == n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "cannot write %s: dimension '%s' is already %zu long, not %ld; two arrays disagree on its length", Where(s, buf, sizeof(buf)), name, len, n);
  } else {
    PhynnNcCall(s->path, nc_def_dim(Cur(s), name, n ? (size_t)n : NC_UNLIMITED, dimid));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode DefVar(PhynnStore s, const char *name, nc_type type, int ndim, const char *const *dimnames, const long *dims, const char *long_name, int *varid, long *count)
{
  int  dimids[PHYNN_STORE_MAX_DIMS], existing;
  char buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCheck(s->writing, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "store %s is open for reading", s->path);
  PetscCheck(ndim >= 0 && ndim <= PHYNN_STORE_MAX_DIMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "store %s: array '%s' has %d dimensions (at most %d)", s->path, name, ndim, PHYNN_STORE_MAX_DIMS);
  PetscCheck(nc_inq_varid(Cur(s), name, &existing) != NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "cannot write %s: two arrays are both named '%s'; rename one", Where(s, buf, sizeof(buf)), name);
  *count = 1;
  for (int k = 0; k < ndim; k++) {
    PetscCall(Dim(s, dimnames[k], dims[k], &dimids[k]));
    *count *= dims[k];
  }
  PhynnNcCall(s->path, nc_def_var(Cur(s), name, type, ndim, dimids, varid));
  /* HDF5 filters need fixed-size elements: variable-length strings get no checksum */
  if (type != NC_STRING) PetscCall(PhynnNcChecksum(s->path, Cur(s), *varid, ndim));
  if (long_name) PhynnNcCall(s->path, nc_put_att_text(Cur(s), *varid, "long_name", strlen(long_name), long_name));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePutArray(PhynnStore s, const char *name, int ndim, const char *const *dimnames, const long *dims, const double *data, const char *long_name)
{
  int  varid;
  long count;
  PetscFunctionBegin;
  PetscCall(DefVar(s, name, NC_DOUBLE, ndim, dimnames, dims, long_name, &varid, &count));
  if (count) PhynnNcCall(s->path, nc_put_var_double(Cur(s), varid, data)); /* an empty unlimited dimension takes no data */
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePutIntArray(PhynnStore s, const char *name, int ndim, const char *const *dimnames, const long *dims, const long *data, const char *long_name)
{
  int        varid;
  long       count;
  long long *v;
  PetscFunctionBegin;
  PetscCall(DefVar(s, name, NC_INT64, ndim, dimnames, dims, long_name, &varid, &count));
  if (!count) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(count, &v));
  for (long i = 0; i < count; i++) v[i] = data[i];
  errno      = 0;
  int status = nc_put_var_longlong(Cur(s), varid, v), err = errno;
  PetscCall(PetscFree(v));
  if (status != NC_NOERR) PetscCall(PhynnNcFail(s->path, status, "nc_put_var_longlong", err));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStorePutStrings(PhynnStore s, const char *name, const char *dimname, int n, const char *const *strings, const char *long_name)
{
  int  varid;
  long count, len = n;
  PetscFunctionBegin;
  PetscCall(DefVar(s, name, NC_STRING, 1, &dimname, &len, long_name, &varid, &count));
  if (count) PhynnNcCall(s->path, nc_put_var_string(Cur(s), varid, (const char **)strings));
  PetscFunctionReturn(0);
}

PetscBool PhynnStoreHasArray(PhynnStore s, const char *name)
{
  int varid;
  return nc_inq_varid(Cur(s), name, &varid) == NC_NOERR ? PETSC_TRUE : PETSC_FALSE;
}

/* The shape and element count of an array of the current group. */
static PetscErrorCode Shape(PhynnStore s, const char *name, int *varid, int *ndim, long *dims, long *count)
{
  int    dimids[NC_MAX_VAR_DIMS];
  size_t shape[PHYNN_STORE_MAX_DIMS], n;
  char   buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCheck(nc_inq_varid(Cur(s), name, varid) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no variable '%s'; the file is damaged or was not written by this phynn version", Where(s, buf, sizeof(buf)), name);
  PhynnNcCall(s->path, nc_inq_varndims(Cur(s), *varid, ndim));
  PetscCheck(*ndim <= PHYNN_STORE_MAX_DIMS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' has %d dimensions (at most %d)", Where(s, buf, sizeof(buf)), name, *ndim, PHYNN_STORE_MAX_DIMS);
  PhynnNcCall(s->path, nc_inq_vardimid(Cur(s), *varid, dimids));
  for (int k = 0; k < *ndim; k++) {
    PhynnNcCall(s->path, nc_inq_dimlen(Cur(s), dimids[k], &shape[k]));
    if (dims) dims[k] = (long)shape[k];
  }
  PetscCall(PhynnNcCheckCount(s->path, name, *ndim, shape, &n)); /* before any allocation of that size */
  *count = (long)n;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreGetArray(PhynnStore s, const char *name, PetscBool finite, long want_size, int *ndim, long *dims, double **data)
{
  int  varid, nd;
  long count, d[PHYNN_STORE_MAX_DIMS];
  char buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  *data = NULL;
  PetscCall(Shape(s, name, &varid, &nd, d, &count));
  PetscCheck(want_size < 0 || count == want_size, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' has %ld values but %ld are needed; the file is damaged (inconsistent sizes)", Where(s, buf, sizeof(buf)), name, count,
             want_size);
  if (ndim) *ndim = nd;
  if (dims)
    for (int k = 0; k < nd; k++) dims[k] = d[k];
  if (!count) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(count, data));
  PhynnNcCall(s->path, nc_get_var_double(Cur(s), varid, *data));
  if (finite)
    for (long i = 0; i < count; i++)
      if (!isfinite((*data)[i])) {
        double bad = (*data)[i];
        PetscCall(PetscFree(*data));
        SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "%s: variable '%s' holds %s at flat index %ld; the values are unusable (retrain, e.g. with a smaller -lr)", Where(s, buf, sizeof(buf)), name,
                isnan(bad) ? "NaN" : "Inf", i);
      }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreGetIntArray(PhynnStore s, const char *name, long want_size, long *ncount, long **data)
{
  int        varid, nd;
  long       count;
  long long *v;
  char       buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCall(Shape(s, name, &varid, &nd, NULL, &count));
  PetscCheck(want_size < 0 || count == want_size, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' has %ld values but %ld are needed; the file is damaged (inconsistent sizes)", Where(s, buf, sizeof(buf)), name, count,
             want_size);
  PetscCall(PetscMalloc1(count ? count : 1, &v));
  PetscCall(PetscMalloc1(count ? count : 1, data));
  if (count && nc_get_var_longlong(Cur(s), varid, v) != NC_NOERR) {
    PetscCall(PetscFree(v));
    PetscCall(PetscFree(*data));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' is not an integer array; the file is damaged", Where(s, buf, sizeof(buf)), name);
  }
  for (long i = 0; i < count; i++) (*data)[i] = (long)v[i];
  PetscCall(PetscFree(v));
  if (ncount) *ncount = count;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreGetStrings(PhynnStore s, const char *name, int *n, char ***strings)
{
  int     varid, nd;
  long    count;
  nc_type type;
  char  **raw, buf[PETSC_MAX_PATH_LEN + 320];
  PetscFunctionBegin;
  PetscCall(Shape(s, name, &varid, &nd, NULL, &count));
  PhynnNcCall(s->path, nc_inq_vartype(Cur(s), varid, &type));
  PetscCheck(type == NC_STRING && nd == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' is not a list of strings; the file is damaged", Where(s, buf, sizeof(buf)), name);
  PetscCall(PetscCalloc1(count ? count : 1, strings));
  PetscCall(PetscMalloc1(count ? count : 1, &raw));
  if (count) PhynnNcCall(s->path, nc_get_var_string(Cur(s), varid, raw));
  for (long i = 0; i < count; i++) PetscCall(PetscStrallocpy(raw[i] ? raw[i] : "", &(*strings)[i]));
  if (count) nc_free_string((size_t)count, raw);
  PetscCall(PetscFree(raw));
  *n = (int)count;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnStoreFreeStrings(int n, char ***strings)
{
  PetscFunctionBegin;
  if (!*strings) PetscFunctionReturn(0);
  for (int i = 0; i < n; i++) PetscCall(PetscFree((*strings)[i]));
  PetscCall(PetscFree(*strings));
  PetscFunctionReturn(0);
}
