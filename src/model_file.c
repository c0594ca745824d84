/* Model files, format 2 (phynn/modelfile.h, docs/model-file.md): the spec, theta, the slice table
 * from the graph and one readable variable per parameter; the record in /training. */
#include <string.h>

#include "model_v1.h"
#include "phynn/modelfile.h"

#define PARAM_RANK 4 /* columns of param_shape: a parameter has at most 4 dimensions */

static const char *DTypeName(PhynnDType t) { return t == PHYNN_DTYPE_COMPLEX ? "complex" : "real"; }

PetscErrorCode PhynnModelView(PhynnModel m, PhynnStore s)
{
  PhynnGraph    tg;
  long          n, np;
  const double *theta;
  const char  **names, **dtypes, *dn_par = "parameter", *dn_tab[2] = {"param", "param_rank"};
  long         *offsets, *shapes;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  PetscCall(PhynnModelGetTheta(m, &n, &theta));
  PetscCheck(theta, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "cannot write %s: the model has no weights (call PhynnModelGetWeights first)", PhynnStorePath(s));
  np = PhynnGraphParamCount(tg);
  PetscCall(PhynnStorePutText(s, NULL, "phynn_file", "model"));
  PetscCall(PhynnStorePutInt(s, NULL, "phynn_model_format", PHYNN_MODEL_FORMAT));
  PetscCall(PhynnStorePutText(s, NULL, "problem", PhynnModelGetProblem(m)));
  PetscCall(PhynnStorePutText(s, NULL, "model_spec", PhynnModelGetSpec(m)));
  PetscCall(PhynnStorePutArray(s, "theta", 1, &dn_par, &n, theta, "all parameters, contiguous, in the order of param_name (authoritative copy)"));
  PetscCall(PetscMalloc4(np ? np : 1, &names, np ? np : 1, &dtypes, np ? np : 1, &offsets, PARAM_RANK * (np ? np : 1), &shapes));
  for (int k = 0; k < np; k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    names[k]   = info.name;
    dtypes[k]  = DTypeName(info.shape.dtype);
    offsets[k] = info.offset;
    for (int d = 0; d < PARAM_RANK; d++) shapes[k * PARAM_RANK + d] = d < info.shape.ndim ? info.shape.dim[d] : 0;
  }
  PetscCall(PhynnStorePutStrings(s, "param_name", "param", (int)np, names, "parameter names, '<block>.<local>' (or the block's name for a param block)"));
  PetscCall(PhynnStorePutIntArray(s, "param_offset", 1, dn_tab, &np, offsets, "offset of each parameter in theta, in doubles"));
  {
    long dims[2] = {np, PARAM_RANK};
    PetscCall(PhynnStorePutIntArray(s, "param_shape", 2, dn_tab, dims, shapes, "shape of each parameter (0 past its last dimension)"));
  }
  PetscCall(PhynnStorePutStrings(s, "param_dtype", "param", (int)np, dtypes, "real, or complex (two doubles re, im per element)"));
  /* One variable per parameter in its shape: dimensions <name>_d0, <name>_d1, ... (ri = 2 last for complex). */
  for (int k = 0; k < np; k++) {
    PhynnParamInfo info;
    char           dnames[PARAM_RANK + 1][PHYNN_SPEC_NAME_MAX + 8];
    const char    *dptr[PARAM_RANK + 1];
    long           dims[PARAM_RANK + 1];
    int            nd = 0;
    char           ln[160];
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    for (int d = 0; d < info.shape.ndim; d++, nd++) {
      PetscCall(PetscSNPrintf(dnames[nd], sizeof(dnames[nd]), "%s_d%d", info.name, d));
      dims[nd] = info.shape.dim[d];
    }
    if (info.shape.dtype == PHYNN_DTYPE_COMPLEX) {
      PetscCall(PetscStrncpy(dnames[nd], "ri", sizeof(dnames[nd])));
      dims[nd++] = 2;
    }
    for (int d = 0; d < nd; d++) dptr[d] = dnames[d];
    PetscCall(PetscSNPrintf(ln, sizeof(ln), "parameter %s (copy of theta[%ld:%ld])", info.name, info.offset, info.offset + info.ndoubles));
    PetscCall(PhynnStorePutArray(s, info.name, nd, dptr, dims, theta + info.offset, ln));
  }
  PetscCall(PetscFree4(names, dtypes, offsets, shapes));
  PetscFunctionReturn(0);
}

/* The file's slice table must be the one the spec builds. */
static PetscErrorCode CheckTable(PhynnModel m, PhynnStore s)
{
  PhynnGraph tg;
  int        nfile;
  char     **names = NULL, **dtypes = NULL;
  long      *offsets = NULL, *shapes = NULL, np;
  char       msg[512] = "";
  PetscFunctionBegin;
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  np = PhynnGraphParamCount(tg);
  PetscCall(PhynnStoreGetStrings(s, "param_name", &nfile, &names));
  if (nfile != np) snprintf(msg, sizeof(msg), "model file %s lists %d parameters but its model_spec makes %ld; the file is damaged (inconsistent sizes)", PhynnStorePath(s), nfile, np);
  else {
    int n2;
    PetscCall(PhynnStoreGetStrings(s, "param_dtype", &n2, &dtypes));
    PetscCall(PhynnStoreGetIntArray(s, "param_offset", np, NULL, &offsets));
    PetscCall(PhynnStoreGetIntArray(s, "param_shape", np * PARAM_RANK, NULL, &shapes));
    for (int k = 0; k < np && !msg[0]; k++) {
      PhynnParamInfo info;
      PetscBool      same = PETSC_TRUE;
      PetscCall(PhynnGraphParamInfo(tg, k, &info));
      for (int d = 0; d < PARAM_RANK; d++) same = same && shapes[k * PARAM_RANK + d] == (d < info.shape.ndim ? info.shape.dim[d] : 0);
      if (strcmp(names[k], info.name)) snprintf(msg, sizeof(msg), "model file %s: parameter %d is '%s' but its model_spec makes '%s'; the file is damaged", PhynnStorePath(s), k + 1, names[k], info.name);
      else if (!same || offsets[k] != info.offset || n2 != np || strcmp(dtypes[k], DTypeName(info.shape.dtype)))
        snprintf(msg, sizeof(msg), "model file %s: parameter '%s' has another shape, offset or type than its model_spec gives; the file is damaged (inconsistent sizes)", PhynnStorePath(s), names[k]);
    }
    PetscCall(PhynnStoreFreeStrings(n2, &dtypes));
  }
  PetscCall(PhynnStoreFreeStrings(nfile, &names));
  PetscCall(PetscFree(offsets));
  PetscCall(PetscFree(shapes));
  PetscCheck(!msg[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s", msg);
  PetscFunctionReturn(0);
}

/* theta, and every per-parameter copy equal to its slice bitwise: otherwise someone edited one
 * and not the other, or a bit of one flipped on disk (the copies are the check against damage). */
static PetscErrorCode ReadTheta(PhynnModel m, PhynnStore s)
{
  PhynnGraph tg;
  long       n;
  double    *theta = NULL;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetParameterCount(m, &n));
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  PetscCall(PhynnStoreGetArray(s, "theta", PETSC_TRUE, n, NULL, NULL, &theta));
  for (int k = 0; k < PhynnGraphParamCount(tg); k++) {
    PhynnParamInfo info;
    double        *copy = NULL;
    PetscBool      differ;
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    PetscErrorCode ierr = PhynnStoreGetArray(s, info.name, PETSC_FALSE, info.ndoubles, NULL, NULL, &copy);
    if (ierr) PetscCall(PetscFree(theta));
    PetscCall(ierr);
    differ = info.ndoubles && memcmp(copy, theta + info.offset, (size_t)info.ndoubles * sizeof(double)) ? PETSC_TRUE : PETSC_FALSE;
    PetscCall(PetscFree(copy));
    if (differ) PetscCall(PetscFree(theta));
    PetscCheck(!differ, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: variable '%s' differs from its slice of 'theta': the file is damaged (a changed bit) or was edited in one place only; restore it from a copy, or edit theta and the copy alike", PhynnStorePath(s), info.name);
  }
  PetscErrorCode ierr = PhynnModelSetTheta(m, n, theta ? theta : (double[1]){0});
  PetscCall(PetscFree(theta));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadV2(MPI_Comm comm, PhynnStore s, PhynnModel m)
{
  long long format;
  char     *problem, *spec, origin[PETSC_MAX_PATH_LEN + 16];
  PetscFunctionBegin;
  (void)comm;
  PetscCall(PhynnStoreGetInt(s, NULL, "phynn_model_format", &format));
  PetscCheck(format == PHYNN_MODEL_FORMAT, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s has format %lld; this phynn reads formats 1 and %d (a newer phynn wrote it?)", PhynnStorePath(s), format, PHYNN_MODEL_FORMAT);
  PetscCall(PhynnStoreGetText(s, NULL, "problem", &problem));
  PetscErrorCode ierr = PhynnModelSetProblem(m, problem);
  PetscCall(PetscFree(problem));
  PetscCall(ierr);
  PetscCall(PhynnStoreGetText(s, NULL, "model_spec", &spec));
  PetscCall(PetscSNPrintf(origin, sizeof(origin), "model file %s", PhynnStorePath(s)));
  ierr = PhynnModelSetSpec(m, spec, origin);
  PetscCall(PetscFree(spec));
  PetscCall(ierr);
  PetscCall(CheckTable(m, s));
  PetscCall(ReadTheta(m, s));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckKind(PhynnStore s)
{
  char          *kind;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(PhynnStoreHasAttr(s, NULL, "phynn_file"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "%s is a NetCDF file but not a phynn model (no global attribute phynn_file = \"model\"); give a file written by 'phynn train'", PhynnStorePath(s));
  PetscCall(PhynnStoreGetText(s, NULL, "phynn_file", &kind));
  ierr = strcmp(kind, "model") ? PHYNN_ERR_INPUT : 0;
  if (ierr) {
    char k[64];
    PetscCall(PetscStrncpy(k, kind, sizeof(k)));
    PetscCall(PetscFree(kind));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s is a phynn '%s' file, not a model; give a file written by 'phynn train'", PhynnStorePath(s), k);
  }
  PetscCall(PetscFree(kind));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelLoad(MPI_Comm comm, PhynnStore s, PhynnModel *m)
{
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(CheckKind(s));
  if (!PhynnStoreHasAttr(s, NULL, "phynn_model_format") && PhynnModelIsV1(s)) {
    PetscCall(PhynnModelLoadV1(comm, s, m, NULL));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnModelCreate(comm, m));
  ierr = LoadV2(comm, s, *m);
  if (ierr) PetscCall(PhynnModelDestroy(m));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSave(PhynnModel m, const PhynnRecord *rec, const char *path)
{
  PhynnStore     s;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnStoreCreate(path, "phynn model", &s));
  ierr = PhynnModelView(m, s);
  if (!ierr && rec) ierr = PhynnRecordView(rec, s);
  if (ierr) PetscCall(PhynnStoreDiscard(&s)); /* no half-written file, not even a temporary one */
  PetscCall(ierr);
  PetscCall(PhynnStoreCommit(&s));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelLoadFile(MPI_Comm comm, const char *path, PhynnModel *m, PhynnRecord *rec)
{
  PhynnStore     s;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  *m = NULL;
  if (rec) PetscCall(PhynnRecordReset(rec));
  PetscCall(PhynnStoreOpen(path, &s));
  ierr = CheckKind(s);
  if (!ierr && !PhynnStoreHasAttr(s, NULL, "phynn_model_format") && PhynnModelIsV1(s)) ierr = PhynnModelLoadV1(comm, s, m, rec);
  else if (!ierr) {
    ierr = PhynnModelLoad(comm, s, m);
    if (!ierr && rec && PhynnStoreHasGroup(s, "training")) ierr = PhynnRecordLoad(rec, s);
  }
  PetscCall(PhynnStoreDiscard(&s));
  if (ierr) {
    PetscCall(PhynnModelDestroy(m));
    if (rec) PetscCall(PhynnRecordReset(rec));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
