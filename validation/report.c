/* The report's text files: metrics.json (hand-written JSON) and index.html (static, with the
 * plots beside it), plus the top-level page that links several reports. All are written
 * atomically (PhynnFileOpenAtomic/PhynnFileCommit). */
#include <math.h>
#include <string.h>

#include "phynn/textfile.h"
#include "phynn/validate.h"
#include "report_impl.h"

PetscErrorCode PhynnValidationWriteJSON(const PhynnValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32];
  long  ns = (long)v->len[v->tdim];

  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"validation\",\n  \"model\": ");
  PhynnJsonString(fp, v->model_path);
  fprintf(fp, ",\n  \"reference\": ");
  PhynnJsonString(fp, v->ref_path);
  fprintf(fp, ",\n  \"problem\": ");
  PhynnJsonString(fp, v->problem);
  fprintf(fp, ",\n  \"provenance\": ");
  PhynnJsonProvenance(fp, v->model_version, v->model_git, v->model_cmd);
  fprintf(fp, ",\n  \"grid\": {\"dims\": [");
  for (int d = 0; d < v->ndims; d++) {
    if (d) fputs(", ", fp);
    PhynnJsonString(fp, v->dim[d]);
  }
  fprintf(fp, "], \"shape\": [");
  for (int d = 0; d < v->ndims; d++) fprintf(fp, "%s%zu", d ? ", " : "", v->len[d]);
  fprintf(fp, "]},\n");
  PhynnJsonVerdict(fp, v->passed, v->failure, v->th, v->nth);
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnValidateComp *cp = &v->comp[c];
    fprintf(fp, "    {\"name\": ");
    PhynnJsonString(fp, cp->name);
    fprintf(fp, ", \"reference\": ");
    PhynnJsonString(fp, cp->ref);
    fprintf(fp, ", \"units\": ");
    PhynnJsonString(fp, cp->units);
    fprintf(fp, ",\n     \"rel_l2\": ");
    PhynnJsonNumber(fp, cp->rel_l2);
    fprintf(fp, ", \"max_abs\": ");
    PhynnJsonNumber(fp, cp->max_abs);
    fprintf(fp, ",\n     \"thresholds\": {");
    for (int k = 0; k < PHYNN_METRIC_PINN_COUNT; k++) {
      fprintf(fp, "%s\"%s\": ", k ? ", " : "", PhynnMetricNames[k]);
      if (cp->limit[k] >= 0) PhynnJsonNumber(fp, cp->limit[k]);
      else fputs("null", fp);
    }
    fprintf(fp, "}, \"passed\": %s,\n     \"error_over_time\": {\"%s\": ", cp->passed ? "true" : "false", v->dim[v->tdim]);
    PhynnJsonArray(fp, v->coord[v->tdim], ns);
    if (v->ndims == 1) {
      fprintf(fp, ",\n       \"abs_error\": ");
      PhynnJsonArray(fp, cp->slice_max_abs, ns);
    } else {
      fprintf(fp, ",\n       \"rel_l2\": ");
      PhynnJsonArray(fp, cp->slice_rel_l2, ns);
      fprintf(fp, ",\n       \"max_abs\": ");
      PhynnJsonArray(fp, cp->slice_max_abs, ns);
    }
    fprintf(fp, "}}%s\n", c + 1 < v->ncomp ? "," : "");
  }
  fprintf(fp, "  ]\n}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

/* ---- HTML ------------------------------------------------------------------------------------ */
PetscErrorCode PhynnValidationWriteHTML(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32], grid[160] = "";

  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  for (int d = 0; d < v->ndims; d++) {
    size_t l = strlen(grid);
    snprintf(grid + l, sizeof(grid) - l, "%s%s = %zu points on [%.6g, %.6g]", d ? ", " : "", v->dim[d], v->len[d], v->coord[d][0], v->coord[d][v->len[d] - 1]);
  }
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  PhynnHtmlPageBegin(fp, v->title, NULL, v->passed, v->nth, v->failure, v->nfailed);
  fprintf(fp, "<h2>Model and reference</h2>\n<table>\n");
  PhynnHtmlRow(fp, "Model file", v->model_path);
  PhynnHtmlRow(fp, "Problem", v->problem);
  PhynnHtmlRow(fp, "Reference file", v->ref_path);
  PhynnHtmlRow(fp, "Reference", v->ref_title);
  PhynnHtmlRow(fp, "Equation", v->ref_equation);
  PhynnHtmlRow(fp, "Grid", grid);
  PhynnHtmlProvenanceRows(fp, rec, v->model_version, v->model_git, v->model_cmd, when);
  fprintf(fp, "</table>\n<h2>Metrics</h2>\n<p>rel_l2 = ||prediction &minus; reference||<sub>2</sub> / ||reference||<sub>2</sub> over the whole grid; "
              "max_abs = max |prediction &minus; reference|. Machine-readable: <a href=\"metrics.json\">metrics.json</a>.</p>\n");
  fprintf(fp, "<table>\n<tr><th>component</th><th>compared with</th><th>rel_l2</th><th>max_abs</th><th>threshold rel_l2</th><th>threshold max_abs</th><th>result</th></tr>\n");
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnValidateComp *cp = &v->comp[c];
    PetscBool                any = cp->limit[0] >= 0 || cp->limit[1] >= 0;
    fprintf(fp, "<tr><td><b>");
    PhynnHtml(fp, cp->name);
    fprintf(fp, "</b></td><td>");
    PhynnHtml(fp, cp->ref);
    fprintf(fp, "</td>");
    for (int k = 0; k < PHYNN_METRIC_PINN_COUNT; k++) {
      double got = k == PHYNN_METRIC_REL_L2 ? cp->rel_l2 : cp->max_abs;
      const char *cls = cp->limit[k] < 0 ? "" : (got <= cp->limit[k] ? " pass" : " fail");
      fprintf(fp, "<td class=\"num%s\">%.3e</td>", cls, got);
    }
    for (int k = 0; k < PHYNN_METRIC_PINN_COUNT; k++) {
      fprintf(fp, "<td class=\"num\">");
      if (cp->limit[k] >= 0) PhynnHtml(fp, cp->limit_text[k]);
      else fputs("&ndash;", fp);
      fprintf(fp, "</td>");
    }
    fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", !any ? "none" : cp->passed ? "pass" : "fail", !any ? "no threshold" : cp->passed ? "pass" : "FAIL");
  }
  fprintf(fp, "</table>\n<h2>Thresholds</h2>\n");
  PhynnHtmlThresholds(fp, v->nth, v->th, "rel_l2=1e-3");
  fprintf(fp, "<h2>Fields</h2>\n");
  for (int c = 0; c < v->ncomp; c++) {
    char safe[64];
    PhynnValidationSafeName(v->comp[c].name, safe, sizeof(safe));
    fprintf(fp, "<figure><img src=\"field_%s.%s\" alt=\"", safe, v->image_ext);
    PhynnHtml(fp, v->comp[c].name);
    fprintf(fp, ": reference, prediction, error\"><figcaption>");
    PhynnHtml(fp, v->comp[c].name);
    fprintf(fp, v->ndims == 2 ? ": reference, prediction and |prediction &minus; reference| over the grid.</figcaption></figure>\n"
                              : ": reference and prediction (top), pointwise error (bottom).</figcaption></figure>\n");
  }
  fprintf(fp, "<h2>Error over time</h2>\n<figure><img src=\"error_over_time.%s\" alt=\"error over time\"><figcaption>%s</figcaption></figure>\n", v->image_ext,
          v->ndims == 2 ? "Relative L2 error and max abs error of each time slice." : "|prediction &minus; reference| at each time.");
  fprintf(fp, "<h2>Training loss history</h2>\n");
  if (rec->nhistory) fprintf(fp, "<figure><img src=\"loss_history.%s\" alt=\"loss history\"><figcaption>Total loss and each term against the iteration (log scale).</figcaption></figure>\n", v->image_ext);
  else fprintf(fp, "<p>The model file holds no loss history.</p>\n");
  fprintf(fp, "<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnReportIndex(const char *path, int n, const char *const *titles, const char *const *dirs, const PetscBool *passed)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32];
  int   npass = 0;

  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  for (int i = 0; passed && i < n; i++) npass += passed[i] ? 1 : 0;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>phynn validation reports</title>\n<style>%s</style>\n</head>\n<body>\n", PhynnReportCss);
  fprintf(fp, "<h1>phynn validation reports</h1>\n");
  if (passed) fprintf(fp, "<p class=\"verdict %s\">%d of %d passed</p>\n", npass == n ? "pass" : "fail", npass, n);
  fprintf(fp, "<table>\n<tr><th>report</th><th>directory</th>%s</tr>\n", passed ? "<th>result</th>" : "");
  for (int i = 0; i < n; i++) {
    fprintf(fp, "<tr><td><a href=\"");
    PhynnHtml(fp, dirs[i]);
    fprintf(fp, "/index.html\">");
    PhynnHtml(fp, titles && titles[i] ? titles[i] : dirs[i]);
    fprintf(fp, "</a></td><td><code>");
    PhynnHtml(fp, dirs[i]);
    fprintf(fp, "</code></td>");
    if (passed) fprintf(fp, "<td class=\"%s\">%s</td>", passed[i] ? "pass" : "fail", passed[i] ? "pass" : "FAIL");
    fprintf(fp, "</tr>\n");
  }
  fprintf(fp, "</table>\n<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}
