/* Validation metrics: the model on the reference grid, errors per component, thresholds.
 *
 *   rel_l2  = sqrt(sum_i (p_i - r_i)^2) / sqrt(sum_i r_i^2)     (over the whole grid)
 *   max_abs = max_i |p_i - r_i|
 *   per time slice j: the same two over the points with t = t_j (2-D); 1-D: |p_j - r_j|. */
#include <math.h>
#include <netcdf.h>
#include <string.h>

#include "phynn/ncfile.h"
#include "phynn/options.h"
#include "phynn/validate.h"

const char *const PhynnMetricNames[] = {"rel_l2", "max_abs", "mae", "mse", "rel_sq", "period_err", NULL};


/* x in exponent notation with `digits` decimals, zeros trimmed: 3.1e-3, 1e-12, 2.05e+1 -> 2.05e1. */
void PhynnFormatShort(double x, int digits, char *buf, size_t len)
{
  char m[64], *e, *p;
  if (!isfinite(x)) {
    snprintf(buf, len, "%s", isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf"));
    return;
  }
  if (x == 0) {
    snprintf(buf, len, "0");
    return;
  }
  snprintf(m, sizeof(m), "%.*e", digits, x);
  e = strchr(m, 'e');
  if (!e) {
    snprintf(buf, len, "%s", m);
    return;
  }
  *e = '\0';
  int ex = atoi(e + 1);
  if (strchr(m, '.')) { /* trim the mantissa's trailing zeros */
    for (p = m + strlen(m) - 1; *p == '0'; p--) *p = '\0';
    if (*p == '.') *p = '\0';
  }
  if (ex == 0) snprintf(buf, len, "%s", m);
  else snprintf(buf, len, "%se%d", m, ex);
}

PetscErrorCode PhynnThresholdsParse(MPI_Comm comm, const char *text, int max, PhynnThreshold *th, int *n)
{
  char  buf[1024], *save = NULL, *item;
  const char *syntax = "write metric=value pairs separated by commas, metric rel_l2 or max_abs (image models also mae, mse; SINDy autoencoders rel_sq, period_err), optionally for one component: rel_l2=1e-3,max_abs[u]=1e-2,mae[heldout]=1e-2,rel_sq[x]=1e-3";

  PetscFunctionBegin;
  *n = 0;
  if (!text || !text[0]) PetscFunctionReturn(0);
  PetscCheck(strlen(text) < sizeof(buf), comm, PHYNN_ERR_INPUT, "option -threshold: the text is too long (%zu characters, at most %zu)", strlen(text), sizeof(buf) - 1);
  PetscCall(PetscStrncpy(buf, text, sizeof(buf)));
  /* strtok_r would skip empty items: ",", "a=1," and "a=1,,b=2" must not silently hold fewer
   * thresholds than they seem to (a bare "," would turn the gate off) */
  {
    size_t len = strlen(text);
    PetscCheck(text[0] != ',' && text[len - 1] != ',' && !strstr(text, ",,"), comm, PHYNN_ERR_INPUT, "option -threshold: '%s' has an empty item (a comma at either end or two in a row); %s", text, syntax);
  }
  for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char          *eq = strchr(item, '='), *br, name[64];
    PhynnThreshold t;
    int            k;
    while (*item == ' ') item++;
    PetscCheck(eq, comm, PHYNN_ERR_INPUT, "option -threshold: '%s' has no '='; %s", item, syntax);
    *eq = '\0';
    PetscCall(PetscMemzero(&t, sizeof(t)));
    PetscCall(PetscStrncpy(name, item, sizeof(name)));
    br = strchr(name, '[');
    if (br) {
      size_t l = strlen(br);
      PetscCheck(l > 2 && br[l - 1] == ']', comm, PHYNN_ERR_INPUT, "option -threshold: '%s' has an unclosed or empty component in [...]; %s", item, syntax);
      br[l - 1] = '\0';
      PetscCall(PetscStrncpy(t.component, br + 1, sizeof(t.component)));
      *br = '\0';
    }
    for (k = 0; PhynnMetricNames[k]; k++)
      if (!strcmp(name, PhynnMetricNames[k])) break;
    PetscCheck(PhynnMetricNames[k], comm, PHYNN_ERR_INPUT, "option -threshold: unknown metric '%s'; %s", name, syntax);
    t.metric = (PhynnMetric)k;
    PetscCall(PhynnParseReal(comm, "option -threshold", eq + 1, &t.value));
    PetscCheck(t.value >= 0 && isfinite(t.value), comm, PHYNN_ERR_INPUT, "option -threshold: %s=%s must be a finite number >= 0", item, eq + 1);
    PetscCall(PetscStrncpy(t.text, eq + 1, sizeof(t.text)));
    for (int j = 0; j < *n; j++)
      PetscCheck(!(th[j].metric == t.metric && !strcmp(th[j].component, t.component)), comm, PHYNN_ERR_INPUT, "option -threshold: %s for %s%s%s is given twice; keep one", name,
                 t.component[0] ? "component '" : "every component", t.component, t.component[0] ? "'" : "");
    PetscCheck(*n < max, comm, PHYNN_ERR_INPUT, "option -threshold: more than %d thresholds; give fewer", max);
    th[(*n)++] = t;
  }
  PetscFunctionReturn(0);
}

int PhynnThresholdFind(const PhynnThreshold *th, int n, PhynnMetric metric, const char *component)
{
  int use = -1;
  for (int j = 0; j < n; j++) /* a component's own threshold wins over the general one */
    if (th[j].metric == metric && !strcmp(th[j].component, component)) use = j;
  for (int j = 0; use < 0 && j < n; j++)
    if (th[j].metric == metric && !th[j].component[0]) use = j;
  return use;
}

/* A text attribute of a variable or the file, "" when it is absent. */
static void GetTextOr(int ncid, int varid, const char *name, char *value, size_t len)
{
  size_t n = 0;
  value[0] = '\0';
  if (nc_inq_attlen(ncid, varid, name, &n) != NC_NOERR || n >= len) return;
  if (nc_get_att_text(ncid, varid, name, value) != NC_NOERR) n = 0;
  value[n] = '\0';
}

/* The names of the file's variables, for "variables are: ..." in errors. */
static void VariableList(int ncid, char *list, size_t len)
{
  int nvars = 0;
  list[0]   = '\0';
  nc_inq_nvars(ncid, &nvars);
  for (int i = 0; i < nvars; i++) {
    char name[NC_MAX_NAME + 1];
    if (nc_inq_varname(ncid, i, name) != NC_NOERR) continue;
    if (strlen(list) + strlen(name) + 3 >= len) break;
    if (list[0]) strcat(list, ", ");
    strcat(list, name);
  }
}

/* The grid of reference variable `var`: its dimensions must be exactly the model's inputs, each
 * with a 1-D coordinate variable. Fills v->dim/len/coord on the first call; later calls must
 * find the same grid (every component is compared on one grid). */
static PetscErrorCode ReadGrid(PhynnModel m, int ncid, const char *path, const char *var, const char *output, PhynnValidation *v)
{
  const PhynnModelVar *mi, *mo;
  int    varid, ndims, dimids[NC_MAX_VAR_DIMS];
  char   list[1024], dname[2][NC_MAX_NAME + 1];
  size_t dlen[2];

  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn validate", &mi, &mo));
  if (nc_inq_varid(ncid, var, &varid) != NC_NOERR) {
    VariableList(ncid, list, sizeof(list));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reference %s has no variable '%s' (the reference of model output '%s'); its variables are: %s; pass the reference this model was trained for", path,
            var, output, list);
  }
  PhynnNcCall(path, nc_inq_varndims(ncid, varid, &ndims));
  PetscCheck(ndims == mi->ncomp && ndims >= 1 && ndims <= 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "reference %s: variable '%s' has %d dimension(s) but the model has %d input(s); phynn validate compares one solution on a (t) or (t, x) grid (not a family with a sample dimension)", path,
             var, ndims, mi->ncomp);
  PhynnNcCall(path, nc_inq_vardimid(ncid, varid, dimids));
  for (int d = 0; d < ndims; d++) {
    int found = -1, cvar, cnd, cdim;
    PhynnNcCall(path, nc_inq_dim(ncid, dimids[d], dname[d], &dlen[d]));
    for (int j = 0; j < mi->ncomp; j++)
      if (!strcmp(mi->comp[j], dname[d])) found = j;
    PetscCheck(found >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reference %s: variable '%s' runs over dimension '%s', which is not an input of the model (inputs: %s%s%s); pass a reference on the model's coordinates",
               path, var, dname[d], mi->comp[0], mi->ncomp > 1 ? ", " : "", mi->ncomp > 1 ? mi->comp[1] : "");
    PetscCheck(nc_inq_varid(ncid, dname[d], &cvar) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "reference %s: dimension '%s' of '%s' has no coordinate variable '%s'; the reference must store its grid points", path, dname[d], var, dname[d]);
    PhynnNcCall(path, nc_inq_varndims(ncid, cvar, &cnd));
    if (cnd == 1) PhynnNcCall(path, nc_inq_vardimid(ncid, cvar, &cdim));
    PetscCheck(cnd == 1 && cdim == dimids[d], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reference %s: coordinate variable '%s' is not a 1-D variable over dimension '%s'; the file is not a phynn reference", path, dname[d],
               dname[d]);
  }
  {
    size_t n;
    PetscCall(PhynnNcCheckCount(path, var, ndims, dlen, &n)); /* the model is evaluated on this grid before the values are read */
  }
  if (ndims == 2) PetscCheck(strcmp(dname[0], dname[1]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reference %s: variable '%s' uses dimension '%s' twice", path, var, dname[0]);
  if (!v->ndims) {
    v->ndims = ndims;
    for (int d = 0; d < ndims; d++) {
      size_t n;
      int    cvar;
      PetscCall(PetscStrncpy(v->dim[d], dname[d], sizeof(v->dim[d])));
      v->len[d] = dlen[d];
      PetscCall(PhynnNcReadDoubles(ncid, path, dname[d], &v->coord[d], &n));
      PhynnNcCall(path, nc_inq_varid(ncid, dname[d], &cvar));
      GetTextOr(ncid, cvar, "units", v->dim_units[d], sizeof(v->dim_units[d]));
    }
    v->tdim = 0;
    for (int d = 0; d < ndims; d++)
      if (!strcmp(dname[d], "t")) v->tdim = d;
  } else {
    PetscBool same = ndims == v->ndims;
    for (int d = 0; same && d < ndims; d++) same = !strcmp(dname[d], v->dim[d]) && dlen[d] == v->len[d];
    PetscCheck(same, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "reference %s: variable '%s' has a different shape from '%s'; every output must be compared on the same (%s%s%s) grid", path, var,
               v->comp[0].ref, v->dim[0], v->ndims > 1 ? ", " : "", v->ndims > 1 ? v->dim[1] : "");
  }
  PetscFunctionReturn(0);
}

/* The model on the grid: out is (n x nout), row i = grid point i in the reference's layout. */
static PetscErrorCode EvaluateOnGrid(PhynnModel m, const PhynnValidation *v, double **out)
{
  const char *names[2] = {v->dim[0], v->dim[1]};
  long        len[2]   = {(long)v->len[0], (long)v->len[1]};
  char        outside[512];
  PetscFunctionBegin;
  PetscCall(PhynnModelGridOutsideDomain(m, v->ndims, names, len, (const double *const *)v->coord, outside, sizeof(outside)));
  if (outside[0]) PetscCall(PetscFPrintf(PETSC_COMM_SELF, stderr, "phynn: warning: %s\n", outside));
  PetscCall(PhynnModelEvaluateGrid(m, v->ndims, names, len, (const double *const *)v->coord, NULL, out));
  PetscFunctionReturn(0);
}

/* Whole-grid and per-slice errors of one component (pred and refv already set). */
static PetscErrorCode ComputeErrors(const PhynnValidation *v, PhynnValidateComp *c)
{
  long    n = (long)(v->ndims == 2 ? v->len[0] * v->len[1] : v->len[0]), ns = (long)v->len[v->tdim];
  double  se = 0, sr = 0, mx = 0, *sse, *ssr;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(ns, &c->slice_max_abs));
  PetscCall(PetscCalloc1(ns, &c->slice_rel_l2));
  PetscCall(PetscCalloc1(ns, &sse));
  PetscCall(PetscCalloc1(ns, &ssr));
  for (long i = 0; i < n; i++) {
    double e = c->pred[i] - c->refv[i], a = fabs(e);
    long   s = v->ndims == 1 ? i : (v->tdim == 0 ? i / (long)v->len[1] : i % (long)v->len[1]);
    se += e * e;
    sr += c->refv[i] * c->refv[i];
    if (!(a <= mx)) mx = a; /* NaN predictions propagate into the metric */
    sse[s] += e * e;
    ssr[s] += c->refv[i] * c->refv[i];
    if (!(a <= c->slice_max_abs[s])) c->slice_max_abs[s] = a;
  }
  c->max_abs = mx;
  c->rel_l2  = sr > 0 ? sqrt(se) / sqrt(sr) : (se > 0 ? INFINITY : 0.0);
  for (long s = 0; s < ns; s++) c->slice_rel_l2[s] = ssr[s] > 0 ? sqrt(sse[s]) / sqrt(ssr[s]) : NAN;
  PetscCall(PetscFree(sse));
  PetscCall(PetscFree(ssr));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidationCompute(PhynnModel m, const char *ref_path, PhynnValidation *v)
{
  const PhynnModelVar *mi, *mo;
  int     ncid, nref = 0;
  long    n;
  double *y = NULL;

  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "phynn validate", &mi, &mo));
  PetscCall(PhynnNcOpen(ref_path, &ncid));
  GetTextOr(ncid, NC_GLOBAL, "title", v->ref_title, sizeof(v->ref_title));
  GetTextOr(ncid, NC_GLOBAL, "equation", v->ref_equation, sizeof(v->ref_equation));
  for (int k = 0; k < mo->ncomp; k++) {
    if (!mo->ref[k][0]) continue;
    PetscCall(ReadGrid(m, ncid, ref_path, mo->ref[k], mo->comp[k], v));
    PetscCall(PetscStrncpy(v->comp[v->ncomp].ref, mo->ref[k], sizeof(v->comp[0].ref)));
    PetscCall(PetscStrncpy(v->comp[v->ncomp].name, mo->comp[k], sizeof(v->comp[0].name)));
    nref++;
    v->ncomp++;
  }
  PetscCheck(nref > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s maps none of its outputs to a reference variable (output_reference is empty); it cannot be validated against %s", v->model_path,
             ref_path);
  n = (long)(v->ndims == 2 ? v->len[0] * v->len[1] : v->len[0]);
  PetscCall(EvaluateOnGrid(m, v, &y));
  for (int c = 0, k = 0; k < mo->ncomp; k++) {
    PhynnValidateComp *cp = &v->comp[c];
    size_t             cnt;
    int                varid;
    if (!mo->ref[k][0]) continue;
    PetscCall(PhynnNcReadDoubles(ncid, ref_path, cp->ref, &cp->refv, &cnt));
    PhynnNcCall(ref_path, nc_inq_varid(ncid, cp->ref, &varid));
    GetTextOr(ncid, varid, "units", cp->units, sizeof(cp->units));
    PetscCall(PetscMalloc1(n, &cp->pred));
    for (long i = 0; i < n; i++) cp->pred[i] = y[i * mo->ncomp + k];
    PetscCall(ComputeErrors(v, cp));
    c++;
  }
  nc_close(ncid);
  PetscCall(PetscFree(y));
  /* Moduli of NAME_re / NAME_im pairs: |NAME| = sqrt(re^2 + im^2) for prediction and reference. */
  for (int a = 0, na = v->ncomp; a < na; a++) {
    size_t la = strlen(v->comp[a].ref);
    if (la < 4 || strcmp(v->comp[a].ref + la - 3, "_re")) continue;
    for (int b = 0; b < na; b++) {
      size_t             lb = strlen(v->comp[b].ref);
      PhynnValidateComp *h;
      if (lb != la || strcmp(v->comp[b].ref + lb - 3, "_im") || strncmp(v->comp[a].ref, v->comp[b].ref, la - 3)) continue;
      PetscCheck(v->ncomp < PHYNN_VALIDATE_MAX_COMP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "too many components");
      char re[40], im[40], name[40];
      h = &v->comp[v->ncomp++];
      PetscCall(PetscStrncpy(re, v->comp[a].ref, sizeof(re)));
      PetscCall(PetscStrncpy(im, v->comp[b].ref, sizeof(im)));
      snprintf(name, sizeof(name), "|%.*s|", (int)(la - 3), re);
      PetscCall(PetscStrncpy(h->name, name, sizeof(h->name)));
      snprintf(h->ref, sizeof(h->ref), "%s = sqrt(%s^2 + %s^2)", name, re, im);
      PetscCall(PetscStrncpy(h->units, v->comp[a].units, sizeof(h->units)));
      PetscCall(PetscMalloc1(n, &h->pred));
      PetscCall(PetscMalloc1(n, &h->refv));
      for (long i = 0; i < n; i++) {
        h->pred[i] = sqrt(v->comp[a].pred[i] * v->comp[a].pred[i] + v->comp[b].pred[i] * v->comp[b].pred[i]);
        h->refv[i] = sqrt(v->comp[a].refv[i] * v->comp[a].refv[i] + v->comp[b].refv[i] * v->comp[b].refv[i]);
      }
      PetscCall(ComputeErrors(v, h));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidationApplyThresholds(PhynnValidation *v)
{
  PetscFunctionBegin;
  /* A threshold for a named component must name one that exists. */
  for (int j = 0; j < v->nth; j++) {
    PetscBool found = PETSC_FALSE;
    char      names[256] = "";
    if (!v->th[j].component[0]) continue;
    for (int c = 0; c < v->ncomp; c++) {
      if (!strcmp(v->comp[c].name, v->th[j].component)) found = PETSC_TRUE;
      if (strlen(names) + strlen(v->comp[c].name) + 3 < sizeof(names)) {
        if (names[0]) strcat(names, ", ");
        strcat(names, v->comp[c].name);
      }
    }
    /* (the message avoids "[|": PETSc's message formatting mangles that sequence) */
    PetscCheck(found, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: %s for component '%s': the model has no such component; its components are: %s", PhynnMetricNames[v->th[j].metric],
               v->th[j].component, names);
  }
  v->passed  = PETSC_TRUE;
  v->nfailed = 0;
  v->failure[0] = '\0';
  for (int c = 0; c < v->ncomp; c++) {
    PhynnValidateComp *cp = &v->comp[c];
    cp->passed            = PETSC_TRUE;
    for (int k = 0; k < PHYNN_METRIC_PINN_COUNT; k++) {
      double got = k == PHYNN_METRIC_REL_L2 ? cp->rel_l2 : cp->max_abs;
      int    use = PhynnThresholdFind(v->th, v->nth, (PhynnMetric)k, cp->name);
      cp->limit[k] = -1;
      cp->limit_text[k][0] = '\0';
      if (use < 0) continue;
      cp->limit[k] = v->th[use].value;
      PetscCall(PetscStrncpy(cp->limit_text[k], v->th[use].text, sizeof(cp->limit_text[k])));
      if (!(got <= cp->limit[k])) { /* NaN fails */
        cp->passed = PETSC_FALSE;
        if (!v->nfailed) {
          char g[32];
          PhynnFormatShort(got, 2, g, sizeof(g));
          snprintf(v->failure, sizeof(v->failure), "%s of %s is %s > %s", PhynnMetricNames[k], cp->name, g, cp->limit_text[k]);
        }
        v->nfailed++;
        v->passed = PETSC_FALSE;
      }
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidationDestroy(PhynnValidation *v)
{
  PetscFunctionBegin;
  for (int d = 0; d < 2; d++) PetscCall(PetscFree(v->coord[d]));
  for (int c = 0; c < v->ncomp; c++) {
    PetscCall(PetscFree(v->comp[c].pred));
    PetscCall(PetscFree(v->comp[c].refv));
    PetscCall(PetscFree(v->comp[c].slice_rel_l2));
    PetscCall(PetscFree(v->comp[c].slice_max_abs));
  }
  v->ncomp = 0;
  PetscFunctionReturn(0);
}
