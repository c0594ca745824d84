/* The report's text files: metrics.json (hand-written JSON) and index.html (static, with the
 * plots beside it), plus the top-level page that links several reports. All are written
 * atomically (PhynnFileOpenAtomic/PhynnFileCommit). */
#include <math.h>
#include <string.h>
#include <time.h>

#include "phynn/textfile.h"
#include "phynn/validate.h"

/* ---- JSON ------------------------------------------------------------------------------------ */
static void JsonString(FILE *fp, const char *s)
{
  fputc('"', fp);
  for (; s && *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') fprintf(fp, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", fp);
    else if (ch == '\t') fputs("\\t", fp);
    else if (ch < 0x20) fprintf(fp, "\\u%04x", ch);
    else fputc(ch, fp);
  }
  fputc('"', fp);
}

/* JSON has no NaN or Infinity: those become null. */
static void JsonNumber(FILE *fp, double x)
{
  if (isfinite(x)) fprintf(fp, "%.17g", x);
  else fputs("null", fp);
}

static void JsonArray(FILE *fp, const double *a, long n)
{
  fputc('[', fp);
  for (long i = 0; i < n; i++) {
    if (i) fputs(", ", fp);
    JsonNumber(fp, a[i]);
  }
  fputc(']', fp);
}

static void Timestamp(char *buf, size_t len)
{
  time_t    now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

PetscErrorCode PhynnValidationWriteJSON(const PhynnValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32];
  long  ns = (long)v->len[v->tdim];

  PetscFunctionBegin;
  Timestamp(when, sizeof(when));
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"validation\",\n  \"model\": ");
  JsonString(fp, v->model_path);
  fprintf(fp, ",\n  \"reference\": ");
  JsonString(fp, v->ref_path);
  fprintf(fp, ",\n  \"problem\": ");
  JsonString(fp, v->problem);
  fprintf(fp, ",\n  \"provenance\": {\"model_phynn_version\": ");
  JsonString(fp, v->model_version);
  fprintf(fp, ", \"model_git_revision\": ");
  JsonString(fp, v->model_git);
  fprintf(fp, ", \"model_command_line\": ");
  JsonString(fp, v->model_cmd);
  fprintf(fp, ", \"phynn_version\": ");
  JsonString(fp, PHYNN_VERSION);
  fprintf(fp, ", \"git_revision\": ");
  JsonString(fp, PhynnGitRevision());
  fprintf(fp, ", \"command_line\": ");
  JsonString(fp, PhynnCommandLine());
  fprintf(fp, ", \"date\": ");
  JsonString(fp, when);
  fprintf(fp, "},\n  \"grid\": {\"dims\": [");
  for (int d = 0; d < v->ndims; d++) {
    if (d) fputs(", ", fp);
    JsonString(fp, v->dim[d]);
  }
  fprintf(fp, "], \"shape\": [");
  for (int d = 0; d < v->ndims; d++) fprintf(fp, "%s%zu", d ? ", " : "", v->len[d]);
  fprintf(fp, "]},\n  \"passed\": %s,\n  \"failure\": ", v->passed ? "true" : "false");
  if (v->passed) fputs("null", fp);
  else JsonString(fp, v->failure);
  fprintf(fp, ",\n  \"thresholds\": [");
  for (int j = 0; j < v->nth; j++) {
    fprintf(fp, "%s{\"metric\": \"%s\", \"component\": ", j ? ", " : "", PhynnMetricNames[v->th[j].metric]);
    if (v->th[j].component[0]) JsonString(fp, v->th[j].component);
    else fputs("\"*\"", fp);
    fprintf(fp, ", \"value\": ");
    JsonNumber(fp, v->th[j].value);
    fputc('}', fp);
  }
  fprintf(fp, "],\n  \"components\": [\n");
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnValidateComp *cp = &v->comp[c];
    fprintf(fp, "    {\"name\": ");
    JsonString(fp, cp->name);
    fprintf(fp, ", \"reference\": ");
    JsonString(fp, cp->ref);
    fprintf(fp, ", \"units\": ");
    JsonString(fp, cp->units);
    fprintf(fp, ",\n     \"rel_l2\": ");
    JsonNumber(fp, cp->rel_l2);
    fprintf(fp, ", \"max_abs\": ");
    JsonNumber(fp, cp->max_abs);
    fprintf(fp, ",\n     \"thresholds\": {");
    for (int k = 0; k < PHYNN_METRIC_COUNT; k++) {
      fprintf(fp, "%s\"%s\": ", k ? ", " : "", PhynnMetricNames[k]);
      if (cp->limit[k] >= 0) JsonNumber(fp, cp->limit[k]);
      else fputs("null", fp);
    }
    fprintf(fp, "}, \"passed\": %s,\n     \"error_over_time\": {\"%s\": ", cp->passed ? "true" : "false", v->dim[v->tdim]);
    JsonArray(fp, v->coord[v->tdim], ns);
    if (v->ndims == 1) {
      fprintf(fp, ",\n       \"abs_error\": ");
      JsonArray(fp, cp->slice_max_abs, ns);
    } else {
      fprintf(fp, ",\n       \"rel_l2\": ");
      JsonArray(fp, cp->slice_rel_l2, ns);
      fprintf(fp, ",\n       \"max_abs\": ");
      JsonArray(fp, cp->slice_max_abs, ns);
    }
    fprintf(fp, "}}%s\n", c + 1 < v->ncomp ? "," : "");
  }
  fprintf(fp, "  ]\n}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

/* ---- HTML ------------------------------------------------------------------------------------ */
static void Html(FILE *fp, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", fp); break;
    case '<': fputs("&lt;", fp); break;
    case '>': fputs("&gt;", fp); break;
    case '"': fputs("&quot;", fp); break;
    default: fputc(*s, fp);
    }
  }
}

static const char *css = "body{font-family:sans-serif;max-width:1700px;margin:1em auto;padding:0 1em;color:#222}"
                         "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left;vertical-align:top}"
                         "th{background:#eee}td.num{text-align:right;font-family:monospace}.pass{background:#c8f0c8}.fail{background:#f6c4c4}"
                         ".none{background:#eee}.verdict{font-size:1.3em;font-weight:bold;padding:0.4em 0.8em;display:inline-block;border-radius:4px}"
                         "pre{background:#f6f6f6;padding:0.5em;white-space:pre-wrap;word-break:break-all}img{max-width:100%;border:1px solid #ddd}"
                         "figure{margin:1em 0}figcaption{color:#555}";

static void Row(FILE *fp, const char *key, const char *value)
{
  fprintf(fp, "<tr><th>%s</th><td>", key);
  Html(fp, value && value[0] ? value : "(not recorded)");
  fprintf(fp, "</td></tr>\n");
}

PetscErrorCode PhynnValidationWriteHTML(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32], grid[160] = "", buf[64];

  PetscFunctionBegin;
  Timestamp(when, sizeof(when));
  for (int d = 0; d < v->ndims; d++) {
    size_t l = strlen(grid);
    snprintf(grid + l, sizeof(grid) - l, "%s%s = %zu points on [%.6g, %.6g]", d ? ", " : "", v->dim[d], v->len[d], v->coord[d][0], v->coord[d][v->len[d] - 1]);
  }
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  Html(fp, v->title);
  fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
  Html(fp, v->title);
  fprintf(fp, "</h1>\n<p class=\"verdict %s\">%s", v->passed ? "pass" : "fail", v->passed ? (v->nth ? "PASSED: every threshold holds" : "PASSED (no thresholds given)") : "FAILED: ");
  if (!v->passed) {
    Html(fp, v->failure);
    if (v->nfailed > 1) fprintf(fp, " (and %d more)", v->nfailed - 1);
  }
  fprintf(fp, "</p>\n<h2>Model and reference</h2>\n<table>\n");
  Row(fp, "Model file", v->model_path);
  Row(fp, "Problem", v->problem);
  Row(fp, "Reference file", v->ref_path);
  Row(fp, "Reference", v->ref_title);
  Row(fp, "Equation", v->ref_equation);
  Row(fp, "Grid", grid);
  snprintf(buf, sizeof(buf), "%ld (optimizer %s)", rec->iteration, rec->optimizer[0] ? rec->optimizer : "none");
  Row(fp, "Training iterations", buf);
  Row(fp, "Model written by phynn", v->model_version);
  Row(fp, "Model git revision", v->model_git);
  Row(fp, "Model command line", v->model_cmd);
  fprintf(fp, "<tr><th>Model options</th><td><pre>");
  Html(fp, rec->options && rec->options[0] ? rec->options : "(not recorded)");
  fprintf(fp, "</pre></td></tr>\n");
  snprintf(buf, sizeof(buf), "%s (git %s)", PHYNN_VERSION, PhynnGitRevision());
  Row(fp, "Validated by phynn", buf);
  Row(fp, "Validation command", PhynnCommandLine());
  Row(fp, "Date (UTC)", when);
  fprintf(fp, "</table>\n<h2>Metrics</h2>\n<p>rel_l2 = ||prediction &minus; reference||<sub>2</sub> / ||reference||<sub>2</sub> over the whole grid; "
              "max_abs = max |prediction &minus; reference|. Machine-readable: <a href=\"metrics.json\">metrics.json</a>.</p>\n");
  fprintf(fp, "<table>\n<tr><th>component</th><th>compared with</th><th>rel_l2</th><th>max_abs</th><th>threshold rel_l2</th><th>threshold max_abs</th><th>result</th></tr>\n");
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnValidateComp *cp = &v->comp[c];
    PetscBool                any = cp->limit[0] >= 0 || cp->limit[1] >= 0;
    fprintf(fp, "<tr><td><b>");
    Html(fp, cp->name);
    fprintf(fp, "</b></td><td>");
    Html(fp, cp->ref);
    fprintf(fp, "</td>");
    for (int k = 0; k < PHYNN_METRIC_COUNT; k++) {
      double got = k == PHYNN_METRIC_REL_L2 ? cp->rel_l2 : cp->max_abs;
      const char *cls = cp->limit[k] < 0 ? "" : (got <= cp->limit[k] ? " pass" : " fail");
      fprintf(fp, "<td class=\"num%s\">%.3e</td>", cls, got);
    }
    for (int k = 0; k < PHYNN_METRIC_COUNT; k++) {
      fprintf(fp, "<td class=\"num\">");
      if (cp->limit[k] >= 0) Html(fp, cp->limit_text[k]);
      else fputs("&ndash;", fp);
      fprintf(fp, "</td>");
    }
    fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", !any ? "none" : cp->passed ? "pass" : "fail", !any ? "no threshold" : cp->passed ? "pass" : "FAIL");
  }
  fprintf(fp, "</table>\n<h2>Thresholds</h2>\n");
  if (!v->nth) fprintf(fp, "<p>None given: the validation passes whatever the errors (give <code>-threshold rel_l2=1e-3</code> to gate on them).</p>\n");
  else {
    fprintf(fp, "<ul>\n");
    for (int j = 0; j < v->nth; j++) {
      fprintf(fp, "<li><code>%s", PhynnMetricNames[v->th[j].metric]);
      if (v->th[j].component[0]) {
        fputc('[', fp);
        Html(fp, v->th[j].component);
        fputc(']', fp);
      }
      fputc('=', fp);
      Html(fp, v->th[j].text);
      fprintf(fp, "</code>%s</li>\n", v->th[j].component[0] ? "" : " (every component without its own)");
    }
    fprintf(fp, "</ul>\n");
  }
  fprintf(fp, "<h2>Fields</h2>\n");
  for (int c = 0; c < v->ncomp; c++) {
    char safe[64];
    PhynnValidationSafeName(v->comp[c].name, safe, sizeof(safe));
    fprintf(fp, "<figure><img src=\"field_%s.%s\" alt=\"", safe, v->image_ext);
    Html(fp, v->comp[c].name);
    fprintf(fp, ": reference, prediction, error\"><figcaption>");
    Html(fp, v->comp[c].name);
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
  Timestamp(when, sizeof(when));
  for (int i = 0; passed && i < n; i++) npass += passed[i] ? 1 : 0;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>phynn validation reports</title>\n<style>%s</style>\n</head>\n<body>\n", css);
  fprintf(fp, "<h1>phynn validation reports</h1>\n");
  if (passed) fprintf(fp, "<p class=\"verdict %s\">%d of %d passed</p>\n", npass == n ? "pass" : "fail", npass, n);
  fprintf(fp, "<table>\n<tr><th>report</th><th>directory</th>%s</tr>\n", passed ? "<th>result</th>" : "");
  for (int i = 0; i < n; i++) {
    fprintf(fp, "<tr><td><a href=\"");
    Html(fp, dirs[i]);
    fprintf(fp, "/index.html\">");
    Html(fp, titles && titles[i] ? titles[i] : dirs[i]);
    fprintf(fp, "</a></td><td><code>");
    Html(fp, dirs[i]);
    fprintf(fp, "</code></td>");
    if (passed) fprintf(fp, "<td class=\"%s\">%s</td>", passed[i] ? "pass" : "fail", passed[i] ? "pass" : "FAIL");
    fprintf(fp, "</tr>\n");
  }
  fprintf(fp, "</table>\n<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}
