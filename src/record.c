/* The training record (phynn/record.h) and its group /training in a store. */
#include <limits.h>
#include <string.h>

#include "phynn/record.h"
#include "phynn/spec.h"

void PhynnRecordInit(PhynnRecord *r) { memset(r, 0, sizeof(*r)); }

PetscErrorCode PhynnRecordReset(PhynnRecord *r)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(r->opt_state));
  PetscCall(PetscFree(r->term_names));
  PetscCall(PetscFree(r->history));
  PetscCall(PetscFree(r->options));
  PhynnRecordInit(r);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordSetTerms(PhynnRecord *r, int nterms, char (*names)[PHYNN_RECORD_NAME_MAX])
{
  PetscFunctionBegin;
  PetscCall(PetscFree(r->term_names));
  PetscCall(PetscCalloc1(nterms ? nterms : 1, &r->term_names));
  for (int k = 0; k < nterms; k++) PetscCall(PetscStrncpy(r->term_names[k], names[k], PHYNN_RECORD_NAME_MAX));
  r->nterms = nterms;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordSetHistory(PhynnRecord *r, long nrows, const double *rows)
{
  long n = nrows * (3 + r->nterms);
  PetscFunctionBegin;
  PetscCall(PetscFree(r->history));
  PetscCall(PetscMalloc1(n ? n : 1, &r->history));
  if (n) PetscCall(PetscArraycpy(r->history, rows, n));
  r->nhistory = nrows;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordSetOptimizer(PhynnRecord *r, const char *name, long nstate, const double *state)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(r->optimizer, name, sizeof(r->optimizer)));
  PetscCall(PetscFree(r->opt_state));
  PetscCall(PetscMalloc1(nstate ? nstate : 1, &r->opt_state));
  if (nstate) PetscCall(PetscArraycpy(r->opt_state, state, nstate));
  r->nopt_state = nstate;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordCaptureOptions(PhynnRecord *r)
{
  char *all = NULL;
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscFree(r->options));
  PetscCall(PetscStrallocpy(all ? all : "", &r->options));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordView(const PhynnRecord *r, PhynnStore s)
{
  PhynnText   cols = {NULL, 0, 0};
  /* the row dimension is not named "history": xarray refuses a 2-D variable named like one of its dimensions */
  const char *hdims[2] = {"history_row", "history_column"}, *odim = "optimizer_state";
  long        hsize[2] = {r->nhistory, 3 + r->nterms}, osize = r->nopt_state;
  PetscFunctionBegin;
  PetscCheck((r->nhistory == 0 || r->history) && (r->nopt_state == 0 || r->opt_state), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PhynnRecordView: history or optimiser state count set without data");
  PetscCall(PhynnStorePushGroup(s, "training"));
  PetscCall(PhynnStorePutInt(s, NULL, "seed", (long long)r->seed));
  PetscCall(PhynnStorePutInt(s, NULL, "iteration", r->iteration));
  if (r->ranks > 0) PetscCall(PhynnStorePutInt(s, NULL, "ranks", r->ranks));
  PetscCall(PhynnStorePutText(s, NULL, "optimizer", r->optimizer));
  PetscCall(PhynnStorePutText(s, NULL, "options", r->options ? r->options : ""));
  PetscCall(PhynnStorePutArray(s, "optimizer_state", 1, &odim, &osize, r->opt_state, "the optimiser's full state (moments, history, counters) for a bitwise restart"));
  PetscCall(PhynnStorePutArray(s, "history", 2, hdims, hsize, r->history, "loss history, one row per logged iteration"));
  PetscCall(PhynnTextAppend(&cols, "iteration,elapsed_s,loss"));
  for (int k = 0; k < r->nterms; k++) {
    PetscCheck(!strchr(r->term_names[k], ','), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "cannot write %s: loss term name '%s' contains a comma; rename it", PhynnStorePath(s), r->term_names[k]);
    PetscCall(PhynnTextAppend(&cols, ",%s", r->term_names[k]));
  }
  PetscCall(PhynnStorePutText(s, "history", "columns", cols.s));
  PetscCall(PhynnTextFree(&cols));
  PetscCall(PhynnStorePopGroup(s));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnRecordLoad(PhynnRecord *r, PhynnStore s)
{
  long long v;
  char     *text, *opt, *save = NULL, *tok;
  int       ndim, ncol = 0;
  long      dims[PHYNN_STORE_MAX_DIMS];
  PetscFunctionBegin;
  PetscCall(PhynnRecordReset(r));
  PetscCall(PhynnStorePushGroup(s, "training"));
  PetscCall(PhynnStoreGetInt(s, NULL, "seed", &v));
  r->seed = (uint64_t)v;
  PetscCall(PhynnStoreGetInt(s, NULL, "iteration", &v));
  r->iteration = (long)v;
  /* optional: files written before the rank count was recorded have none */
  if (PhynnStoreHasAttr(s, NULL, "ranks")) {
    PetscCall(PhynnStoreGetInt(s, NULL, "ranks", &v));
    PetscCheck(v >= 1 && v <= INT_MAX, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: training:ranks is %lld; the file is damaged", PhynnStorePath(s), v);
    r->ranks = (int)v;
  }
  PetscCall(PhynnStoreGetText(s, NULL, "optimizer", &opt));
  PetscCall(PetscStrncpy(r->optimizer, opt, sizeof(r->optimizer)));
  PetscCall(PetscFree(opt));
  PetscCall(PhynnStoreGetText(s, NULL, "options", &r->options));
  PetscCall(PhynnStoreGetArray(s, "optimizer_state", PETSC_FALSE, -1, &ndim, dims, &r->opt_state));
  r->nopt_state = ndim == 1 ? dims[0] : 0;
  PetscCall(PhynnStoreGetText(s, "history", "columns", &text));
  for (tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) ncol++;
  PetscCall(PetscFree(text));
  PetscCheck(ncol >= 3, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: training/history:columns must start with iteration,elapsed_s,loss; the file is damaged", PhynnStorePath(s));
  PetscCall(PetscCalloc1(ncol - 3 + 1, &r->term_names));
  PetscCall(PhynnStoreGetText(s, "history", "columns", &text));
  save = NULL;
  int k = 0;
  for (tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save), k++) {
    const char *want[3] = {"iteration", "elapsed_s", "loss"};
    if (k < 3) {
      if (strcmp(tok, want[k])) {
        PetscCall(PetscFree(text));
        SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: training/history:columns must start with iteration,elapsed_s,loss; the file is damaged", PhynnStorePath(s));
      }
    } else PetscCall(PetscStrncpy(r->term_names[k - 3], tok, PHYNN_RECORD_NAME_MAX));
  }
  PetscCall(PetscFree(text));
  r->nterms = ncol - 3;
  PetscCall(PhynnStoreGetArray(s, "history", PETSC_FALSE, -1, &ndim, dims, &r->history));
  PetscCheck(ndim == 2 && dims[1] == ncol, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: training/history has %ld columns but its columns attribute names %d; the file is damaged (inconsistent sizes)", PhynnStorePath(s),
             ndim == 2 ? dims[1] : 0, ncol);
  r->nhistory = dims[0];
  PetscCall(PhynnStorePopGroup(s));
  PetscFunctionReturn(0);
}

PetscBool PhynnRecordedOption(const char *options, const char *name, char *value, size_t len)
{
  char        key[64];
  const char *p;
  PetscBool   found = PETSC_FALSE;
  size_t      lk;

  if (!options) return PETSC_FALSE;
  snprintf(key, sizeof(key), "-%s", name);
  lk = strlen(key);
  for (p = strstr(options, key); p; p = strstr(p + 1, key)) {
    const char *q = p + lk;
    size_t      n;
    if ((p != options && p[-1] != ' ') || (*q != ' ' && *q != '\0')) continue; /* "-seed" in "-noise_seed" */
    while (*q == ' ') q++;
    n = strcspn(q, " ");
    if (n == 0 || n >= len) continue;
    memcpy(value, q, n);
    value[n] = '\0';
    found    = PETSC_TRUE;
  }
  return found;
}
