/* The operator report's pictures (gnuplot), metrics.json and index.html (validation/operator_impl.h). */
#include <math.h>
#include <string.h>

#include "operator_impl.h"
#include "phynn/textfile.h"
#include "report_impl.h"

static const char *const band_text[3] = {"low (k < 4)", "mid (4 <= k < 12)", "high (k >= 12)"};

/* One sample's input, prediction and reference along x (2-D fields: the middle row), per channel. */
static PetscErrorCode SamplePlot(FILE *gp, const PhynnOperatorValidation *v, const char *dir, long at, const char *file, const char *what)
{
  const PhynnOperatorData *d = &v->d;
  const long               HW = d->H * d->W, row = d->H / 2, s = v->idx[at];
  char                     name[64];
  FILE                    *fp;
  PetscFunctionBegin;
  snprintf(name, sizeof(name), "%s.dat", file);
  PetscCall(PhynnPlotDataOpen(dir, name, &fp));
  for (long j = 0; j < d->W; j++) {
    fprintf(fp, "%.10g", d->x[j]);
    for (long c = 0; c < d->cout; c++) fprintf(fp, " %.12g %.12g", v->pred[(at * d->cout + c) * HW + row * d->W + j], d->out[(s * d->cout + c) * HW + row * d->W + j]);
    for (long c = 0; c < d->cin; c++) fprintf(fp, " %.12g", d->in[(s * d->cin + c) * HW + row * d->W + j]);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, name));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 560, file);
  fprintf(gp, "set title 'the %s sample (%ld of the family): relative L2 %.3g%s'\nset xlabel 'x'\nset ylabel 'value'\nset grid\nset key outside right\n", what, s, v->rel[at], d->H > 1 ? ", the middle row" : "");
  fprintf(gp, "plot ");
  for (long c = 0; c < d->cout; c++)
    fprintf(gp, "%s'plotdata/%s' using 1:%ld with lines lw 3 lc rgb '#888888' title 'reference %ld', '' using 1:%ld with lines lw 1.5 dt 2 lc rgb '#d62728' title 'prediction %ld'", c ? ", " : "", name, 2 + 2 * c + 1, c,
            2 + 2 * c, c);
  for (long c = 0; c < d->cin; c++) fprintf(gp, ", '' using 1:%ld with lines lw 1 lc rgb '#1f77b4' title 'input %ld'", 2 + 2 * d->cout + c, c);
  fprintf(gp, "\nunset grid\nset key default\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode ErrorsPlot(FILE *gp, const PhynnOperatorValidation *v, const char *dir)
{
  FILE *fp;
  PetscFunctionBegin;
  PetscCall(PhynnPlotDataOpen(dir, "errors.dat", &fp));
  for (long i = 0; i < v->n; i++) {
    fprintf(fp, "%ld", v->idx[i]);
    PhynnGpPut(fp, v->rel[i], PETSC_TRUE);
    for (int b = 0; b < 3; b++) PhynnGpPut(fp, v->band[3 * i + b], PETSC_TRUE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "errors.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 560, "errors");
  fprintf(gp, "set title 'relative L2 error of each sample, and by Fourier band'\nset xlabel 'sample of the family'\nset ylabel 'relative L2 (log scale)'\nset logscale y\nset format y '%%.0e'\nset grid\nset key outside right\n");
  fprintf(gp, "plot 'plotdata/errors.dat' using 1:2 with points pt 7 ps 0.8 lc rgb '#000000' title 'all bins', '' using 1:3 with points pt 1 lc rgb '#1f77b4' title '%s', '' using 1:4 with points pt 2 lc rgb '#2ca02c' title '%s', '' using 1:5 with points pt 6 lc rgb '#d62728' title '%s'\n",
          band_text[0], band_text[1], band_text[2]);
  fprintf(gp, "unset logscale y\nset format y\nunset grid\nset key default\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode RolloutPlot(FILE *gp, const PhynnOperatorValidation *v, const char *dir)
{
  FILE *fp;
  PetscFunctionBegin;
  if (!v->rollout) PetscFunctionReturn(0);
  PetscCall(PhynnPlotDataOpen(dir, "rollout.dat", &fp));
  for (long k = 0; k < v->d.steps; k++) {
    fprintf(fp, "%.10g", (double)(k + 1) * v->d.times[0]);
    PhynnGpPut(fp, v->rollout[k], PETSC_TRUE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "rollout.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 560, "rollout");
  fprintf(gp, "set title 'rollout: the one-step operator applied to its own output, against the solver'\nset xlabel 't'\nset ylabel 'mean relative L2 (log scale)'\nset logscale y\nset format y '%%.0e'\nset grid\n");
  fprintf(gp, "plot 'plotdata/rollout.dat' using 1:2 with linespoints lw 2 pt 7 lc rgb '#d62728' notitle\nunset logscale y\nset format y\nunset grid\n");
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorPlots(const PhynnRecord *rec, const PhynnOperatorValidation *v, const char *gnuplot, const char *dir)
{
  FILE *gp;
  PetscFunctionBegin;
  PetscCall(PhynnGnuplotBegin(dir, &gp));
  PetscCall(SamplePlot(gp, v, dir, v->worst_at, "worst_sample", "worst"));
  PetscCall(SamplePlot(gp, v, dir, v->median_at, "median_sample", "median"));
  PetscCall(ErrorsPlot(gp, v, dir));
  PetscCall(RolloutPlot(gp, v, dir));
  PetscCall(PhynnGpLossPlot(gp, v->terminal, v->image_ext, "operator", rec, dir));
  PetscCall(PhynnGnuplotRun(&gp, gnuplot, dir));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorWriteJSON(const PhynnOperatorValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32];
  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"validation\",\n  \"kind\": \"operator\",\n  \"model\": ");
  PhynnJsonString(fp, v->model_path);
  fprintf(fp, ",\n  \"data\": ");
  PhynnJsonString(fp, v->data_path);
  fprintf(fp, ",\n  \"input\": ");
  PhynnJsonString(fp, v->input);
  fprintf(fp, ",\n  \"output\": ");
  PhynnJsonString(fp, v->output);
  fprintf(fp, ",\n  \"output_time\": ");
  PhynnJsonString(fp, v->output_time);
  fprintf(fp, ",\n  \"provenance\": ");
  PhynnJsonProvenance(fp, v->model_version, v->model_git, v->model_cmd);
  fprintf(fp, ",\n  \"trained_grid\": [%ld, %ld],", v->trained_H, v->trained_W);
  fprintf(fp, "\n  \"grid\": [%ld, %ld], \"channels_in\": %ld, \"channels_out\": %ld,\n  \"samples\": {\"source\": \"%s\", \"count\": %ld, \"first\": %ld},\n", v->d.H, v->d.W, v->d.cin, v->d.cout,
          v->same_family ? "held out of the training family" : "every sample of the file", v->n, v->idx[0]);
  PhynnJsonVerdict(fp, v->passed, v->failure, v->th, v->nth);
  fprintf(fp, "    {\"name\": \"u\", \"rel_l2\": ");
  PhynnJsonNumber(fp, v->mean);
  fprintf(fp, ", \"rel_l2_median\": ");
  PhynnJsonNumber(fp, v->median);
  fprintf(fp, ", \"rel_l2_worst\": ");
  PhynnJsonNumber(fp, v->worst);
  fprintf(fp, ", \"worst_sample\": %ld, \"max_abs\": ", v->idx[v->worst_at]);
  PhynnJsonNumber(fp, v->max_abs);
  fprintf(fp, ",\n     \"rel_l2_bands\": {\"edges\": [4, 12], \"low\": ");
  PhynnJsonNumber(fp, v->band_mean[0]);
  fprintf(fp, ", \"mid\": ");
  PhynnJsonNumber(fp, v->band_mean[1]);
  fprintf(fp, ", \"high\": ");
  PhynnJsonNumber(fp, v->band_mean[2]);
  fprintf(fp, "},\n     \"rel_l2_per_sample\": ");
  PhynnJsonArray(fp, v->rel, v->n);
  fprintf(fp, "}\n  ],\n  \"rollout_rel_l2\": ");
  if (v->rollout) PhynnJsonArray(fp, v->rollout, v->d.steps);
  else fputs("null", fp);
  fprintf(fp, ",\n  \"inference_seconds_per_sample\": ");
  PhynnJsonNumber(fp, v->infer_seconds);
  fprintf(fp, "\n}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

static void Figure(FILE *fp, const PhynnOperatorValidation *v, const char *file, const char *caption)
{
  fprintf(fp, "<figure><img src=\"%s.%s\" alt=\"%s\"><figcaption>%s</figcaption></figure>\n", file, v->image_ext, file, caption);
}

PetscErrorCode PhynnOperatorWriteHTML(const PhynnRecord *rec, const PhynnOperatorValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], buf[1024], when[64];
  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  PhynnHtmlPageBegin(fp, v->title, NULL, v->passed, v->nth, v->failure, v->nfailed);
  fprintf(fp, "<h2>Errors</h2>\n<table>\n<tr><th>metric</th><th>value</th></tr>\n");
  snprintf(buf, sizeof(buf), "%.4g", v->mean);
  PhynnHtmlRow(fp, "relative L2, mean over samples", buf);
  snprintf(buf, sizeof(buf), "%.4g", v->median);
  PhynnHtmlRow(fp, "relative L2, median", buf);
  snprintf(buf, sizeof(buf), "%.4g (sample %ld)", v->worst, v->idx[v->worst_at]);
  PhynnHtmlRow(fp, "relative L2, worst", buf);
  for (int b = 0; b < 3; b++) {
    char key[64];
    snprintf(key, sizeof(key), "relative L2, band %s", band_text[b]);
    snprintf(buf, sizeof(buf), "%.4g", v->band_mean[b]);
    PhynnHtmlRow(fp, key, buf);
  }
  snprintf(buf, sizeof(buf), "%.4g", v->max_abs);
  PhynnHtmlRow(fp, "max |prediction - reference|", buf);
  snprintf(buf, sizeof(buf), "%.3g ms", 1e3 * v->infer_seconds);
  PhynnHtmlRow(fp, "inference, one sample", buf);
  if (v->rollout) {
    snprintf(buf, sizeof(buf), "%.4g after 1 step, %.4g after %ld (t = %g)", v->rollout[0], v->rollout[v->d.steps - 1], v->d.steps, (double)v->d.steps * v->d.times[0]);
    PhynnHtmlRow(fp, "rollout, mean relative L2", buf);
  }
  fprintf(fp, "</table>\n");
  if (v->rollout) Figure(fp, v, "rollout", "Rollout: the one-step operator applied to its own output from each trajectory's first state, against the solver over time.");
  Figure(fp, v, "worst_sample", "The worst sample: prediction against the solver's reference, and the input.");
  Figure(fp, v, "median_sample", "A typical (median) sample.");
  Figure(fp, v, "errors", "Per-sample relative L2 error, in total and by Fourier band (PDEBench's bands; by Parseval the bands add up in squares to the total).");
  if (rec && rec->nhistory > 0) Figure(fp, v, "loss_history", "Training loss.");
  fprintf(fp, "<h2>Model and data</h2>\n<table>\n");
  PhynnHtmlRow(fp, "Model file", v->model_path);
  PhynnHtmlRow(fp, "Family file", v->data_path);
  snprintf(buf, sizeof(buf), "%s -> %s at t = %s", v->input, v->output, v->output_time);
  PhynnHtmlRow(fp, "Map", buf);
  snprintf(buf, sizeof(buf), "%ld channel(s) in, %ld out, on %ld x %ld points%s", v->d.cin, v->d.cout, v->d.H, v->d.W, v->d.periodic ? " (periodic)" : "");
  PhynnHtmlRow(fp, "Fields", buf);
  if (v->regrid) {
    snprintf(buf, sizeof(buf), "%ld x %ld points; evaluated here on %ld x %ld with the same weights (resolution transfer)", v->trained_H, v->trained_W, v->d.H, v->d.W);
    PhynnHtmlRow(fp, "Trained on", buf);
  }
  snprintf(buf, sizeof(buf), "%ld (%s, samples %ld to %ld)", v->n, v->same_family ? "held out of the training family" : "every sample of the file", v->idx[0], v->idx[v->n - 1]);
  PhynnHtmlRow(fp, "Samples judged", buf);
  PhynnHtmlProvenanceRows(fp, rec, v->model_version, v->model_git, v->model_cmd, when);
  fprintf(fp, "</table>\n<h2>Architecture</h2>\n<pre>");
  PhynnHtml(fp, v->spec);
  fprintf(fp, "</pre>\n");
  PhynnHtmlThresholds(fp, v->nth, v->th, "rel_l2=1e-2,rel_l2[worst]=5e-2");
  fprintf(fp, "<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}
