/* The image report's text: metrics.json (the numbers, docs/validation.md "Image models") and
 * index.html (verdict, provenance, the split, the metrics table, the pictures), both written
 * atomically (PhynnFileOpenAtomic/PhynnFileCommit). */
#include <math.h>
#include <string.h>

#include "images_impl.h"
#include "phynn/textfile.h"
#include "report_impl.h"

/* The metrics in the order of the tables. */
static const PhynnMetric order[] = {PHYNN_METRIC_MAE, PHYNN_METRIC_MSE, PHYNN_METRIC_REL_L2, PHYNN_METRIC_MAX_ABS};
#define NORDER ((int)(sizeof(order) / sizeof(order[0])))

static const char *SplitSource(PhynnSplitSource s)
{
  switch (s) {
  case PHYNN_SPLIT_RECORD: return "training record";
  case PHYNN_SPLIT_OPTIONS: return "validate options";
  case PHYNN_SPLIT_MIXED: return "training record and validate options";
  default: return "none: the model records no split, every frame counted as held out";
  }
}

static void JsonComponent(FILE *fp, const PhynnImageValidation *v, const PhynnImageComp *c)
{
  fprintf(fp, "    {\"name\": ");
  PhynnJsonString(fp, c->name);
  fprintf(fp, ", \"frames\": \"%s\", \"input\": ", c->all ? "all" : "heldout");
  PhynnJsonString(fp, c->noise < 0 ? "clean" : v->noise_text[c->noise]);
  fprintf(fp, ", \"count\": %ld,\n     ", c->nframes);
  for (int o = 0; o < NORDER; o++) {
    fprintf(fp, "%s\"%s\": ", o ? ", " : "", PhynnMetricNames[order[o]]);
    PhynnJsonNumber(fp, c->value[order[o]]);
  }
  fprintf(fp, ",\n     \"thresholds\": {");
  for (int o = 0; o < NORDER; o++) {
    fprintf(fp, "%s\"%s\": ", o ? ", " : "", PhynnMetricNames[order[o]]);
    if (c->limit[order[o]] >= 0) PhynnJsonNumber(fp, c->limit[order[o]]);
    else fputs("null", fp);
  }
  fprintf(fp, "}, \"passed\": %s}", c->passed ? "true" : "false");
}

static void JsonLatent(FILE *fp, const PhynnImageValidation *v)
{
  const PhynnLatentTheta *lt = &v->lt;
  fprintf(fp, "  \"latent\": {\"size\": %ld, \"names\": [", v->K);
  for (long k = 0; k < v->K; k++) {
    if (k) fputs(", ", fp);
    PhynnJsonString(fp, v->znames[k]);
  }
  fprintf(fp, "],\n    \"theta\": ");
  if (!lt->has) {
    fprintf(fp, "null},\n");
    return;
  }
  fprintf(fp, "{\"correlation\": ");
  PhynnJsonArray(fp, lt->corr, v->K);
  fprintf(fp, ",\n      \"fit\": ");
  if (lt->latent < 0) fprintf(fp, "null");
  else {
    fprintf(fp, "{\"latent\": ");
    PhynnJsonString(fp, v->znames[lt->latent]);
    fprintf(fp, ", \"degree\": %d, \"center\": ", lt->degree);
    PhynnJsonNumber(fp, lt->center);
    fprintf(fp, ", \"half_range\": ");
    PhynnJsonNumber(fp, lt->half);
    fprintf(fp, ", \"coefficients\": ");
    PhynnJsonArray(fp, lt->coef, lt->degree >= 1 ? lt->degree + 1 : 0);
    fprintf(fp, ",\n        \"monotone\": %s, \"rms\": ", lt->monotone ? "true" : "false");
    PhynnJsonNumber(fp, lt->rms);
    fprintf(fp, ", \"isotonic\": {\"direction\": \"%s\", \"rms\": ", lt->isotonic_dir > 0 ? "increasing" : "decreasing");
    PhynnJsonNumber(fp, lt->isotonic_rms);
    fprintf(fp, "}}");
  }
  fprintf(fp, "}},\n");
}

static void JsonBaseline(FILE *fp, const PhynnImageValidation *v)
{
  const PhynnImageBaseline *b = &v->base;
  fprintf(fp, "  \"baseline\": ");
  if (!b->m) {
    fprintf(fp, "null\n");
    return;
  }
  fprintf(fp, "{\"model\": ");
  PhynnJsonString(fp, b->path);
  fprintf(fp, ", \"components\": %ld, \"split\": ", b->K);
  PhynnJsonString(fp, b->split);
  fprintf(fp, ", \"same_split\": %s, \"frames\": \"%s\",\n    \"mae\": ", b->same_split ? "true" : "false", v->nheld ? "heldout" : "all");
  PhynnJsonArray(fp, b->mae, b->K);
  fprintf(fp, ",\n    \"model_latent\": %ld, \"model_mae\": ", b->model_latent);
  PhynnJsonNumber(fp, b->model_mae);
  fprintf(fp, ", \"smallest_k_matching\": ");
  if (b->match) fprintf(fp, "%ld", b->match);
  else fprintf(fp, "\"none up to %ld\"", b->K);
  fprintf(fp, ", \"check_max_abs\": ");
  PhynnJsonNumber(fp, b->check);
  fprintf(fp, "}\n");
}

PetscErrorCode PhynnImageWriteJSON(const PhynnImageValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32];
  int   first = 1;

  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"validation\",\n  \"kind\": \"images\",\n  \"model\": ");
  PhynnJsonString(fp, v->model_path);
  fprintf(fp, ",\n  \"data\": ");
  PhynnJsonString(fp, v->data_path);
  fprintf(fp, ",\n  \"variable\": ");
  PhynnJsonString(fp, v->var);
  fprintf(fp, ",\n  \"problem\": ");
  PhynnJsonString(fp, v->problem);
  fprintf(fp, ",\n  \"provenance\": ");
  PhynnJsonProvenance(fp, v->model_version, v->model_git, v->model_cmd);
  fprintf(fp, ",\n  \"frames\": {\"count\": %ld, \"shape\": [%ld, %ld, %ld], \"has_t\": %s, \"has_theta\": %s},\n", v->n, v->C, v->H, v->W, v->has_t ? "true" : "false", v->theta ? "true" : "false");
  fprintf(fp, "  \"split\": {\"source\": \"%s\", \"holdout\": ", SplitSource(v->split_source));
  PhynnJsonNumber(fp, v->holdout);
  fprintf(fp, ", \"seed\": ");
  if (v->split_source == PHYNN_SPLIT_NONE) fputs("null", fp);
  else fprintf(fp, "%llu", (unsigned long long)v->seed);
  fprintf(fp, ", \"trained_on\": ");
  if (v->trained_on[0]) PhynnJsonString(fp, v->trained_on);
  else fputs("null", fp);
  fprintf(fp, ",\n    \"heldout_count\": %ld, \"heldout_frames\": [", v->nheld);
  for (long i = 0; i < v->n; i++)
    if (v->held[i]) {
      fprintf(fp, "%s%ld", first ? "" : ", ", i);
      first = 0;
    }
  fprintf(fp, "]},\n  \"pictured_frames\": [");
  for (int j = 0; j < v->nshow; j++) fprintf(fp, "%s%ld", j ? ", " : "", v->show[j]);
  fprintf(fp, "],\n  \"noise\": {\"seed\": %llu, \"levels\": [", (unsigned long long)v->noise_seed);
  for (int l = 0; l < v->nnoise; l++) {
    if (l) fputs(", ", fp);
    PhynnJsonString(fp, v->noise_text[l]);
  }
  fprintf(fp, "]},\n");
  PhynnJsonVerdict(fp, v->passed, v->failure, v->th, v->nth);
  for (int c = 0; c < v->ncomp; c++) {
    JsonComponent(fp, v, &v->comp[c]);
    fprintf(fp, "%s\n", c + 1 < v->ncomp ? "," : "");
  }
  fprintf(fp, "  ],\n");
  JsonLatent(fp, v);
  JsonBaseline(fp, v);
  fprintf(fp, "}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

/* ---- HTML ------------------------------------------------------------------------------------ */
static void Figure(FILE *fp, const PhynnImageValidation *v, const char *file, const char *alt, const char *caption)
{
  fprintf(fp, "<figure><img src=\"%s.%s\" alt=\"%s\"><figcaption>%s</figcaption></figure>\n", file, v->image_ext, alt, caption);
}

static void MetricsTable(FILE *fp, const PhynnImageValidation *v)
{
  fprintf(fp, "<table>\n<tr><th>component</th><th>frames</th><th>input</th>");
  for (int o = 0; o < NORDER; o++) fprintf(fp, "<th>%s</th>", PhynnMetricNames[order[o]]);
  fprintf(fp, "<th>thresholds</th><th>result</th></tr>\n");
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnImageComp *cp = &v->comp[c];
    PetscBool             any = PETSC_FALSE;
    fprintf(fp, "<tr><td><b>");
    PhynnHtml(fp, cp->name);
    fprintf(fp, "</b></td><td>%s (%ld)</td><td>", cp->all ? "all" : "held out", cp->nframes);
    PhynnHtml(fp, cp->noise < 0 ? "clean" : v->noise_text[cp->noise]);
    fprintf(fp, "</td>");
    for (int o = 0; o < NORDER; o++) {
      PhynnMetric k   = order[o];
      const char *cls = cp->limit[k] < 0 ? "" : (cp->value[k] <= cp->limit[k] ? " pass" : " fail");
      fprintf(fp, "<td class=\"num%s\">%.4e</td>", cls, cp->value[k]);
    }
    fprintf(fp, "<td class=\"num\">");
    for (int o = 0; o < NORDER; o++)
      if (cp->limit[order[o]] >= 0) {
        fprintf(fp, "%s%s &le; ", any ? "<br>" : "", PhynnMetricNames[order[o]]);
        PhynnHtml(fp, cp->limit_text[order[o]]);
        any = PETSC_TRUE;
      }
    fprintf(fp, "%s</td><td class=\"%s\">%s</td></tr>\n", any ? "" : "&ndash;", !any ? "none" : cp->passed ? "pass" : "fail", !any ? "no threshold" : cp->passed ? "pass" : "FAIL");
  }
  fprintf(fp, "</table>\n");
}

static void ThetaSection(FILE *fp, const PhynnImageValidation *v)
{
  const PhynnLatentTheta *lt = &v->lt;
  fprintf(fp, "<h2>The code and theta</h2>\n");
  if (!lt->has) {
    fprintf(fp, "<p>The data has no <code>theta</code>: nothing to compare the code with.</p>\n");
    return;
  }
  fprintf(fp, "<table>\n<tr><th>latent</th><th>correlation with theta (Pearson, all %ld frames)</th></tr>\n", v->n);
  for (long k = 0; k < v->K; k++) {
    fprintf(fp, "<tr><td>");
    PhynnHtml(fp, v->znames[k]);
    fprintf(fp, "</td><td class=\"num\">%.4f</td></tr>\n", lt->corr[k]);
  }
  fprintf(fp, "</table>\n");
  if (lt->latent < 0) {
    fprintf(fp, "<p>The code or theta is constant: no map to fit.</p>\n");
    return;
  }
  fprintf(fp, "<p>Fitted on <b>");
  PhynnHtml(fp, v->znames[lt->latent]);
  fprintf(fp, "</b>, the latent most correlated with theta, over all frames: a least-squares polynomial of degree %d in s = (z &minus; %.4g) / %.4g, "
              "RMS error <b>%.4g</b> rad, <b>%s</b> on the frames' range of z; the best monotone map (isotonic regression, %s), RMS error <b>%.4g</b> rad. "
              "A small isotonic RMS says theta is a monotone function of the latent: the code is a coordinate of the angle.</p>\n",
          lt->degree, lt->center, lt->half, lt->rms, lt->monotone ? "monotone" : "not monotone", lt->isotonic_dir > 0 ? "increasing" : "decreasing", lt->isotonic_rms);
  Figure(fp, v, "latent_theta", "theta against the latent", "theta against the latent, coloured by time, with the polynomial fit (red) and the isotonic fit (dashed).");
}

static void BaselineSection(FILE *fp, const PhynnImageValidation *v)
{
  const PhynnImageBaseline *b = &v->base;
  if (!b->m) return;
  fprintf(fp, "<h2>Baseline: PCA</h2>\n<p><code>");
  PhynnHtml(fp, b->path);
  fprintf(fp, "</code>, %ld components, truncated to k = 1..%ld: x&#770;<sub>k</sub> = mean + C<sub>k</sub><sup>T</sup> C<sub>k</sub> (x &minus; mean), on the %s frames (clean input). "
              "Its own split: %s%s. The model (latent %ld) has MAE %.4e; ",
          b->K, b->K, v->nheld ? "held-out" : "(no frame is held out: all)", b->split, b->same_split ? " (the same as the model's)" : " (not the model's: PCA may have been fitted on some of these frames)", b->model_latent, b->model_mae);
  if (b->match) fprintf(fp, "PCA needs <b>k = %ld</b> components to do as well.", b->match);
  else fprintf(fp, "PCA does not do as well with any k up to <b>%ld</b>.", b->K);
  fprintf(fp, " (Check: x&#770;<sub>%ld</sub> differs from the PCA model's own reconstruction by at most %.2e.)</p>\n", b->K, b->check);
  Figure(fp, v, "baseline", "PCA error against components", "Mean absolute error of PCA against its number of components (blue), and of the model at its latent size (red).");
}

PetscErrorCode PhynnImageWriteHTML(const PhynnRecord *rec, const PhynnImageValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32], buf[PETSC_MAX_PATH_LEN + 128];

  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  PhynnHtmlPageBegin(fp, v->title, NULL, v->passed, v->nth, v->failure, v->nfailed);
  fprintf(fp, "<h2>Model and data</h2>\n<table>\n");
  PhynnHtmlRow(fp, "Model file", v->model_path);
  PhynnHtmlRow(fp, "Problem", v->problem);
  snprintf(buf, sizeof(buf), "%ld values (", v->K);
  for (long k = 0; k < v->K && strlen(buf) + 40 < sizeof(buf); k++) snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? ", " : "", v->znames[k]);
  strcat(buf, ")");
  PhynnHtmlRow(fp, "Latent code", buf);
  snprintf(buf, sizeof(buf), "%s, variable %s", v->data_path, v->var);
  PhynnHtmlRow(fp, "Data file", buf);
  PhynnHtmlRow(fp, "Data", v->data_title);
  snprintf(buf, sizeof(buf), "%ld of %ld x %ld x %ld%s%s", v->n, v->C, v->H, v->W, v->has_t ? ", with t" : ", no t (the frame index stands for it)", v->theta ? " and theta" : "");
  PhynnHtmlRow(fp, "Frames", buf);
  PhynnHtmlProvenanceRows(fp, rec, v->model_version, v->model_git, v->model_cmd, when);
  fprintf(fp, "</table>\n<h2>Held-out frames</h2>\n<p>");
  if (v->split_source == PHYNN_SPLIT_NONE)
    fprintf(fp, "The model's training record holds no <code>-holdout</code>: the frames it was trained on are unknown, so <b>every frame counts as held out</b> (heldout and all are the same %ld frames). Give <code>-holdout F -seed S</code> to choose a split.", v->n);
  else {
    fprintf(fp, "PhynnHoldoutSplit(%ld frames, holdout %.6g, seed %llu), from the %s: <b>%ld</b> held out, %ld trained on.", v->n, v->holdout, (unsigned long long)v->seed, SplitSource(v->split_source), v->nheld, v->n - v->nheld);
    if (v->trained_on[0]) {
      fprintf(fp, " The model was trained on <code>");
      PhynnHtml(fp, v->trained_on);
      fprintf(fp, "</code>; the split means these frames only if that file had the frames of this one.");
    }
  }
  fprintf(fp, " Their indices are in <a href=\"metrics.json\">metrics.json</a> (<code>split.heldout_frames</code>).</p>\n");
  fprintf(fp, "<h2>Metrics</h2>\n<p>Reconstruction x&#770; of each frame x, always against the <b>clean</b> frame, over every pixel of the frames: "
              "mae = mean |x&#770; &minus; x|, mse = mean (x&#770; &minus; x)<sup>2</sup>, rel_l2 = ||x&#770; &minus; x|| / ||x||, max_abs = max |x&#770; &minus; x|. ");
  if (v->nnoise) fprintf(fp, "Noisy inputs: salt:P replaces each pixel with probability P by a uniform value in [0, 1]; gauss:S adds N(0, S<sup>2</sup>); the same draws (seed %llu) for every level and every model.", (unsigned long long)v->noise_seed);
  fprintf(fp, "</p>\n");
  MetricsTable(fp, v);
  fprintf(fp, "<h2>Thresholds</h2>\n");
  PhynnHtmlThresholds(fp, v->nth, v->th, "mae[heldout]=1e-2");
  fprintf(fp, "<h2>Frames</h2>\n");
  snprintf(buf, sizeof(buf), "%s frames spread in time: the input%s, the reconstruction%s, and |reconstruction &minus; input| (inferno colour scale).", v->nheld ? "Held-out" : "Frames",
           v->nnoise ? ", the input with the first noise level" : "", v->nnoise ? "s of both" : "");
  Figure(fp, v, "frames", "frames and reconstructions", buf);
  fprintf(fp, "<h2>The latent code</h2>\n");
  Figure(fp, v, "latent_time", "latent coordinates against time", "Each latent coordinate against time, coloured by time; open circles: training frames, filled: held-out frames.");
  if (v->K >= 2) Figure(fp, v, "latent_plane", "the code in the plane and in 3-D", "The first two latent coordinates against each other, and with time as the third axis (a closed orbit is a periodic motion).");
  ThetaSection(fp, v);
  BaselineSection(fp, v);
  fprintf(fp, "<h2>Training loss history</h2>\n");
  if (rec->nhistory) Figure(fp, v, "loss_history", "loss history", "Total loss and each term against the iteration (log scale).");
  else fprintf(fp, "<p>The model file holds no loss history.</p>\n");
  fprintf(fp, "<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}
