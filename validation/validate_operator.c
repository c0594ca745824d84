/* phynn validate for an operator model (phynn train operator): its predictions on the samples of a
 * family file against the solver's outputs.
 *
 * Samples: when the family is the one the model was trained on (the training record's -data names
 * the same file), the held-out samples (its last -holdout); any other family file (a test family
 * from another seed): all of its samples. Metrics (docs/validation.md, "Operators"):
 *   rel_l2          mean over samples of ||pred - true|| / ||true|| (the FNO and DeepONet papers'
 *                   metric), also its median and worst (threshold components median, worst);
 *   rel_l2 by band  the error's Fourier bins split as PDEBench does, k in [0, 4), [4, 12), [12, ...)
 *                   (|k| = sqrt(kx^2 + ky^2) in 2-D): ||P_band (pred - true)|| / ||true||, the mean
 *                   over samples (components low, mid, high); by Parseval the three add up in
 *                   squares to the sample's squared rel_l2;
 *   max_abs         the largest |pred - true| over all samples and points;
 *   inference       seconds to predict one sample (the median of 21 single-sample evaluations);
 *   rollout         (a one-step operator, -output_time next) the model applied to its own output
 *                   from each trajectory's first state: the mean relative L2 after k steps, for
 *                   every k (threshold component rollout: after the last).
 * Pictures: the worst and the median sample (input, prediction, reference; 2-D fields: their
 * middle row), the per-sample errors in order, the band errors, the loss history. */
#include <complex.h>
#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"
#include "operator_impl.h"
#include "phynn/operator_eval.h"
#include "report_impl.h"

static const double      band_edges[2] = {4, 12};

static int CompareDoubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The held-out samples when data_path is the training family, else every sample. */
static PetscErrorCode ChooseSamples(const PhynnRecord *rec, const char *data_path, PhynnOperatorValidation *v)
{
  char trained[PETSC_MAX_PATH_LEN] = "", hv[64], a[PATH_MAX], b[PATH_MAX];
  long nheld = 0;
  PetscFunctionBegin;
  if (rec && PhynnRecordedOption(rec->options, "data", trained, sizeof(trained)) && realpath(trained, a) && realpath(data_path, b) && !strcmp(a, b) && PhynnRecordedOption(rec->options, "holdout", hv, sizeof(hv))) nheld = atol(hv) * v->d.steps; /* trajectories, each of d.steps samples */
  v->same_family = nheld > 0 ? PETSC_TRUE : PETSC_FALSE;
  v->n           = v->same_family ? nheld : v->d.nsamples;
  PetscCheck(v->n >= 1 && v->n <= v->d.nsamples, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: the training record holds out %ld samples but the family has %ld", data_path, nheld, v->d.nsamples);
  PetscCall(PetscMalloc1(v->n, &v->idx));
  for (long i = 0; i < v->n; i++) v->idx[i] = v->d.nsamples - v->n + i;
  PetscFunctionReturn(0);
}

/* Band energies of one sample's error e (cout x H x W): sq[b] = sum over the band's bins of the
 * error's squared Fourier amplitudes, scaled so that sum_b sq[b] = sum e^2 (Parseval). */
static PetscErrorCode BandEnergies(const PhynnOperatorData *d, const double *e, double *tmp, fftw_complex *spec, fftw_plan plan, double sq[3])
{
  const long H = d->H, W = d->W, Wh = W / 2 + 1;
  PetscFunctionBegin;
  sq[0] = sq[1] = sq[2] = 0;
  for (long c = 0; c < d->cout; c++) {
    PetscCall(PetscArraycpy(tmp, e + c * H * W, H * W));
    fftw_execute_dft_r2c(plan, tmp, spec);
    for (long i = 0; i < H; i++)
      for (long j = 0; j < Wh; j++) {
        const double ki = (double)(i <= H / 2 ? i : H - i), k = sqrt(ki * ki + (double)(j * j));
        const double w  = (j == 0 || (W % 2 == 0 && j == W / 2)) ? 1.0 : 2.0;
        const double a  = cabs(*(double complex *)&spec[i * Wh + j]);
        sq[k < band_edges[0] ? 0 : k < band_edges[1] ? 1 : 2] += w * a * a / (double)(H * W);
      }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Compute(PhynnModel m, PhynnOperatorValidation *v)
{
  const PhynnOperatorData *d = &v->d;
  const long               F = d->cout * d->H * d->W;
  double                  *sorted, *e, *tmp;
  fftw_complex            *spec;
  fftw_plan                plan;
  int                      dims[2] = {(int)d->H, (int)d->W};

  PetscFunctionBegin;
  PetscCall(PhynnOperatorPredict(m, d, v->n, v->idx, &v->pred));
  PetscCall(PetscMalloc2(v->n, &v->rel, 3 * v->n, &v->band));
  PetscCall(PetscMalloc2(F, &e, d->H * d->W, &tmp));
  spec = fftw_alloc_complex((size_t)(d->H * (d->W / 2 + 1)));
  plan = d->H == 1 ? fftw_plan_dft_r2c_1d(dims[1], tmp, spec, FFTW_ESTIMATE) : fftw_plan_dft_r2c_2d(dims[0], dims[1], tmp, spec, FFTW_ESTIMATE);
  v->max_abs = 0;
  for (long i = 0; i < v->n; i++) {
    const double *p = v->pred + i * F, *y = d->out + v->idx[i] * F;
    double        q = 0, s = 0, sq[3];
    for (long j = 0; j < F; j++) {
      e[j] = p[j] - y[j];
      s += e[j] * e[j], q += y[j] * y[j];
      v->max_abs = PetscMax(v->max_abs, fabs(e[j]));
    }
    q          = q > 0 ? q : 1;
    v->rel[i]  = sqrt(s / q);
    PetscCall(BandEnergies(d, e, tmp, spec, plan, sq));
    for (int b = 0; b < 3; b++) v->band[3 * i + b] = sqrt(sq[b] / q);
  }
  fftw_destroy_plan(plan);
  fftw_free(spec);
  PetscCall(PetscMalloc1(v->n, &sorted));
  v->mean = 0, v->worst = -1;
  for (int b = 0; b < 3; b++) v->band_mean[b] = 0;
  for (long i = 0; i < v->n; i++) {
    v->mean += v->rel[i] / (double)v->n;
    for (int b = 0; b < 3; b++) v->band_mean[b] += v->band[3 * i + b] / (double)v->n;
    if (v->rel[i] > v->worst) v->worst = v->rel[i], v->worst_at = i;
    sorted[i] = v->rel[i];
  }
  qsort(sorted, (size_t)v->n, sizeof(double), CompareDoubles);
  v->median    = v->n % 2 ? sorted[v->n / 2] : 0.5 * (sorted[v->n / 2 - 1] + sorted[v->n / 2]);
  v->median_at = 0;
  for (long i = 0; i < v->n; i++)
    if (fabs(v->rel[i] - sorted[v->n / 2]) < fabs(v->rel[v->median_at] - sorted[v->n / 2])) v->median_at = i;
  PetscCall(PetscFree(sorted));
  /* inference time: one sample, the median of 21 (the first builds the evaluation graph) */
  {
    double t[21], *y;
    for (int r = 0; r < 21; r++) {
      double t0 = PhynnTime();
      PetscCall(PhynnOperatorPredict(m, d, 1, v->idx, &y));
      t[r] = PhynnTime() - t0;
      PetscCall(PetscFree(y));
    }
    qsort(t, 21, sizeof(double), CompareDoubles);
    v->infer_seconds = t[10];
  }
  PetscCall(PetscFree2(e, tmp));
  PetscFunctionReturn(0);
}

/* -output_time next: the model applied to its own output, from each judged trajectory's first
 * state, against the solver's states: rollout[k] = the mean over trajectories of the relative L2
 * after k + 1 steps. */
static PetscErrorCode Rollout(PhynnModel m, PhynnOperatorValidation *v)
{
  PhynnOperatorData *d = &v->d, one;
  const long         F = d->cin * d->H * d->W, T = d->steps, ntraj = v->n / T, idx0[1] = {0};
  double            *x, *y;
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(T, &v->rollout));
  PetscCall(PetscMalloc1(F, &x));
  one = *d, one.nsamples = 1, one.in = x; /* a one-sample view for PhynnOperatorPredict */
  for (long r = 0; r < ntraj; r++) {
    const long p0 = v->idx[r * T]; /* the trajectory's first pair */
    PetscCall(PetscArraycpy(x, d->in + p0 * F, F));
    for (long k = 0; k < T; k++) {
      const double *ref = d->out + (p0 + k) * F;
      double        e = 0, q = 0;
      PetscCall(PhynnOperatorPredict(m, &one, 1, idx0, &y));
      for (long j = 0; j < F; j++) e += (y[j] - ref[j]) * (y[j] - ref[j]), q += ref[j] * ref[j];
      v->rollout[k] += sqrt(e / (q > 0 ? q : 1)) / (double)ntraj;
      PetscCall(PetscArraycpy(x, y, F));
      PetscCall(PetscFree(y));
    }
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

/* Metric values by (metric, component): rel_l2 "" (mean), median, worst, low, mid, high; max_abs "". */
static PetscErrorCode ApplyThresholds(PhynnOperatorValidation *v)
{
  const char  *comp[7] = {"", "median", "worst", "low", "mid", "high", "rollout"};
  const double val[7]  = {v->mean, v->median, v->worst, v->band_mean[0], v->band_mean[1], v->band_mean[2], v->rollout ? v->rollout[v->d.steps - 1] : NAN};
  PetscFunctionBegin;
  v->passed = PETSC_TRUE;
  for (int j = 0; j < v->nth; j++) {
    const PhynnThreshold *t = &v->th[j];
    double                x = NAN;
    if (t->metric == PHYNN_METRIC_MAX_ABS) {
      PetscCheck(!t->component[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: max_abs[%s]: an operator's max_abs has no components; write max_abs=VALUE", t->component);
      x = v->max_abs;
    } else {
      for (int c = 0; c < 7; c++)
        if (!strcmp(t->component, comp[c])) x = val[c];
      PetscCheck(!isnan(x), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: rel_l2[%s]: an operator's rel_l2 components are median, worst, low, mid, high and (for one-step operators) rollout; rel_l2 alone is the mean", t->component);
    }
    if (!(x <= t->value)) {
      if (v->passed) snprintf(v->failure, sizeof(v->failure), "%s%s%s%s of the operator is %.3g > %s", PhynnMetricNames[t->metric], t->component[0] ? "[" : "", t->component, t->component[0] ? "]" : "", x, t->text);
      v->passed = PETSC_FALSE;
      v->nfailed++;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteReport(const PhynnRecord *rec, const PhynnOperatorValidation *v, const char *gnuplot, const char *tmpdir)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  PetscFunctionBegin;
  PetscCall(PhynnOperatorPlots(rec, v, gnuplot, tmpdir));
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  PetscCall(PhynnOperatorWriteJSON(v, path));
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  PetscCall(PhynnOperatorWriteHTML(rec, v, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidateOperator(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnOperatorValidation *v)
{
  const char    *gnuplot = opt && opt->gnuplot && opt->gnuplot[0] ? opt->gnuplot : "gnuplot";
  char           dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32], input[256] = "u0", output[256] = "u", otime[64] = "last";
  char           in[PHYNN_OPERATOR_MAX_VARS][64], out[PHYNN_OPERATOR_MAX_VARS][64];
  int            nin, nout;

  PetscFunctionBegin;
  PetscCheck(!opt || ((!opt->noise || !opt->noise[0]) && (!opt->baseline || !opt->baseline[0]) && !opt->var), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "options -var, -noise and -baseline are for image models; an operator is judged on a family file");
  PetscCall(PhynnThresholdsParse(PETSC_COMM_SELF, opt ? opt->thresholds : NULL, PHYNN_VALIDATE_MAX_THRESHOLDS, v->th, &v->nth));
  for (int j = 0; j < v->nth; j++)
    PetscCheck(v->th[j].metric == PHYNN_METRIC_REL_L2 || v->th[j].metric == PHYNN_METRIC_MAX_ABS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: %s is not a metric of operators; they are judged by rel_l2 (and its components median, worst, low, mid, high) and max_abs",
               PhynnMetricNames[v->th[j].metric]);
  PetscCall(PhynnReportDirCheck(report_dir, dir, sizeof(dir)));
  PetscCall(PhynnGnuplotTerminal(gnuplot, opt ? opt->terminal : NULL, v->terminal, sizeof(v->terminal), v->image_ext, sizeof(v->image_ext)));
  if (rec) {
    PhynnRecordedOption(rec->options, "input", input, sizeof(input));
    PhynnRecordedOption(rec->options, "output", output, sizeof(output));
    PhynnRecordedOption(rec->options, "output_time", otime, sizeof(otime));
  }
  PetscCall(PetscStrncpy(v->input, input, sizeof(v->input)));
  PetscCall(PetscStrncpy(v->output, output, sizeof(v->output)));
  PetscCall(PetscStrncpy(v->output_time, otime, sizeof(v->output_time)));
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "input", input, &nin, in));
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "output", output, &nout, out));
  PetscCall(PhynnOperatorDataLoad(PETSC_COMM_SELF, data_path, nin, in, nout, out, otime, &v->d));
  {
    const PhynnModelVar *mi;
    int                  ni;
    PetscCall(PhynnModelGetInputs(m, &ni, &mi));
    v->trained_H = mi[0].shape.ndim == 3 ? mi[0].shape.dim[1] : 0;
    v->trained_W = mi[0].shape.ndim == 3 ? mi[0].shape.dim[2] : 0;
    (void)ni;
  }
  PetscCall(PhynnOperatorRegrid(PETSC_COMM_SELF, m, &v->d, &v->regrid));
  if (v->regrid) m = v->regrid;
  PetscCall(PhynnOperatorCheckModel(PETSC_COMM_SELF, m, data_path, &v->d));
  PetscCall(ChooseSamples(rec, data_path, v));

  PetscCall(PetscStrncpy(v->model_path, model_path ? model_path : "(in memory)", sizeof(v->model_path)));
  PetscCall(PetscStrncpy(v->data_path, data_path, sizeof(v->data_path)));
  if (opt && opt->title && opt->title[0]) PetscCall(PetscStrncpy(v->title, opt->title, sizeof(v->title)));
  else snprintf(v->title, sizeof(v->title), "Validation of the operator %s on the family %s", model_path ? model_path : "(in memory)", data_path);
  PhynnModelFileProvenance(model_path, v->model_version, sizeof(v->model_version), v->model_git, sizeof(v->model_git), v->model_cmd, sizeof(v->model_cmd));
  PetscCall(PetscStrncpy(v->spec, PhynnModelGetSpec(m), sizeof(v->spec)));

  PetscCall(Compute(m, v));
  if (v->d.steps > 1) PetscCall(Rollout(m, v));
  PetscCall(ApplyThresholds(v));
  PetscCall(PhynnReportDirBegin(dir, tmpdir, sizeof(tmpdir)));
  PetscCall(PhynnReportDirFinish(dir, tmpdir, WriteReport(rec, v, gnuplot, tmpdir)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorValidationDestroy(PhynnOperatorValidation *v)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(v->idx));
  PetscCall(PetscFree(v->rollout));
  PetscCall(PetscFree(v->pred));
  PetscCall(PetscFree2(v->rel, v->band));
  PetscCall(PhynnOperatorDataFree(&v->d));
  PetscCall(PhynnModelDestroy(&v->regrid));
  PetscFunctionReturn(0);
}
