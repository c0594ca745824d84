/* An image model on the frames of a data file: the reconstruction of every frame from the clean
 * input and from each noisy input, and the errors against the clean frame (images_impl.h).
 *
 * The noise of level l on frame i is PhynnApplyNoise with the draws (noise_seed,
 * PHYNN_STREAM_NOISE_CHECK, i F + pixel): the same draws for every level and every model, so
 * salt:0.4 corrupts a superset of the pixels salt:0.2 does (with the same replacement values) and
 * gauss:0.1 is exactly twice gauss:0.05's noise. Differences between levels, and between models
 * validated with the same -noise_seed, are then the level's and the model's, not the draws'. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"
#include "phynn/imageset.h"

#define EVAL_FRAMES 16 /* frames per model evaluation, as phynn eval */

PetscErrorCode PhynnImageParseNoiseList(const char *text, PhynnImageValidation *v)
{
  char  buf[512], *save = NULL, *item;

  PetscFunctionBegin;
  v->nnoise = 0;
  if (!text || !text[0]) PetscFunctionReturn(0);
  PetscCheck(strlen(text) < sizeof(buf), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: the text is too long (%zu characters, at most %zu)", strlen(text), sizeof(buf) - 1);
  PetscCall(PetscStrncpy(buf, text, sizeof(buf)));
  for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    PhynnNoise nz;
    while (*item == ' ') item++;
    PetscCall(PhynnParseNoise(PETSC_COMM_SELF, "option -noise", item, &nz.kind, &nz.level));
    PetscCheck(nz.kind != PHYNN_NOISE_NONE, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: '%s' is the clean input, which is always measured; list levels such as salt:0.2,gauss:0.05", item);
    PetscCheck(strlen(item) < sizeof(v->noise_text[0]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: '%s' is too long; write it as salt:P or gauss:SIGMA", item);
    for (int j = 0; j < v->nnoise; j++) PetscCheck(strcmp(v->noise_text[j], item), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: %s is given twice; keep one", item);
    PetscCheck(v->nnoise < PHYNN_IMAGE_MAX_NOISE, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: more than %d levels; give fewer", PHYNN_IMAGE_MAX_NOISE);
    PetscCall(PetscStrncpy(v->noise_text[v->nnoise], item, sizeof(v->noise_text[0])));
    v->noise[v->nnoise++] = nz;
  }
  {
    int items = 1; /* strtok skips empty entries: "salt:0.2,,gauss:0.1" and "," are typos, not fewer levels */
    for (const char *c = text; *c; c++) items += *c == ',';
    PetscCheck(items == v->nnoise, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -noise: '%s' has an empty entry; list levels separated by single commas, e.g. salt:0.2,gauss:0.05", text);
  }
  PetscFunctionReturn(0);
}

/* The model's outputs code and recon, found by name (the convention of image models). */
static PetscErrorCode FindOutputs(PhynnModel m, const char *path, int *code, int *recon)
{
  int                  nout;
  const PhynnModelVar *mo;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetOutputs(m, &nout, &mo));
  *code = *recon = -1;
  for (int k = 0; k < nout; k++) {
    if (!strcmp(mo[k].name, "code")) *code = k;
    if (!strcmp(mo[k].name, "recon")) *recon = k;
  }
  PetscCheck(*code >= 0 && *recon >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s takes images but does not have the outputs `code` and `recon` of an image model", path);
  PetscFunctionReturn(0);
}

/* A text attribute of variable var ("": the file), "" when absent. */
static void TextAttr(int ncid, const char *var, const char *name, char *value, size_t len)
{
  int    vid = NC_GLOBAL;
  size_t l   = 0;
  value[0]   = '\0';
  if (var[0] && nc_inq_varid(ncid, var, &vid) != NC_NOERR) return;
  if (nc_inq_attlen(ncid, vid, name, &l) == NC_NOERR && l < len && nc_get_att_text(ncid, vid, name, value) == NC_NOERR) value[l] = '\0';
}

PetscErrorCode PhynnImageReadFrames(PhynnModel m, const char *data_path, const char *var, PhynnImageValidation *v)
{
  PhynnImageSet        s;
  int                  nin, nout;
  const PhynnModelVar *mi, *mo;
  PetscErrorCode       ierr;

  PetscFunctionBegin;
  PetscCall(FindOutputs(m, v->model_path, &v->code_out, &v->recon_out));
  PetscCall(PhynnModelGetInputs(m, &nin, &mi));
  PetscCall(PhynnModelGetOutputs(m, &nout, &mo));
  PetscCall(PhynnImageSetOpen(PETSC_COMM_SELF, data_path, var, &s));
  ierr = mi[0].shape.dim[0] == s.C && mi[0].shape.dim[1] == s.H && mi[0].shape.dim[2] == s.W ? 0 : PHYNN_ERR_INPUT;
  if (ierr) {
    PetscCall(PhynnImageSetClose(&s));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s takes frames of %ld x %ld x %ld but '%s' in %s has frames of %ld x %ld x %ld; validate it on data of its own frame size", v->model_path,
            mi[0].shape.dim[0], mi[0].shape.dim[1], mi[0].shape.dim[2], var, data_path, s.C, s.H, s.W);
  }
  v->n = s.nsamples;
  v->C = s.C;
  v->H = s.H;
  v->W = s.W;
  v->F = PhynnImageSetFrameSize(&s);
  v->K = PhynnVarShapeSize(&mo[v->code_out].shape);
  PetscCheck(PhynnVarShapeSize(&mo[v->recon_out].shape) == v->F, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: its reconstruction has %ld values per frame, its input %ld", v->model_path,
             PhynnVarShapeSize(&mo[v->recon_out].shape), v->F);
  PetscCall(PetscMalloc4(v->n * v->F, &v->x, v->n * v->F, &v->recon, v->n * v->K, &v->code, v->n, &v->t));
  PetscCall(PetscMalloc1(v->K, &v->znames));
  for (long k = 0; k < v->K; k++) {
    if (mo[v->code_out].ncomp == v->K) PetscCall(PetscStrncpy(v->znames[k], mo[v->code_out].comp[k], sizeof(v->znames[k])));
    else snprintf(v->znames[k], sizeof(v->znames[k]), "z%ld", k + 1);
  }
  ierr = PhynnImageSetRead(&s, var, 0, v->n, v->x);
  v->has_t = s.t ? PETSC_TRUE : PETSC_FALSE;
  for (long i = 0; i < v->n; i++) v->t[i] = s.t ? s.t[i] : (double)i;
  if (s.theta) {
    PetscCall(PetscMalloc1(v->n, &v->theta));
    PetscCall(PetscArraycpy(v->theta, s.theta, v->n));
  }
  TextAttr(s.ncid, "", "title", v->data_title, sizeof(v->data_title));
  TextAttr(s.ncid, "t", "units", v->t_units, sizeof(v->t_units));
  TextAttr(s.ncid, "theta", "units", v->theta_units, sizeof(v->theta_units));
  PetscCall(PhynnImageSetClose(&s));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Held-out frames spread in time: of the held-out frames sorted by t (frame index on ties), those
 * at ranks round(j (nheld - 1) / (nshow - 1)), j = 0..nshow-1 (of every frame when none is held
 * out). */
typedef struct {
  double t;
  long   index;
} TimeKey;

static int ByTime(const void *a, const void *b)
{
  const TimeKey *x = (const TimeKey *)a, *y = (const TimeKey *)b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static PetscErrorCode ChooseShown(PhynnImageValidation *v)
{
  TimeKey *pool;
  long     npool = 0;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(v->n, &pool));
  for (long i = 0; i < v->n; i++)
    if (!v->nheld || v->held[i]) pool[npool++] = (TimeKey){v->t[i], i};
  qsort(pool, (size_t)npool, sizeof(*pool), ByTime);
  v->nshow = (int)PetscMin(npool, PHYNN_IMAGE_SHOW);
  for (int j = 0; j < v->nshow; j++) v->show[j] = pool[v->nshow > 1 ? (long)floor((double)j * (double)(npool - 1) / (double)(v->nshow - 1) + 0.5) : 0].index;
  PetscCall(PetscFree(pool));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImagePlan(PhynnImageValidation *v)
{
  PetscFunctionBegin;
  v->ncomp = 0;
  for (int l = -1; l < v->nnoise; l++)
    for (int all = 0; all < 2; all++) {
      PhynnImageComp *c = &v->comp[v->ncomp];
      if (!all && !v->nheld) continue; /* -holdout 0: no held-out frames to measure */
      PetscCall(PetscMemzero(c, sizeof(*c)));
      c->noise = l;
      c->all   = all ? PETSC_TRUE : PETSC_FALSE;
      if (l < 0) snprintf(c->name, sizeof(c->name), "%s", all ? "all" : "heldout");
      else snprintf(c->name, sizeof(c->name), "%s%s", v->noise_text[l], all ? "@all" : "");
      v->ncomp++;
    }
  PetscCall(ChooseShown(v));
  if (v->nnoise) PetscCall(PetscMalloc2(v->nshow * v->F, &v->show_noisy, v->nshow * v->F, &v->show_noisy_recon));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageEvaluate(PhynnModel m, int code_out, int recon_out, long n, long F, long K, const double *frames, double *recon, double *code)
{
  int                  nout;
  const PhynnModelVar *mo;

  PetscFunctionBegin;
  PetscCall(PhynnModelGetOutputs(m, &nout, &mo));
  for (long k = 0; k < n; k += EVAL_FRAMES) {
    long          nb                      = PetscMin(EVAL_FRAMES, n - k);
    const double *in[1]                   = {frames + k * F};
    double       *o[PHYNN_MODEL_MAX_VARS] = {NULL};
    PetscCall(PhynnModelEvaluate(m, nb, in, NULL, o));
    PetscCall(PetscArraycpy(recon + k * F, o[recon_out], nb * F));
    if (code) PetscCall(PetscArraycpy(code + k * K, o[code_out], nb * K));
    for (int j = 0; j < nout; j++) PetscCall(PetscFree(o[j]));
  }
  PetscFunctionReturn(0);
}

/* Sums over one set of frames, in frame order. */
typedef struct {
  double abs, sq, ref, max;
  long   frames;
} Sums;

static void Accumulate(Sums *s, long F, const double *rec, const double *x)
{
  for (long p = 0; p < F; p++) {
    double e = rec[p] - x[p], a = fabs(e);
    s->abs += a;
    s->sq += e * e;
    s->ref += x[p] * x[p];
    if (!(a <= s->max)) s->max = a; /* a NaN reconstruction propagates into the metric */
  }
  s->frames++;
}

static void Finish(const Sums *s, long F, PhynnImageComp *c)
{
  double N = (double)s->frames * (double)F;
  c->nframes                       = s->frames;
  c->value[PHYNN_METRIC_MAE]       = s->frames ? s->abs / N : NAN;
  c->value[PHYNN_METRIC_MSE]       = s->frames ? s->sq / N : NAN;
  c->value[PHYNN_METRIC_REL_L2]    = s->ref > 0 ? sqrt(s->sq) / sqrt(s->ref) : (s->sq > 0 ? INFINITY : 0.0);
  c->value[PHYNN_METRIC_MAX_ABS]   = s->max;
}

/* The comps of input l (-1 clean) from the reconstructions rec of frames [k0, k0 + nb). */
static void AccumulateInput(const PhynnImageValidation *v, int l, long k0, long nb, const double *rec, Sums *sums)
{
  for (int c = 0; c < v->ncomp; c++) {
    if (v->comp[c].noise != l) continue;
    for (long i = k0; i < k0 + nb; i++)
      if (v->comp[c].all || v->held[i]) Accumulate(&sums[c], v->F, rec + (i - k0) * v->F, v->x + i * v->F);
  }
}

PetscErrorCode PhynnImageCompute(PhynnModel m, PhynnImageValidation *v)
{
  Sums    sums[PHYNN_IMAGE_MAX_COMP];
  double *noisy, *rec;
  long    F = v->F;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(sums, sizeof(sums)));
  PetscCall(PhynnImageEvaluate(m, v->code_out, v->recon_out, v->n, F, v->K, v->x, v->recon, v->code));
  AccumulateInput(v, -1, 0, v->n, v->recon, sums);
  PetscCall(PetscMalloc2(EVAL_FRAMES * F, &noisy, EVAL_FRAMES * F, &rec));
  for (int l = 0; l < v->nnoise; l++) {
    for (long k = 0; k < v->n; k += EVAL_FRAMES) {
      long nb = PetscMin(EVAL_FRAMES, v->n - k);
      PetscCall(PetscArraycpy(noisy, v->x + k * F, nb * F));
      for (long i = 0; i < nb; i++) PhynnApplyNoise(v->noise[l].kind, v->noise[l].level, v->noise_seed, PHYNN_STREAM_NOISE_CHECK, (uint64_t)(k + i) * (uint64_t)F, F, noisy + i * F);
      PetscCall(PhynnImageEvaluate(m, v->code_out, v->recon_out, nb, F, v->K, noisy, rec, NULL));
      AccumulateInput(v, l, k, nb, rec, sums);
      for (int j = 0; l == 0 && j < v->nshow; j++) /* the pictures show the first level */
        if (v->show[j] >= k && v->show[j] < k + nb) {
          PetscCall(PetscArraycpy(v->show_noisy + j * F, noisy + (v->show[j] - k) * F, F));
          PetscCall(PetscArraycpy(v->show_noisy_recon + j * F, rec + (v->show[j] - k) * F, F));
        }
    }
  }
  PetscCall(PetscFree2(noisy, rec));
  for (int c = 0; c < v->ncomp; c++) Finish(&sums[c], F, &v->comp[c]);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageApplyThresholds(PhynnImageValidation *v)
{
  static const PhynnMetric order[] = {PHYNN_METRIC_MAE, PHYNN_METRIC_MSE, PHYNN_METRIC_REL_L2, PHYNN_METRIC_MAX_ABS}; /* the order of the messages */

  PetscFunctionBegin;
  for (int j = 0; j < v->nth; j++) { /* a threshold for a named component must name one that exists */
    PetscBool found = PETSC_FALSE;
    char      names[512] = "";
    if (!v->th[j].component[0]) continue;
    for (int c = 0; c < v->ncomp; c++) {
      if (!strcmp(v->comp[c].name, v->th[j].component)) found = PETSC_TRUE;
      if (strlen(names) + strlen(v->comp[c].name) + 3 < sizeof(names)) {
        if (names[0]) strcat(names, ", ");
        strcat(names, v->comp[c].name);
      }
    }
    PetscCheck(found, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: %s for component '%s': there is no such measurement%s; the measured components are: %s", PhynnMetricNames[v->th[j].metric],
               v->th[j].component, !v->nheld && strncmp(v->th[j].component, "all", 3) && !strstr(v->th[j].component, "@all") ? " (no frame is held out: use the @all components)" : "", names);
  }
  v->passed     = PETSC_TRUE;
  v->nfailed    = 0;
  v->failure[0] = '\0';
  for (int c = 0; c < v->ncomp; c++) {
    PhynnImageComp *cp = &v->comp[c];
    cp->passed         = PETSC_TRUE;
    for (int k = 0; k < PHYNN_METRIC_COUNT; k++) {
      cp->limit[k]         = -1;
      cp->limit_text[k][0] = '\0';
    }
    for (int o = 0; o < (int)(sizeof(order) / sizeof(order[0])); o++) {
      PhynnMetric k   = order[o];
      int         use = PhynnThresholdFind(v->th, v->nth, k, cp->name);
      if (use < 0) continue;
      cp->limit[k] = v->th[use].value;
      PetscCall(PetscStrncpy(cp->limit_text[k], v->th[use].text, sizeof(cp->limit_text[k])));
      if (!(cp->value[k] <= cp->limit[k])) { /* NaN fails */
        cp->passed = PETSC_FALSE;
        if (!v->nfailed) {
          char g[32];
          PhynnFormatShort(cp->value[k], 2, g, sizeof(g));
          snprintf(v->failure, sizeof(v->failure), "%s of %s is %s > %s", PhynnMetricNames[k], cp->name, g, cp->limit_text[k]);
        }
        v->nfailed++;
        v->passed = PETSC_FALSE;
      }
    }
  }
  PetscFunctionReturn(0);
}
