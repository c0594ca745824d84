/* Reading and writing image data sets in phynn's image layout (docs/image-data.md): the io layer
 * knows the layout of the data, not what a model does with it.
 *
 * Rank 0 checks the file's layout and broadcasts the shape, so a bad file gives one error line;
 * then every rank opens the file (read-only, serial NetCDF) and reads only the frames it needs
 * (nc_get_vara_double converts any numeric type to double). */
#include "phynn/imageset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

long PhynnImageSetFrameSize(const PhynnImageSet *s) { return s->C * s->H * s->W; }

/* The layout check on rank 0: dims[0..3] = nsamples, C, H, W; dims[4] = has_channel; dims[5..6]
 * = has t, has theta; dims[7] = has x and y. */
static PetscErrorCode InspectRank0(const char *path, const char *var, long *dims)
{
  int     ncid, varid, ndims, type;
  size_t  shape[8];
  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &ncid));
  PetscCheck(nc_inq_varid(ncid, var, &varid) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "image data %s has no variable '%s'; give the frames' variable with -var NAME (the layout of docs/image-data.md: image(sample, y, x))", path, var);
  PetscCall(PhynnNcVarShape(ncid, path, varid, &ndims, shape));
  PhynnNcCall(path, nc_inq_vartype(ncid, varid, &type));
  PetscCheck(type != NC_CHAR && type != NC_STRING, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "image data %s: variable '%s' is text, not numbers", path, var);
  PetscCheck(ndims == 3 || ndims == 4, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "image data %s: variable '%s' has %d dimensions; frames must be (sample, y, x) or (sample, channel, y, x)", path, var, ndims);
  {
    size_t n;
    PetscCall(PhynnNcCheckCount(path, var, ndims, shape, &n)); /* frames are allocated from these lengths */
  }
  dims[0] = (long)shape[0];
  dims[1] = ndims == 4 ? (long)shape[1] : 1;
  dims[2] = (long)shape[ndims - 2];
  dims[3] = (long)shape[ndims - 1];
  dims[4] = ndims == 4;
  PetscCheck(dims[0] >= 1 && dims[1] >= 1 && dims[2] >= 1 && dims[3] >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "image data %s: variable '%s' is empty (%ld frames of %ld x %ld x %ld)", path, var, dims[0], dims[1],
             dims[2], dims[3]);
  for (int k = 0; k < 2; k++) { /* optional per-sample variables: used only when they are (sample) */
    const char *name = k == 0 ? "t" : "theta";
    int         vid, nd;
    size_t      sh[8];
    dims[5 + k] = 0;
    if (nc_inq_varid(ncid, name, &vid) == NC_NOERR) {
      PetscCall(PhynnNcVarShape(ncid, path, vid, &nd, sh));
      dims[5 + k] = nd == 1 && (long)sh[0] == dims[0];
    }
  }
  {
    int    vx, vy, nx, ny;
    size_t sx[8], sy[8];
    dims[7] = 0;
    if (nc_inq_varid(ncid, "x", &vx) == NC_NOERR && nc_inq_varid(ncid, "y", &vy) == NC_NOERR) {
      PetscCall(PhynnNcVarShape(ncid, path, vx, &nx, sx));
      PetscCall(PhynnNcVarShape(ncid, path, vy, &ny, sy));
      dims[7] = nx == 1 && ny == 1 && (long)sx[0] == dims[3] && (long)sy[0] == dims[2];
    }
  }
  PhynnNcCall(path, nc_close(ncid));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetOpen(MPI_Comm comm, const char *path, const char *var, PhynnImageSet *s)
{
  long           dims[8] = {0};
  PetscErrorCode ierr    = 0;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  s->comm = comm;
  s->ncid = -1;
  PetscCheck(strlen(path) < sizeof(s->path) && strlen(var) < sizeof(s->var), comm, PHYNN_ERR_INPUT, "image data: file or variable name too long");
  PetscCall(PetscStrncpy(s->path, path, sizeof(s->path)));
  PetscCall(PetscStrncpy(s->var, var, sizeof(s->var)));
  if (PhynnRank(comm) == 0) {
    ierr = InspectRank0(path, var, dims); /* the error is printed by rank 0 alone, the others abort with it */
    PetscCall(ierr);
  }
  PetscCallMPI(MPI_Bcast(dims, 8, MPI_LONG, 0, comm));
  s->nsamples    = dims[0];
  s->C           = dims[1];
  s->H           = dims[2];
  s->W           = dims[3];
  s->has_channel = (int)dims[4];
  s->has_xy      = dims[7] ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PhynnNcOpen(path, &s->ncid));
  PetscCall(PetscMalloc2(s->W, &s->x, s->H, &s->y));
  if (s->has_xy) {
    int vid;
    PhynnNcCall(path, nc_inq_varid(s->ncid, "x", &vid));
    PhynnNcCall(path, nc_get_var_double(s->ncid, vid, s->x));
    PhynnNcCall(path, nc_inq_varid(s->ncid, "y", &vid));
    PhynnNcCall(path, nc_get_var_double(s->ncid, vid, s->y));
  } else {
    for (long j = 0; j < s->W; j++) s->x[j] = (double)j;
    for (long i = 0; i < s->H; i++) s->y[i] = (double)i;
  }
  for (int k = 0; k < 2; k++) {
    double **dst = k == 0 ? &s->t : &s->theta;
    int      vid;
    if (!dims[5 + k]) continue;
    PetscCall(PetscMalloc1(s->nsamples, dst));
    PhynnNcCall(path, nc_inq_varid(s->ncid, k == 0 ? "t" : "theta", &vid));
    PhynnNcCall(path, nc_get_var_double(s->ncid, vid, *dst));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetHasVar(const PhynnImageSet *s, const char *var, PetscBool *has)
{
  int    vid, nd;
  size_t sh[8];
  PetscFunctionBegin;
  *has = PETSC_FALSE;
  if (nc_inq_varid(s->ncid, var, &vid) != NC_NOERR) PetscFunctionReturn(0);
  PetscCall(PhynnNcVarShape(s->ncid, s->path, vid, &nd, sh));
  if (nd != (s->has_channel ? 4 : 3) || (long)sh[0] != s->nsamples || (long)sh[nd - 1] != s->W || (long)sh[nd - 2] != s->H) PetscFunctionReturn(0);
  if (s->has_channel && (long)sh[1] != s->C) PetscFunctionReturn(0);
  *has = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetRead(const PhynnImageSet *s, const char *var, long start, long count, double *buf)
{
  int       vid;
  size_t    st[4] = {0}, ct[4];
  int       nd    = s->has_channel ? 4 : 3;
  long      F     = PhynnImageSetFrameSize(s);
  PetscBool has;
  PetscFunctionBegin;
  PetscCheck(start >= 0 && count >= 0 && start + count <= s->nsamples, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "image data %s: frames %ld..%ld outside 0..%ld", s->path, start, start + count - 1, s->nsamples - 1);
  if (count == 0) PetscFunctionReturn(0);
  PetscCall(PhynnImageSetHasVar(s, var, &has));
  PetscCheck(has, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "image data %s has no variable '%s' of the image's shape (%ld frames of %ld x %ld x %ld)", s->path, var, s->nsamples, s->C, s->H, s->W);
  PhynnNcCall(s->path, nc_inq_varid(s->ncid, var, &vid));
  st[0] = (size_t)start;
  ct[0] = (size_t)count;
  ct[1] = (size_t)(nd == 4 ? s->C : s->H);
  ct[2] = (size_t)(nd == 4 ? s->H : s->W);
  ct[3] = (size_t)s->W;
  PhynnNcCall(s->path, nc_get_vara_double(s->ncid, vid, st, ct, buf));
  for (long i = 0; i < count * F; i++)
    PetscCheck(isfinite(buf[i]), PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "image data %s: variable '%s' holds %g in frame %ld (pixel %ld); clean the frames (NaN/Inf are not allowed)", s->path, var, buf[i],
               start + i / F, i % F);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetReadFrames(const PhynnImageSet *s, const char *var, long n, const long *idx, double *buf)
{
  long F = PhynnImageSetFrameSize(s);
  PetscFunctionBegin;
  for (long k = 0; k < n;) { /* runs of consecutive indices in one read each */
    long run = 1;
    while (k + run < n && idx[k + run] == idx[k] + run) run++;
    PetscCall(PhynnImageSetRead(s, var, idx[k], run, buf + k * F));
    k += run;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetClose(PhynnImageSet *s)
{
  PetscFunctionBegin;
  if (s->ncid >= 0) PhynnNcCall(s->path, nc_close(s->ncid));
  s->ncid = -1;
  PetscCall(PetscFree2(s->x, s->y));
  PetscCall(PetscFree(s->t));
  PetscCall(PetscFree(s->theta));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageSetWrite(PhynnNcWriter *w, const char *var, long n, long C, long H, long W, const double *frames, const double *t, const double *theta, const double *x, const double *y, int nextra, const PhynnImageExtra *extra)
{
  int     ds, dc = -1, dy, dx, vs, vc, vy, vx, vi, vt = -1, vth = -1, dims[4], nd = 0;
  int     ve[8], de[8];
  double *buf;
  long    m = PetscMax(PetscMax(n, C), PetscMax(H, W));
  PetscFunctionBegin;
  PetscCheck(nextra <= 8, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "at most 8 extra variables");
  PetscCall(PhynnNcDefCoord(w, "sample", (size_t)n, "1", "sample index", &ds, &vs));
  if (C > 1) PetscCall(PhynnNcDefCoord(w, "channel", (size_t)C, "1", "channel index", &dc, &vc));
  PetscCall(PhynnNcDefCoord(w, "y", (size_t)H, NULL, "vertical position of the pixel row (top row first)", &dy, &vy));
  PetscCall(PhynnNcDefCoord(w, "x", (size_t)W, NULL, "horizontal position of the pixel column", &dx, &vx));
  dims[nd++] = ds;
  if (C > 1) dims[nd++] = dc;
  dims[nd++] = dy;
  dims[nd++] = dx;
  PetscCall(PhynnNcDefVar(w, var, nd, dims, "1", "pixel intensity", &vi));
  if (t) PetscCall(PhynnNcDefVar(w, "t", 1, &ds, "s", "time", &vt));
  if (theta) PetscCall(PhynnNcDefVar(w, "theta", 1, &ds, "rad", "angle from the downward vertical", &vth));
  for (int e = 0; e < nextra; e++) {
    int d2[2];
    PhynnNcCall(w->path, nc_def_dim(w->ncid, extra[e].dim, (size_t)extra[e].len, &de[e]));
    d2[0] = ds;
    d2[1] = de[e];
    PetscCall(PhynnNcDefVar(w, extra[e].name, 2, d2, "1", extra[e].long_name, &ve[e]));
  }
  PetscCall(PetscMalloc1(m, &buf));
  for (long i = 0; i < n; i++) buf[i] = (double)i;
  PetscCall(PhynnNcPutVarDoubles(w, vs, buf));
  if (C > 1) {
    for (long i = 0; i < C; i++) buf[i] = (double)i;
    PetscCall(PhynnNcPutVarDoubles(w, vc, buf));
  }
  for (long i = 0; i < H; i++) buf[i] = y ? y[i] : (double)i;
  PetscCall(PhynnNcPutVarDoubles(w, vy, buf));
  for (long j = 0; j < W; j++) buf[j] = x ? x[j] : (double)j;
  PetscCall(PhynnNcPutVarDoubles(w, vx, buf));
  PetscCall(PetscFree(buf));
  PetscCall(PhynnNcPutVarDoubles(w, vi, frames));
  if (t) PetscCall(PhynnNcPutVarDoubles(w, vt, t));
  if (theta) PetscCall(PhynnNcPutVarDoubles(w, vth, theta));
  for (int e = 0; e < nextra; e++) PetscCall(PhynnNcPutVarDoubles(w, ve[e], extra[e].data));
  PetscFunctionReturn(0);
}

typedef struct {
  double key;
  long   index;
} HoldoutKey;

static int CompareKeys(const void *a, const void *b)
{
  const HoldoutKey *x = (const HoldoutKey *)a, *y = (const HoldoutKey *)b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

PetscErrorCode PhynnHoldoutSplit(long n, double fraction, uint64_t seed, PetscBool *heldout, long *ntrain)
{
  HoldoutKey *k;
  long        nheld = (long)floor(fraction * (double)n + 0.5);
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &k));
  for (long i = 0; i < n; i++) {
    k[i].key   = PhynnUniform(seed, PHYNN_STREAM_HOLDOUT, (uint64_t)i);
    k[i].index = i;
    heldout[i] = PETSC_FALSE;
  }
  qsort(k, (size_t)n, sizeof(*k), CompareKeys);
  for (long i = 0; i < nheld && i < n; i++) heldout[k[i].index] = PETSC_TRUE;
  *ntrain = n - PetscMin(nheld, n);
  PetscCall(PetscFree(k));
  PetscFunctionReturn(0);
}
