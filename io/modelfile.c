/* Model files: PhynnModel <-> NetCDF-4 (layout: docs/model-file.md). */
#include "phynn/modelfile.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "phynn/ncfile.h"

#define PHYNN_MODEL_FILE_KIND "model"

/* ---- helpers -------------------------------------------------------------------------------- */

/* Joins n names with commas ("x,t"); names must not contain commas (they would split on load). */
static PetscErrorCode JoinNames(const char *path, const char *what, int n, const char (*names)[32], char *out, size_t len)
{
  PetscFunctionBegin;
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    PetscCheck(!strchr(names[i], ','), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "cannot write %s: %s name '%s' contains a comma; rename it", path, what, names[i]);
    if (i) PetscCall(PetscStrlcat(out, ",", len));
    PetscCall(PetscStrlcat(out, names[i], len));
  }
  PetscFunctionReturn(0);
}

/* Splits "a,b,,c" into fields, keeping empty ones (an output without a reference variable is ""),
 * and checks the count. "" is one empty field unless `allow_none` (then it is zero fields). */
static PetscErrorCode SplitNames(const char *path, const char *attr, const char *text, int want, PetscBool allow_none, int max, char (*names)[32], int *n)
{
  const char *p = text;
  int         k = 0;
  PetscFunctionBegin;
  if (allow_none && !text[0]) {
    *n = 0;
  } else {
    for (;;) {
      const char *e = strchr(p, ',');
      size_t      l = e ? (size_t)(e - p) : strlen(p);
      PetscCheck(k < max, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: attribute %s lists more than %d names; the file is damaged or not from this phynn version", path, attr, max);
      PetscCheck(l < 32, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: a name in attribute %s is longer than 31 characters; the file is damaged", path, attr);
      memcpy(names[k], p, l);
      names[k][l] = '\0';
      k++;
      if (!e) break;
      p = e + 1;
    }
    *n = k;
  }
  PetscCheck(want < 0 || *n == want, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: attribute %s lists %d names but the file's dimensions say %d; the file is damaged (inconsistent sizes)", path, attr, *n, want);
  PetscFunctionReturn(0);
}

static PetscErrorCode PutIntAtt(const PhynnNcWriter *w, const char *name, int value)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_put_att_int(w->ncid, NC_GLOBAL, name, NC_INT, 1, &value));
  PetscFunctionReturn(0);
}

/* NetCDF cannot define a fixed dimension of length 0 (0 means unlimited), so an empty history or
 * optimiser state becomes an unlimited dimension of current length 0; readers see length 0. */
static PetscErrorCode DefDim(const PhynnNcWriter *w, const char *name, size_t n, int *dimid)
{
  PetscFunctionBegin;
  PhynnNcCall(w->path, nc_def_dim(w->ncid, name, n ? n : NC_UNLIMITED, dimid));
  PetscFunctionReturn(0);
}

/* Offset of W_l / b_l in theta (l counts from 0 here, from 1 in the file's names). */
static long LayerOffset(const PhynnModel *m, int l)
{
  long off = 0;
  for (int k = 0; k < l; k++) off += m->sizes[k + 1] * m->sizes[k] + (m->bias ? m->sizes[k + 1] : 0);
  return off;
}

/* ---- saving --------------------------------------------------------------------------------- */

static PetscErrorCode ModelWrite(const PhynnModel *m, PhynnNcWriter *w)
{
  const char *path = w->path;
  char        names[PHYNN_MODEL_MAX_IO * 33 + PHYNN_MODEL_MAX_TERMS * 33 + 64];
  const int   ncols = 3 + m->nterms;
  const int   L     = m->nsizes - 1;
  int         d_layer, d_in, d_out, d_par, d_hist, d_hcol, d_opt, d_n[PHYNN_MLP_MAX_LAYERS + 1];
  int         v_sizes, v_lb, v_ub, v_theta, v_opt, v_hist, v_W[PHYNN_MLP_MAX_LAYERS], v_b[PHYNN_MLP_MAX_LAYERS], v_extra[PHYNN_MODEL_MAX_EXTRA];
  int         isizes[PHYNN_MLP_MAX_LAYERS + 1];
  unsigned long long seed = m->seed;
  long long          iteration = m->iteration;

  PetscFunctionBegin;
  PetscCall(PhynnNcPutProvenance(w, "phynn model"));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "phynn_file", PHYNN_MODEL_FILE_KIND));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "problem", m->problem));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "hidden_activation", PhynnActivationNames[m->hidden]));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "output_activation", PhynnActivationNames[m->output]));
  PetscCall(PutIntAtt(w, "bias", m->bias ? 1 : 0));
  PetscCall(PutIntAtt(w, "scale_inputs", m->scale_inputs ? 1 : 0));
  PhynnNcCall(path, nc_put_att_ulonglong(w->ncid, NC_GLOBAL, "seed", NC_UINT64, 1, &seed));
  PhynnNcCall(path, nc_put_att_longlong(w->ncid, NC_GLOBAL, "iteration", NC_INT64, 1, &iteration));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "optimizer", m->optimizer));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "options", m->options ? m->options : ""));
  PetscCall(JoinNames(path, "input", m->nin, m->in_names, names, sizeof(names)));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "input_names", names));
  PetscCall(JoinNames(path, "output", m->nout, m->out_names, names, sizeof(names)));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "output_names", names));
  PetscCall(JoinNames(path, "reference", m->nout, m->out_ref, names, sizeof(names)));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "output_reference", names));
  PetscCall(JoinNames(path, "extra parameter", m->nextra, m->extra_names, names, sizeof(names)));
  PetscCall(PhynnNcPutText(w, NC_GLOBAL, "extra_names", names));

  PetscCall(DefDim(w, "layer", (size_t)m->nsizes, &d_layer));
  PetscCall(DefDim(w, "input", (size_t)m->nin, &d_in));
  PetscCall(DefDim(w, "output", (size_t)m->nout, &d_out));
  PetscCall(DefDim(w, "parameter", (size_t)m->nparams, &d_par));
  PetscCall(DefDim(w, "history", (size_t)m->nhistory, &d_hist));
  PetscCall(DefDim(w, "history_column", (size_t)ncols, &d_hcol));
  PetscCall(DefDim(w, "optimizer_state", (size_t)m->nopt_state, &d_opt));
  /* Layer widths n0 (= input) .. nL (= output): W_l is (n_l, n_{l-1}), b_l is (n_l). */
  for (int l = 0; l <= L; l++) {
    char dn[16];
    PetscCall(PetscSNPrintf(dn, sizeof(dn), "n%d", l));
    PetscCall(DefDim(w, dn, (size_t)m->sizes[l], &d_n[l]));
  }

  PhynnNcCall(path, nc_def_var(w->ncid, "layer_sizes", NC_INT, 1, &d_layer, &v_sizes));
  PetscCall(PhynnNcPutText(w, v_sizes, "long_name", "units per layer, input and output included"));
  PetscCall(PhynnNcDefVar(w, "input_lower", 1, &d_in, NULL, "lower bound lb of each input (x' = 2 (x - lb) / (ub - lb) - 1 when scale_inputs = 1)", &v_lb));
  PetscCall(PhynnNcDefVar(w, "input_upper", 1, &d_in, NULL, "upper bound ub of each input", &v_ub));
  PetscCall(PhynnNcDefVar(w, "theta", 1, &d_par, NULL, "all parameters, contiguous: W1, b1, W2, b2, ..., then the extras (authoritative copy)", &v_theta));
  for (int l = 0; l < L; l++) {
    char vn[16], ln[96];
    int  dims[2] = {d_n[l + 1], d_n[l]};
    PetscCall(PetscSNPrintf(vn, sizeof(vn), "W%d", l + 1));
    PetscCall(PetscSNPrintf(ln, sizeof(ln), "weights of layer %d: z = a W%d^T + b%d (copy of a slice of theta)", l + 1, l + 1, l + 1));
    PetscCall(PhynnNcDefVar(w, vn, 2, dims, NULL, ln, &v_W[l]));
    if (m->bias) {
      PetscCall(PetscSNPrintf(vn, sizeof(vn), "b%d", l + 1));
      PetscCall(PetscSNPrintf(ln, sizeof(ln), "biases of layer %d (copy of a slice of theta)", l + 1));
      PetscCall(PhynnNcDefVar(w, vn, 1, &d_n[l + 1], NULL, ln, &v_b[l]));
    }
  }
  for (int k = 0; k < m->nextra; k++) {
    int dummy;
    PetscCheck(nc_inq_varid(w->ncid, m->extra_names[k], &dummy) != NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "cannot write %s: extra parameter '%s' has the name of another variable of the model file; rename it", path, m->extra_names[k]);
    PetscCall(PhynnNcDefVar(w, m->extra_names[k], 0, NULL, NULL, "trainable scalar parameter of the problem (copy of a slice of theta)", &v_extra[k]));
  }
  PetscCall(PhynnNcDefVar(w, "optimizer_state", 1, &d_opt, NULL, "the optimiser's full state (moments, history, counters) for a bitwise restart", &v_opt));
  {
    int dims[2] = {d_hist, d_hcol};
    PetscCall(PhynnNcDefVar(w, "history", 2, dims, NULL, "loss history, one row per logged iteration", &v_hist));
  }
  names[0] = '\0';
  PetscCall(PetscStrlcat(names, "iteration,elapsed_s,loss", sizeof(names)));
  for (int k = 0; k < m->nterms; k++) {
    PetscCheck(!strchr(m->term_names[k], ','), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "cannot write %s: loss term name '%s' contains a comma; rename it", path, m->term_names[k]);
    PetscCall(PetscStrlcat(names, ",", sizeof(names)));
    PetscCall(PetscStrlcat(names, m->term_names[k], sizeof(names)));
  }
  PetscCall(PhynnNcPutText(w, v_hist, "columns", names));

  PhynnNcCall(path, nc_enddef(w->ncid));
  for (int l = 0; l <= L; l++) isizes[l] = (int)m->sizes[l];
  PhynnNcCall(path, nc_put_var_int(w->ncid, v_sizes, isizes));
  PetscCall(PhynnNcPutVarDoubles(w, v_lb, m->in_lb));
  PetscCall(PhynnNcPutVarDoubles(w, v_ub, m->in_ub));
  PetscCall(PhynnNcPutVarDoubles(w, v_theta, m->theta));
  for (int l = 0; l < L; l++) {
    long off = LayerOffset(m, l);
    PetscCall(PhynnNcPutVarDoubles(w, v_W[l], m->theta + off));
    if (m->bias) PetscCall(PhynnNcPutVarDoubles(w, v_b[l], m->theta + off + m->sizes[l + 1] * m->sizes[l]));
  }
  for (int k = 0; k < m->nextra; k++) PetscCall(PhynnNcPutVarDoubles(w, v_extra[k], m->theta + PhynnModelNetworkParams(m) + k));
  /* Unlimited dimensions of length 0 take no data; writing them would be an error. */
  if (m->nopt_state) PetscCall(PhynnNcPutVarDoubles(w, v_opt, m->opt_state));
  if (m->nhistory) PetscCall(PhynnNcPutVarDoubles(w, v_hist, m->history));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSave(const PhynnModel *m, const char *path)
{
  PhynnNcWriter  w;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(m->nsizes >= 2 && m->nsizes <= PHYNN_MLP_MAX_LAYERS + 1 && m->nin >= 1 && m->nout >= 1 && m->sizes[0] == m->nin && m->sizes[m->nsizes - 1] == m->nout,
             PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PhynnModelSave: the model's layer sizes do not match its %d inputs and %d outputs", m->nin, m->nout);
  PetscCheck(m->theta && m->nparams == PhynnModelNetworkParams(m) + m->nextra, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "PhynnModelSave: the model holds %ld parameters but its architecture needs %ld (call PhynnModelGetWeights first)", m->nparams, PhynnModelNetworkParams(m) + m->nextra);
  PetscCheck((m->nhistory == 0 || m->history) && (m->nopt_state == 0 || m->opt_state), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PhynnModelSave: history or optimizer state count set without data");
  PetscCall(PhynnNcCreate(path, &w));
  ierr = ModelWrite(m, &w);
  if (ierr) PetscCall(PhynnNcDiscard(&w)); /* no half-written file, not even a temporary one */
  PetscCall(ierr);
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

/* ---- loading -------------------------------------------------------------------------------- */

static PetscErrorCode GetDim(int ncid, const char *path, const char *name, size_t *n)
{
  int dimid;
  PetscFunctionBegin;
  PetscCheck(nc_inq_dimid(ncid, name, &dimid) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s has no dimension '%s'; the file is damaged or not from this phynn version", path, name);
  PhynnNcCall(path, nc_inq_dimlen(ncid, dimid, n));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetIntAtt(int ncid, const char *path, const char *name, long long *value)
{
  PetscFunctionBegin;
  PetscCheck(nc_get_att_longlong(ncid, NC_GLOBAL, name, value) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s has no integer attribute '%s'; the file is damaged or not from this phynn version", path, name);
  PetscFunctionReturn(0);
}

/* Reads a double variable that must have exactly n elements (a 0-length one is not read). */
static PetscErrorCode ReadSized(int ncid, const char *path, const char *name, size_t want, PetscBool finite, double *out)
{
  int    varid, ndims;
  size_t shape[8], n = 1;
  PetscFunctionBegin;
  PetscCall(PhynnNcVar(ncid, path, name, &varid));
  PetscCall(PhynnNcVarShape(ncid, path, varid, &ndims, shape));
  for (int i = 0; i < ndims; i++) n *= shape[i];
  PetscCheck(n == want, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: variable '%s' has %zu values but the architecture needs %zu; the file is damaged (inconsistent sizes)", path, name, n, want);
  if (!n) PetscFunctionReturn(0);
  PhynnNcCall(path, nc_get_var_double(ncid, varid, out));
  if (finite)
    for (size_t i = 0; i < n; i++)
      PetscCheck(isfinite(out[i]), PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "model file %s: variable '%s' holds %s at flat index %zu; the model is unusable (retrain it, e.g. with a smaller -lr)", path, name, isnan(out[i]) ? "NaN" : "Inf", i);
  PetscFunctionReturn(0);
}

/* A convenience copy (W_l, b_l, an extra) must equal its slice of theta bitwise. */
static PetscErrorCode CheckCopy(int ncid, const char *path, const char *name, const double *slice, size_t n)
{
  double   *copy;
  PetscBool differ = PETSC_FALSE;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n ? n : 1, &copy));
  PetscErrorCode ierr = ReadSized(ncid, path, name, n, PETSC_FALSE, copy);
  if (!ierr) differ = memcmp(copy, slice, n * sizeof(double)) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscFree(copy));
  PetscCall(ierr);
  PetscCheck(!differ, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: variable '%s' differs from its slice of 'theta'; theta is the authoritative copy: edit theta (or both) consistently", path, name);
  PetscFunctionReturn(0);
}

static PetscErrorCode ModelRead(int ncid, const char *path, PhynnModel *m)
{
  char      kind[32], text[1024], act[32];
  size_t    n, nlayer, nin, nout, npar, nhist, ncol, nopt;
  long long ll;
  unsigned long long seed;
  int       varid, isizes[PHYNN_MLP_MAX_LAYERS + 1], count;
  char      cols[3 + PHYNN_MODEL_MAX_TERMS][32];

  PetscFunctionBegin;
  PetscCheck(nc_inq_attlen(ncid, NC_GLOBAL, "phynn_file", &n) == NC_NOERR && n < sizeof(kind), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "%s is a NetCDF file but not a phynn model (no global attribute phynn_file = \"model\"); give a file written by 'phynn train'", path);
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "phynn_file", kind, sizeof(kind)));
  PetscCheck(!strcmp(kind, PHYNN_MODEL_FILE_KIND), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s is a phynn '%s' file, not a model; give a file written by 'phynn train'", path, kind);

  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "problem", m->problem, sizeof(m->problem)));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "hidden_activation", act, sizeof(act)));
  PetscCall(PetscSNPrintf(text, sizeof(text), "model file %s, attribute hidden_activation", path));
  PetscCall(PhynnActivationFromName(PETSC_COMM_SELF, text, act, &m->hidden));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "output_activation", act, sizeof(act)));
  PetscCall(PetscSNPrintf(text, sizeof(text), "model file %s, attribute output_activation", path));
  PetscCall(PhynnActivationFromName(PETSC_COMM_SELF, text, act, &m->output));
  PetscCall(GetIntAtt(ncid, path, "bias", &ll));
  m->bias = ll ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(GetIntAtt(ncid, path, "scale_inputs", &ll));
  m->scale_inputs = ll ? PETSC_TRUE : PETSC_FALSE;
  PetscCheck(nc_get_att_ulonglong(ncid, NC_GLOBAL, "seed", &seed) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s has no attribute 'seed'; the file is damaged or not from this phynn version", path);
  m->seed = (uint64_t)seed;
  PetscCall(GetIntAtt(ncid, path, "iteration", &ll));
  m->iteration = (long)ll;
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "optimizer", m->optimizer, sizeof(m->optimizer)));
  PetscCheck(nc_inq_attlen(ncid, NC_GLOBAL, "options", &n) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s has no attribute 'options'; the file is damaged or not from this phynn version", path);
  PetscCall(PetscMalloc1(n + 1, &m->options));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "options", m->options, n + 1));

  PetscCall(GetDim(ncid, path, "layer", &nlayer));
  PetscCall(GetDim(ncid, path, "input", &nin));
  PetscCall(GetDim(ncid, path, "output", &nout));
  PetscCall(GetDim(ncid, path, "parameter", &npar));
  PetscCall(GetDim(ncid, path, "history", &nhist));
  PetscCall(GetDim(ncid, path, "history_column", &ncol));
  PetscCall(GetDim(ncid, path, "optimizer_state", &nopt));
  PetscCheck(nlayer >= 2 && nlayer <= PHYNN_MLP_MAX_LAYERS + 1 && nin >= 1 && nin <= PHYNN_MODEL_MAX_IO && nout >= 1 && nout <= PHYNN_MODEL_MAX_IO && ncol >= 3 && ncol <= 3 + PHYNN_MODEL_MAX_TERMS,
             PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: dimensions layer = %zu, input = %zu, output = %zu, history_column = %zu are out of range; the file is damaged (inconsistent sizes)", path, nlayer, nin, nout, ncol);
  m->nsizes = (int)nlayer;
  m->nin    = (int)nin;
  m->nout   = (int)nout;

  PetscCall(PhynnNcVar(ncid, path, "layer_sizes", &varid));
  PhynnNcCall(path, nc_get_var_int(ncid, varid, isizes));
  for (int l = 0; l < m->nsizes; l++) {
    PetscCheck(isizes[l] >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: layer_sizes[%d] = %d is not positive; the file is damaged (inconsistent sizes)", path, l, isizes[l]);
    m->sizes[l] = isizes[l];
  }
  PetscCheck(m->sizes[0] == m->nin && m->sizes[m->nsizes - 1] == m->nout, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "model file %s: layer_sizes starts at %ld and ends at %ld but the file has %d inputs and %d outputs; the file is damaged (inconsistent sizes)", path, m->sizes[0], m->sizes[m->nsizes - 1], m->nin, m->nout);

  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "input_names", text, sizeof(text)));
  PetscCall(SplitNames(path, "input_names", text, m->nin, PETSC_FALSE, PHYNN_MODEL_MAX_IO, m->in_names, &count));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "output_names", text, sizeof(text)));
  PetscCall(SplitNames(path, "output_names", text, m->nout, PETSC_FALSE, PHYNN_MODEL_MAX_IO, m->out_names, &count));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "output_reference", text, sizeof(text)));
  PetscCall(SplitNames(path, "output_reference", text, m->nout, PETSC_FALSE, PHYNN_MODEL_MAX_IO, m->out_ref, &count));
  PetscCall(PhynnNcGetText(ncid, path, NC_GLOBAL, "extra_names", text, sizeof(text)));
  PetscCall(SplitNames(path, "extra_names", text, -1, PETSC_TRUE, PHYNN_MODEL_MAX_EXTRA, m->extra_names, &m->nextra));
  for (int c = 0; c < m->nin; c++) PetscCheck(m->in_names[c][0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: input %d has an empty name; the file is damaged", path, c + 1);
  for (int c = 0; c < m->nout; c++) PetscCheck(m->out_names[c][0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: output %d has an empty name; the file is damaged", path, c + 1);

  PetscCheck((long)npar == PhynnModelNetworkParams(m) + m->nextra, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "model file %s: %zu parameters stored but layer_sizes and %d extra parameter(s) need %ld; the file is damaged (inconsistent sizes)", path, npar, m->nextra, PhynnModelNetworkParams(m) + m->nextra);
  m->nparams = (long)npar;
  PetscCall(PetscMalloc1(npar, &m->theta));
  PetscCall(ReadSized(ncid, path, "theta", npar, PETSC_TRUE, m->theta));
  PetscCall(ReadSized(ncid, path, "input_lower", nin, PETSC_TRUE, m->in_lb));
  PetscCall(ReadSized(ncid, path, "input_upper", nin, PETSC_TRUE, m->in_ub));
  if (m->scale_inputs)
    for (int c = 0; c < m->nin; c++)
      PetscCheck(m->in_ub[c] > m->in_lb[c], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: input '%s' has upper bound %g <= lower bound %g, so it cannot be scaled; the file is damaged", path, m->in_names[c], m->in_ub[c], m->in_lb[c]);
  for (int l = 0; l + 1 < m->nsizes; l++) {
    char vn[16];
    long off = LayerOffset(m, l);
    PetscCall(PetscSNPrintf(vn, sizeof(vn), "W%d", l + 1));
    PetscCall(CheckCopy(ncid, path, vn, m->theta + off, (size_t)(m->sizes[l + 1] * m->sizes[l])));
    if (m->bias) {
      PetscCall(PetscSNPrintf(vn, sizeof(vn), "b%d", l + 1));
      PetscCall(CheckCopy(ncid, path, vn, m->theta + off + m->sizes[l + 1] * m->sizes[l], (size_t)m->sizes[l + 1]));
    }
  }
  for (int k = 0; k < m->nextra; k++) PetscCall(CheckCopy(ncid, path, m->extra_names[k], m->theta + PhynnModelNetworkParams(m) + k, 1));

  m->nopt_state = (long)nopt;
  if (nopt) PetscCall(PetscMalloc1(nopt, &m->opt_state));
  PetscCall(ReadSized(ncid, path, "optimizer_state", nopt, PETSC_FALSE, m->opt_state));

  PetscCall(PhynnNcVar(ncid, path, "history", &varid));
  PetscCall(PhynnNcGetText(ncid, path, varid, "columns", text, sizeof(text)));
  PetscCall(SplitNames(path, "history:columns", text, (int)ncol, PETSC_FALSE, 3 + PHYNN_MODEL_MAX_TERMS, cols, &count));
  PetscCheck(!strcmp(cols[0], "iteration") && !strcmp(cols[1], "elapsed_s") && !strcmp(cols[2], "loss"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "model file %s: history columns must start with iteration,elapsed_s,loss; the file is damaged or not from this phynn version", path);
  m->nterms = (int)ncol - 3;
  for (int k = 0; k < m->nterms; k++) PetscCall(PetscStrncpy(m->term_names[k], cols[3 + k], sizeof(m->term_names[k])));
  m->nhistory = (long)nhist;
  if (nhist) PetscCall(PetscMalloc1(nhist * ncol, &m->history));
  PetscCall(ReadSized(ncid, path, "history", nhist * ncol, PETSC_FALSE, m->history));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelLoad(const char *path, PhynnModel *m)
{
  int            ncid;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PhynnModelReset(m));
  PetscCall(PhynnNcOpen(path, &ncid));
  ierr = ModelRead(ncid, path, m);
  nc_close(ncid); /* closed on success and on error alike */
  if (ierr) PetscCall(PhynnModelReset(m));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
