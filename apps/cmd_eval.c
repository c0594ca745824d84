/* phynn eval: a trained model's outputs and their exact input derivatives at given points.
 *
 *   phynn eval MODEL.nc -in POINTS.csv|.nc -o OUT.csv|.nc -derivs t,xx,xt
 *
 * Points:
 *   - CSV: one column per model input, found by name; the file must have every input. Other
 *     columns are copied to a CSV output unchanged (a column whose name clashes with an output
 *     column, say the reference u, is copied as u_data).
 *   - NetCDF, point list: one 1-D variable per input, all over the same dimension.
 *   - NetCDF, grid: each input a coordinate variable of its own dimension (t(t), x(x) of a
 *     reference file): the model is evaluated on the tensor grid, in the dimension order of a
 *     variable of the file over exactly those dimensions (u(t, x)) if there is one, else in the
 *     file's dimension order. This is how a PINN is compared with its reference solution.
 * Output, chosen by the -o extension (.nc: NetCDF, anything else: CSV): the inputs, each output,
 * then <output>_<derivative> for each requested derivative (u_t, u_xx), per output in order.
 * NetCDF output puts them on a `point` dimension, or on the grid's dimensions (with the
 * coordinate variables and their units) for grid input. CSV output of a grid lists its points in
 * row-major order.
 *
 * Derivatives come from the forward-mode jets (PhynnModelEvaluate), exact up to rounding, and
 * include the chain rule through the model's input scaling. Evaluation is cheap next to training,
 * so rank 0 does all of it (PhynnModelEvaluatePoints, in chunks to bound memory); under mpirun the
 * other ranks only wait. */
#include <string.h>

#include "commands.h"
#include "eval_images.h"
#include "eval_operator.h"
#include "phynn/csv.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"

#define EVAL_MAX_COORDS 16 /* coordinates of a point model that eval reads from a file */

typedef struct {
  long    n;                               /* points */
  double *X;                               /* n x nin, row-major */
  /* grid input (ngrid > 0): dimension k has name grid_name[k], length grid_len[k], values grid_val[k] */
  int     ngrid;
  char    grid_name[EVAL_MAX_COORDS][64];
  size_t  grid_len[EVAL_MAX_COORDS];
  double *grid_val[EVAL_MAX_COORDS];
  char    grid_units[EVAL_MAX_COORDS][128], grid_long[EVAL_MAX_COORDS][256];
  int     grid_input[EVAL_MAX_COORDS];  /* the model input of grid dimension k */
  PhynnTable table;                        /* CSV input (for the copied columns) */
  int     in_col[EVAL_MAX_COORDS];      /* CSV column of each input */
} Points;

static PetscBool EndsWith(const char *s, const char *suffix)
{
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && !strcmp(s + ls - lx, suffix) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode ReadPointsCSV(PhynnModel m, const char *path, Points *p)
{
  const PhynnModelVar *mi, *mo;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  PetscCall(PhynnTableReadCSV(path, &p->table));
  for (int c = 0; c < mi->ncomp; c++) PetscCall(PhynnTableColumn(&p->table, mi->comp[c], &p->in_col[c]));
  p->n = p->table.rows;
  PetscCall(PetscMalloc1(p->n * mi->ncomp + 1, &p->X));
  for (long i = 0; i < p->n; i++)
    for (int c = 0; c < mi->ncomp; c++) p->X[i * mi->ncomp + c] = p->table.data[i * p->table.cols + p->in_col[c]];
  PetscFunctionReturn(0);
}

static void GetTextAtt(int ncid, int varid, const char *name, char *value, size_t len)
{
  size_t alen;
  value[0] = '\0';
  if (nc_inq_attlen(ncid, varid, name, &alen) == NC_NOERR && alen < len && nc_get_att_text(ncid, varid, name, value) == NC_NOERR) value[alen] = '\0';
}

static PetscErrorCode ReadPointsNcOpen(int ncid, PhynnModel m, const char *path, Points *p)
{
  const PhynnModelVar *mi, *mo;
  int    varid[EVAL_MAX_COORDS], dimid[EVAL_MAX_COORDS], ndims, nvars;
  size_t len[EVAL_MAX_COORDS];
  char   dname[NC_MAX_NAME + 1];
  PetscBool same = PETSC_TRUE, grid = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  for (int c = 0; c < mi->ncomp; c++) {
    PetscCheck(nc_inq_varid(ncid, mi->comp[c], &varid[c]) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "points file %s has no variable '%s'; it needs one 1-D variable per model input (the model's inputs are named in its input_names attribute)", path, mi->comp[c]);
    PhynnNcCall(path, nc_inq_varndims(ncid, varid[c], &ndims));
    PetscCheck(ndims == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "points file %s: variable '%s' has %d dimensions; give the points as 1-D variables (a list, or coordinate variables of a grid)", path, mi->comp[c], ndims);
    PhynnNcCall(path, nc_inq_vardimid(ncid, varid[c], &dimid[c]));
    PhynnNcCall(path, nc_inq_dim(ncid, dimid[c], dname, &len[c]));
    PetscCheck(len[c] > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "points file %s: variable '%s' is empty", path, mi->comp[c]);
    if (dimid[c] != dimid[0]) same = PETSC_FALSE;
    if (strcmp(dname, mi->comp[c])) grid = PETSC_FALSE; /* not a coordinate variable */
    for (int e = 0; e < c; e++)
      if (dimid[e] == dimid[c]) grid = PETSC_FALSE;
  }
  if (same) {
    /* A point list: x[i], t[i], ... */
    p->n = (long)len[0];
    PetscCall(PetscMalloc1(p->n * mi->ncomp, &p->X));
    for (int c = 0; c < mi->ncomp; c++) {
      double *v;
      size_t  n;
      PetscCall(PhynnNcReadDoubles(ncid, path, mi->comp[c], &v, &n));
      for (long i = 0; i < p->n; i++) p->X[i * mi->ncomp + c] = v[i];
      PetscCall(PetscFree(v));
    }
    PetscFunctionReturn(0);
  }
  PetscCheck(grid, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "points file %s: the input variables are neither all over one dimension (a point list) nor each the coordinate variable of its own dimension (a grid such as t(t), x(x)); rewrite the file in one of these forms", path);
  /* A grid: order the dimensions like a variable over exactly these dimensions (u(t, x)), else
   * in the file's dimension order. */
  int order[EVAL_MAX_COORDS], found = 0;
  PhynnNcCall(path, nc_inq_nvars(ncid, &nvars));
  for (int v = 0; v < nvars && !found; v++) {
    int vd[NC_MAX_VAR_DIMS], nd, ok = 1;
    PhynnNcCall(path, nc_inq_varndims(ncid, v, &nd));
    if (nd != mi->ncomp) continue;
    PhynnNcCall(path, nc_inq_vardimid(ncid, v, vd));
    for (int k = 0; k < nd && ok; k++) {
      int which = -1;
      for (int c = 0; c < mi->ncomp; c++)
        if (dimid[c] == vd[k]) which = c;
      for (int e = 0; e < k && which >= 0; e++)
        if (order[e] == which) which = -1;
      if (which < 0) ok = 0;
      else order[k] = which;
    }
    found = ok;
  }
  if (!found) {
    for (int c = 0; c < mi->ncomp; c++) order[c] = c;
    for (int a = 0; a < mi->ncomp; a++) /* by dimension id: the file's definition order */
      for (int b = a + 1; b < mi->ncomp; b++)
        if (dimid[order[b]] < dimid[order[a]]) {
          int tmp  = order[a];
          order[a] = order[b];
          order[b] = tmp;
        }
  }
  p->ngrid = mi->ncomp;
  p->n     = 1;
  for (int k = 0; k < p->ngrid; k++) {
    int    c = order[k];
    size_t n;
    p->grid_input[k] = c;
    p->grid_len[k]   = len[c];
    PetscCall(PetscStrncpy(p->grid_name[k], mi->comp[c], sizeof(p->grid_name[k])));
    PetscCall(PhynnNcReadDoubles(ncid, path, mi->comp[c], &p->grid_val[k], &n));
    GetTextAtt(ncid, varid[c], "units", p->grid_units[k], sizeof(p->grid_units[k]));
    GetTextAtt(ncid, varid[c], "long_name", p->grid_long[k], sizeof(p->grid_long[k]));
    p->n *= (long)len[c];
  }
  /* Row-major over the grid dimensions: the last one varies fastest. */
  PetscCall(PetscMalloc1(p->n * mi->ncomp, &p->X));
  for (long i = 0; i < p->n; i++) {
    long r = i;
    for (int k = p->ngrid - 1; k >= 0; k--) {
      long idx = r % (long)p->grid_len[k];
      r /= (long)p->grid_len[k];
      p->X[i * mi->ncomp + p->grid_input[k]] = p->grid_val[k][idx];
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadPointsNc(PhynnModel m, const char *path, Points *p)
{
  int            ncid;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &ncid));
  ierr = ReadPointsNcOpen(ncid, m, path, p);
  nc_close(ncid);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode PointsDestroy(Points *p)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(p->X));
  for (int k = 0; k < p->ngrid; k++) PetscCall(PetscFree(p->grid_val[k]));
  PetscCall(PhynnTableDestroy(&p->table));
  PetscFunctionReturn(0);
}

/* The output columns: names[q] and values[q * n + i] for q over (outputs, then each output's
 * derivatives in request order). */
typedef struct {
  int     nq;
  char  (*names)[72];
  double *values;
} Results;

static PetscErrorCode Evaluate(PhynnModel m, const Points *p, const PhynnJet *jet, int nreq, const int *blocks, const char (*req)[32], Results *res)
{
  const PhynnModelVar *mi, *mo;
  int                  nout;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  nout = mo->ncomp;
  res->nq = nout * (1 + nreq);
  PetscCall(PetscMalloc1(res->nq, &res->names));
  PetscCall(PetscMalloc1(res->nq * p->n, &res->values));
  for (int o = 0; o < nout; o++) {
    PetscCall(PetscSNPrintf(res->names[o], sizeof(res->names[o]), "%s", mo->comp[o]));
    for (int r = 0; r < nreq; r++) PetscCall(PetscSNPrintf(res->names[nout + o * nreq + r], sizeof(res->names[0]), "%s_%s", mo->comp[o], req[r]));
  }
  {
    double *out;
    char    outside[512];
    PetscCall(PhynnModelOutsideDomain(m, p->n, p->X, outside, sizeof(outside)));
    if (outside[0]) PetscCall(PetscFPrintf(PETSC_COMM_SELF, stderr, "phynn: warning: %s\n", outside));
    /* out is (K n) x nout in jet block order: block b, point i, output o at (b n + i) nout + o. */
    PetscCall(PhynnModelEvaluatePoints(m, p->n, p->X, jet, &out));
    for (long i = 0; i < p->n; i++)
      for (int o = 0; o < nout; o++) {
        res->values[o * p->n + i] = out[i * nout + o];
        for (int r = 0; r < nreq; r++) res->values[(nout + o * nreq + r) * p->n + i] = out[((long)blocks[r] * p->n + i) * nout + o];
      }
    PetscCall(PetscFree(out));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCSV(PhynnModel m, const Points *p, const Results *res, const char *path)
{
  const PhynnModelVar *mi, *mo;
  PhynnTable  t;
  int         ncopy = 0, copy[256], ncols;
  const char *names[256 + 3 * EVAL_MAX_COORDS * (1 + 2 * PHYNN_JET_MAX)];
  char        renamed[256][72];

  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  /* Columns of the points file that are not inputs are copied through; a clash with an output
   * column (the reference u next to the model's u) gets the suffix _data. */
  if (p->table.cols) {
    for (int j = 0; j < p->table.cols; j++) {
      PetscBool input = PETSC_FALSE, clash = PETSC_FALSE;
      for (int c = 0; c < mi->ncomp; c++)
        if (p->in_col[c] == j) input = PETSC_TRUE;
      if (input) continue;
      PetscCheck(ncopy < 256, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the points file has more than 256 extra columns; drop some");
      for (int q = 0; q < res->nq; q++)
        if (!strcmp(res->names[q], p->table.names[j])) clash = PETSC_TRUE;
      PetscCall(PetscSNPrintf(renamed[ncopy], sizeof(renamed[0]), clash ? "%s_data" : "%s", p->table.names[j]));
      copy[ncopy++] = j;
    }
  }
  ncols = 0;
  for (int c = 0; c < mi->ncomp; c++) names[ncols++] = mi->comp[c];
  for (int k = 0; k < ncopy; k++) names[ncols++] = renamed[k];
  for (int q = 0; q < res->nq; q++) names[ncols++] = res->names[q];
  PetscCall(PhynnTableCreate(p->n, ncols, names, &t));
  for (long i = 0; i < p->n; i++) {
    double *row = t.data + i * ncols;
    int     j   = 0;
    for (int c = 0; c < mi->ncomp; c++) row[j++] = p->X[i * mi->ncomp + c];
    for (int k = 0; k < ncopy; k++) row[j++] = p->table.data[i * p->table.cols + copy[k]];
    for (int q = 0; q < res->nq; q++) row[j++] = res->values[q * p->n + i];
  }
  PetscErrorCode ierr = PhynnTableWriteCSV(path, &t);
  PetscCall(PhynnTableDestroy(&t));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteNcContent(PhynnModel m, const Points *p, const Results *res, const char *model_path, const char *derivs, PhynnNcWriter *w)
{
  const PhynnModelVar *mi, *mo;
  int dims[EVAL_MAX_COORDS], nd, vin[EVAL_MAX_COORDS], vq[3 * EVAL_MAX_COORDS * (1 + 2 * PHYNN_JET_MAX)];
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  PetscCall(PhynnNcPutProvenance(w, "phynn eval: model outputs and input derivatives"));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "model", model_path));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "model_problem", PhynnModelGetProblem(m)));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "derivatives", derivs));
  if (p->ngrid) {
    nd = p->ngrid;
    for (int k = 0; k < nd; k++)
      PetscCall(PhynnNcDefCoord(w, p->grid_name[k], p->grid_len[k], p->grid_units[k][0] ? p->grid_units[k] : NULL, p->grid_long[k][0] ? p->grid_long[k] : NULL, &dims[k], &vin[k]));
  } else {
    nd = 1;
    PhynnNcCall(w->path, nc_def_dim(w->ncid, "point", (size_t)p->n, &dims[0]));
    for (int c = 0; c < mi->ncomp; c++) PetscCall(PhynnNcDefVar(w, mi->comp[c], 1, dims, NULL, "model input", &vin[c]));
  }
  for (int q = 0; q < res->nq; q++) {
    char ln[160];
    if (q < mo->ncomp) PetscCall(PetscSNPrintf(ln, sizeof(ln), "model output %s", res->names[q]));
    else PetscCall(PetscSNPrintf(ln, sizeof(ln), "derivative of the model output: %s", res->names[q]));
    PetscCall(PhynnNcDefVar(w, res->names[q], nd, dims, NULL, ln, &vq[q]));
    if (q < mo->ncomp && mo->ref[q][0]) PetscCall(PhynnNcPutText(w, vq[q], "reference_variable", mo->ref[q]));
  }
  if (p->ngrid) {
    for (int k = 0; k < p->ngrid; k++) PetscCall(PhynnNcPutVarDoubles(w, vin[k], p->grid_val[k]));
  } else {
    double *col;
    PetscCall(PetscMalloc1(p->n, &col));
    for (int c = 0; c < mi->ncomp; c++) {
      for (long i = 0; i < p->n; i++) col[i] = p->X[i * mi->ncomp + c];
      PetscCall(PhynnNcPutVarDoubles(w, vin[c], col));
    }
    PetscCall(PetscFree(col));
  }
  for (int q = 0; q < res->nq; q++) PetscCall(PhynnNcPutVarDoubles(w, vq[q], res->values + q * p->n));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteNc(PhynnModel m, const Points *p, const Results *res, const char *model_path, const char *derivs, const char *path)
{
  PhynnNcWriter  w;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnNcCreate(path, &w));
  ierr = WriteNcContent(m, p, res, model_path, derivs, &w);
  if (ierr) PetscCall(PhynnNcDiscard(&w));
  PetscCall(ierr);
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdEval(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  char       in[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], derivs[256], var[64];
  PetscBool  var_set, derivs_set;
  PhynnModel m;
  PhynnRecord rec;
  const PhynnModelVar *mi, *mo;
  Points     p;
  Results    res = {0};
  PhynnJet   jet;
  int        nreq = 0, blocks[2 * PHYNN_JET_MAX];
  char       req[2 * PHYNN_JET_MAX][32];

  PetscFunctionBegin;
  PetscCall(PhynnOptString("in", NULL, "points: CSV with a column per model input, or NetCDF with a 1-D variable per input (a list, or the coordinates of a grid) (required)", in, sizeof(in), NULL));
  PetscCall(PhynnOptString("o", "eval.csv", "output file: .nc for NetCDF, otherwise CSV", out, sizeof(out), NULL));
  PetscCall(PhynnOptString("derivs", "", "derivatives of every output to add, e.g. t,x,xx,xt (names of the model's inputs)", derivs, sizeof(derivs), &derivs_set));
  PetscCall(PhynnOptString("var", "image", "image models: the frames' variable in -in (the image-dataset layout)", var, sizeof(var), &var_set));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);
  if (PhynnOptionsHelp()) {
    PetscCall(PhynnOptionsCheckUnused(comm));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnCommandCheckArgs(comm, "eval", "MODEL.nc", nargs, 1, 1));
  PetscCheck(in[0], comm, PHYNN_ERR_INPUT, "no points given; pass -in POINTS.csv or -in POINTS.nc");
  PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnRank(comm) != 0) PetscFunctionReturn(0); /* rank 0 evaluates and writes (see above) */

  PetscCall(PetscMemzero(&p, sizeof(p)));
  PhynnRecordInit(&rec);
  PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, args[0], &m, &rec));
  if (!strcmp(PhynnModelGetProblem(m), "operator")) { /* a family in, its predictions out */
    PetscCheck(!derivs_set && !var_set, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "options -derivs and -var: model %s is an operator; it reads the family variables it was trained on", args[0]);
    PetscCheck(EndsWith(in, ".nc") && EndsWith(out, ".nc"), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s is an operator: give -in FAMILY.nc (phynn solve ... -nsamples N) and -o OUT.nc", args[0]);
    PetscCall(PhynnEvalOperatorModel(m, &rec, args[0], in, out));
    PetscCall(PhynnRecordReset(&rec));
    PetscCall(PhynnModelDestroy(&m));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnRecordReset(&rec));
  if (PhynnModelTakesImages(m)) { /* an autoencoder or PCA: frames in, frames and codes out */
    PetscCheck(!derivs_set, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -derivs: model %s is an image model; input derivatives are for point models", args[0]);
    PetscCheck(EndsWith(in, ".nc") && EndsWith(out, ".nc"), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s is an image model: give -in FRAMES.nc (the image-dataset layout) and -o OUT.nc", args[0]);
    PetscCall(PhynnEvalImageModel(m, args[0], in, var, out));
    PetscCall(PhynnModelDestroy(&m));
    PetscFunctionReturn(0);
  }
  PetscCheck(!var_set, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -var is for image models; model %s takes points", args[0]);
  PetscCall(PhynnModelGetPointIO(m, "phynn eval", &mi, &mo));
  PetscCheck(mi->ncomp <= EVAL_MAX_COORDS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "phynn eval reads at most %d coordinates per point; model %s has %d", EVAL_MAX_COORDS, args[0], mi->ncomp);
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, mi->ncomp, (const char(*)[32])mi->comp, derivs, &jet, &nreq, blocks, req));
  if (EndsWith(in, ".nc")) PetscCall(ReadPointsNc(m, in, &p));
  else PetscCall(ReadPointsCSV(m, in, &p));
  PetscCall(Evaluate(m, &p, &jet, nreq, blocks, (const char(*)[32])req, &res));
  if (EndsWith(out, ".nc")) PetscCall(WriteNc(m, &p, &res, args[0], derivs, out));
  else PetscCall(WriteCSV(m, &p, &res, out));
  PetscCall(PhynnPrintf(PETSC_COMM_SELF, "phynn eval: %ld point(s)%s, %d output(s), %d derivative(s) each; wrote %s\n", p.n, p.ngrid ? " on a grid" : "", mo->ncomp, nreq, out));

  PetscCall(PetscFree(res.names));
  PetscCall(PetscFree(res.values));
  PetscCall(PointsDestroy(&p));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}
