/* The one place that knows the first model-file layout (phynn 0.1): an MLP described by global
 * attributes (hidden_activation, output_activation, bias, scale_inputs, input_names,
 * output_names, output_reference, extra_names), layer_sizes, input_lower/upper, theta with copies
 * W1, b1, ..., one scalar per extra parameter, and the training state as global attributes plus
 * optimizer_state and history. It is turned into the equivalent spec
 *
 *   input points dims=NIN names=... [lb=... ub=...]
 *   mlp net(points) sizes=... act=... out=... bias=...
 *   output net names=... [ref=...]
 *   param EXTRA dims=1              (one per extra parameter)
 *
 * whose parameter layout is the old one (net.W1, net.b1, ..., extras), so theta is used as it is
 * and the model evaluates to the same bits. */
#include <string.h>

#include "model_v1.h"

#define V1_MAX_NAMES 64

PetscBool PhynnModelIsV1(PhynnStore s) { return PhynnStoreHasArray(s, "layer_sizes") && PhynnStoreHasAttr(s, NULL, "hidden_activation"); }

/* Splits "a,b,,c" keeping empty fields; "" is zero fields when allow_none. */
static PetscErrorCode Split(PhynnStore s, const char *attr, PetscBool allow_none, char (*names)[32], int *n)
{
  char       *text;
  const char *p;
  PetscFunctionBegin;
  PetscCall(PhynnStoreGetText(s, NULL, attr, &text));
  *n = 0;
  if (!(allow_none && !text[0]))
    for (p = text;;) {
      const char *e = strchr(p, ',');
      size_t      l = e ? (size_t)(e - p) : strlen(p);
      if (*n >= V1_MAX_NAMES || l >= 32) {
        PetscCall(PetscFree(text));
        SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: attribute %s holds too many or too long names; the file is damaged", PhynnStorePath(s), attr);
      }
      memcpy(names[*n], p, l);
      names[(*n)++][l] = '\0';
      if (!e) break;
      p = e + 1;
    }
  PetscCall(PetscFree(text));
  PetscFunctionReturn(0);
}

static PetscErrorCode AppendList(PhynnText *t, const char *key, int n, char (*names)[32], PetscBool dash)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " %s=", key));
  for (int i = 0; i < n; i++) PetscCall(PhynnTextAppend(t, "%s%s", i ? "," : "", dash && !names[i][0] ? "-" : names[i]));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadRecord(PhynnStore s, PhynnRecord *rec)
{
  long long v;
  char     *text, *save = NULL, *tok;
  char      cols[3 + V1_MAX_NAMES][32];
  int       ncol = 0, ndim;
  long      dims[PHYNN_STORE_MAX_DIMS];
  PetscFunctionBegin;
  PetscCall(PhynnStoreGetInt(s, NULL, "seed", &v));
  rec->seed = (uint64_t)v;
  PetscCall(PhynnStoreGetInt(s, NULL, "iteration", &v));
  rec->iteration = (long)v;
  PetscCall(PhynnStoreGetText(s, NULL, "optimizer", &text));
  PetscCall(PetscStrncpy(rec->optimizer, text, sizeof(rec->optimizer)));
  PetscCall(PetscFree(text));
  PetscCall(PhynnStoreGetText(s, NULL, "options", &rec->options));
  PetscCall(PhynnStoreGetArray(s, "optimizer_state", PETSC_FALSE, -1, &ndim, dims, &rec->opt_state));
  rec->nopt_state = dims[0];
  PetscCall(PhynnStoreGetText(s, "history", "columns", &text));
  for (tok = strtok_r(text, ",", &save); tok && ncol < 3 + V1_MAX_NAMES; tok = strtok_r(NULL, ",", &save)) PetscCall(PetscStrncpy(cols[ncol++], tok, 32));
  PetscCall(PetscFree(text));
  PetscCheck(ncol >= 3 && !strcmp(cols[0], "iteration") && !strcmp(cols[1], "elapsed_s") && !strcmp(cols[2], "loss"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "model file %s: history columns must start with iteration,elapsed_s,loss; the file is damaged or not from this phynn version", PhynnStorePath(s));
  PetscCall(PhynnRecordSetTerms(rec, ncol - 3, (char(*)[PHYNN_RECORD_NAME_MAX])cols[3]));
  PetscCall(PhynnStoreGetArray(s, "history", PETSC_FALSE, -1, &ndim, dims, &rec->history));
  PetscCheck(ndim == 2 && dims[1] == ncol, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: history does not have the %d columns its attribute names; the file is damaged (inconsistent sizes)", PhynnStorePath(s), ncol);
  rec->nhistory = dims[0];
  PetscFunctionReturn(0);
}

static PetscErrorCode BuildSpec(PhynnStore s, PhynnText *t, long *nparams)
{
  char        act_h[32], act_o[32], *text;
  char        in_names[V1_MAX_NAMES][32], out_names[V1_MAX_NAMES][32], refs[V1_MAX_NAMES][32], extras[V1_MAX_NAMES][32];
  int         nin, nout, nref, nextra;
  long        nsizes, *sizes, net = 0;
  long long   bias, scale;
  double     *lb = NULL, *ub = NULL;
  const char *path = PhynnStorePath(s);
  PetscFunctionBegin;
  PetscCall(PhynnStoreGetText(s, NULL, "hidden_activation", &text));
  PetscCall(PetscStrncpy(act_h, text, sizeof(act_h)));
  PetscCall(PetscFree(text));
  PetscCall(PhynnStoreGetText(s, NULL, "output_activation", &text));
  PetscCall(PetscStrncpy(act_o, text, sizeof(act_o)));
  PetscCall(PetscFree(text));
  PetscCall(PhynnStoreGetInt(s, NULL, "bias", &bias));
  PetscCall(PhynnStoreGetInt(s, NULL, "scale_inputs", &scale));
  PetscCall(Split(s, "input_names", PETSC_FALSE, in_names, &nin));
  PetscCall(Split(s, "output_names", PETSC_FALSE, out_names, &nout));
  PetscCall(Split(s, "output_reference", PETSC_FALSE, refs, &nref));
  PetscCall(Split(s, "extra_names", PETSC_TRUE, extras, &nextra));
  PetscCheck(nref == nout, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: output_reference lists %d names for %d outputs; the file is damaged (inconsistent sizes)", path, nref, nout);
  PetscCall(PhynnStoreGetIntArray(s, "layer_sizes", -1, &nsizes, &sizes));
  PetscErrorCode ierr = 0;
  if (nsizes < 2 || sizes[0] != nin || sizes[nsizes - 1] != nout) ierr = PHYNN_ERR_INPUT;
  for (long l = 0; l < nsizes && !ierr; l++) ierr = sizes[l] >= 1 ? 0 : PHYNN_ERR_INPUT;
  if (ierr) {
    PetscCall(PetscFree(sizes));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: layer_sizes do not run from its %d inputs to its %d outputs with positive widths; the file is damaged (inconsistent sizes)", path, nin, nout);
  }
  for (long l = 0; l + 1 < nsizes; l++) net += sizes[l + 1] * sizes[l] + (bias ? sizes[l + 1] : 0);
  *nparams = net + nextra;
  PetscCall(PhynnStoreGetArray(s, "input_lower", PETSC_TRUE, nin, NULL, NULL, &lb));
  PetscCall(PhynnStoreGetArray(s, "input_upper", PETSC_TRUE, nin, NULL, NULL, &ub));
  PetscCall(PhynnTextAppend(t, "input points dims=%d", nin));
  PetscCall(AppendList(t, "names", nin, in_names, PETSC_FALSE));
  if (scale) {
    PetscCall(PhynnTextAppendReals(t, "lb", nin, lb));
    PetscCall(PhynnTextAppendReals(t, "ub", nin, ub));
  }
  PetscCall(PhynnTextAppend(t, "\nmlp net(points)"));
  PetscCall(PhynnTextAppendInts(t, "sizes", (int)nsizes, sizes));
  PetscCall(PhynnTextAppend(t, " act=%s out=%s bias=%d\noutput net", act_h, act_o, bias ? 1 : 0));
  PetscCall(AppendList(t, "names", nout, out_names, PETSC_FALSE));
  {
    PetscBool any = PETSC_FALSE;
    for (int k = 0; k < nout; k++) any = any || refs[k][0];
    if (any) PetscCall(AppendList(t, "ref", nout, refs, PETSC_TRUE));
  }
  PetscCall(PhynnTextAppend(t, "\n"));
  for (int k = 0; k < nextra; k++) PetscCall(PhynnTextAppend(t, "param %s dims=1\n", extras[k]));
  PetscCall(PetscFree(sizes));
  PetscCall(PetscFree(lb));
  PetscCall(PetscFree(ub));
  PetscFunctionReturn(0);
}

/* The convenience copies W_l, b_l and the extras' scalars must equal theta's slices. */
static PetscErrorCode CheckCopies(PhynnModel m, PhynnStore s, const double *theta)
{
  PhynnGraph tg;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  for (int k = 0; k < PhynnGraphParamCount(tg); k++) {
    PhynnParamInfo info;
    double        *copy = NULL;
    const char    *name;
    PetscBool      differ;
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    name = strncmp(info.name, "net.", 4) ? info.name : info.name + 4; /* the old names: W1, b1, g */
    PetscCall(PhynnStoreGetArray(s, name, PETSC_FALSE, info.ndoubles, NULL, NULL, &copy));
    differ = memcmp(copy, theta + info.offset, (size_t)info.ndoubles * sizeof(double)) ? PETSC_TRUE : PETSC_FALSE;
    PetscCall(PetscFree(copy));
    PetscCheck(!differ, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model file %s: variable '%s' differs from its slice of 'theta': the file is damaged (a changed bit) or was edited in one place only; restore it from a copy, or edit theta and the copy alike", PhynnStorePath(s), name);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadInto(MPI_Comm comm, PhynnStore s, PhynnModel m, PhynnRecord *rec)
{
  PhynnText t = {NULL, 0, 0};
  long      nparams = 0, n;
  double   *theta = NULL;
  char     *problem, origin[PETSC_MAX_PATH_LEN + 32];
  (void)comm;
  PetscFunctionBegin;
  PetscCall(PhynnStoreGetText(s, NULL, "problem", &problem));
  PetscErrorCode ierr = PhynnModelSetProblem(m, problem);
  PetscCall(PetscFree(problem));
  PetscCall(ierr);
  PetscCall(BuildSpec(s, &t, &nparams));
  PetscCall(PetscSNPrintf(origin, sizeof(origin), "model file %s (first layout)", PhynnStorePath(s)));
  ierr = PhynnModelSetSpec(m, t.s, origin);
  PetscCall(PhynnTextFree(&t));
  PetscCall(ierr);
  PetscCall(PhynnModelGetParameterCount(m, &n));
  PetscCheck(n == nparams, PETSC_COMM_SELF, PETSC_ERR_PLIB, "first-layout shim: the spec makes %ld parameters, the layout %ld", n, nparams);
  PetscCall(PhynnStoreGetArray(s, "theta", PETSC_TRUE, nparams, NULL, NULL, &theta));
  ierr = CheckCopies(m, s, theta);
  if (!ierr) ierr = PhynnModelSetTheta(m, n, theta);
  PetscCall(PetscFree(theta));
  PetscCall(ierr);
  if (rec) PetscCall(ReadRecord(s, rec));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelLoadV1(MPI_Comm comm, PhynnStore s, PhynnModel *m, PhynnRecord *rec)
{
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(comm, m));
  ierr = LoadInto(comm, s, *m, rec);
  if (ierr) {
    PetscCall(PhynnModelDestroy(m));
    if (rec) PetscCall(PhynnRecordReset(rec));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
