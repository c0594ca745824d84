/* Text of the reports: JSON (hand-written: a few kinds of values, and no library to depend on),
 * HTML escapes and the one style sheet, so every report page looks alike. */
#include <math.h>
#include <netcdf.h>
#include <string.h>
#include <time.h>

#include "phynn/options.h"
#include "report_impl.h"

void PhynnJsonString(FILE *fp, const char *s)
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
void PhynnJsonNumber(FILE *fp, double x)
{
  if (isfinite(x)) fprintf(fp, "%.17g", x);
  else fputs("null", fp);
}

void PhynnJsonArray(FILE *fp, const double *a, long n)
{
  fputc('[', fp);
  for (long i = 0; i < n; i++) {
    if (i) fputs(", ", fp);
    PhynnJsonNumber(fp, a[i]);
  }
  fputc(']', fp);
}

void PhynnTimestamp(char *buf, size_t len)
{
  time_t    now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void PhynnHtml(FILE *fp, const char *s)
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

const char *const PhynnReportCss = "body{font-family:sans-serif;max-width:1700px;margin:1em auto;padding:0 1em;color:#222}"
                                   "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left;vertical-align:top}"
                                   "th{background:#eee}td.num{text-align:right;font-family:monospace}.pass{background:#c8f0c8}.fail{background:#f6c4c4}"
                                   ".none{background:#eee}.verdict{font-size:1.3em;font-weight:bold;padding:0.4em 0.8em;display:inline-block;border-radius:4px}"
                                   "pre{background:#f6f6f6;padding:0.5em;white-space:pre-wrap;word-break:break-all}img{max-width:100%;border:1px solid #ddd}"
                                   "figure{margin:1em 0}figcaption{color:#555}";

void PhynnHtmlRow(FILE *fp, const char *key, const char *value)
{
  fprintf(fp, "<tr><th>%s</th><td>", key);
  PhynnHtml(fp, value && value[0] ? value : "(not recorded)");
  fprintf(fp, "</td></tr>\n");
}

void PhynnHtmlThresholds(FILE *fp, int nth, const PhynnThreshold *th, const char *example)
{
  if (!nth) {
    fprintf(fp, "<p>None given: the validation passes whatever the errors (give <code>-threshold %s</code> to gate on them).</p>\n", example);
    return;
  }
  fprintf(fp, "<ul>\n");
  for (int j = 0; j < nth; j++) {
    fprintf(fp, "<li><code>%s", PhynnMetricNames[th[j].metric]);
    if (th[j].component[0]) {
      fputc('[', fp);
      PhynnHtml(fp, th[j].component);
      fputc(']', fp);
    }
    fputc('=', fp);
    PhynnHtml(fp, th[j].text);
    fprintf(fp, "</code>%s</li>\n", th[j].component[0] ? "" : " (every component without its own)");
  }
  fprintf(fp, "</ul>\n");
}

static void GetAttr(int ncid, const char *name, char *value, size_t len)
{
  size_t n = 0;
  value[0] = '\0';
  if (nc_inq_attlen(ncid, NC_GLOBAL, name, &n) != NC_NOERR || n >= len) return;
  if (nc_get_att_text(ncid, NC_GLOBAL, name, value) != NC_NOERR) n = 0;
  value[n] = '\0';
}

void PhynnModelFileProvenance(const char *path, char *version, size_t lv, char *git, size_t lg, char *cmd, size_t lc)
{
  int ncid;
  if (path && nc_open(path, NC_NOWRITE, &ncid) == NC_NOERR) {
    GetAttr(ncid, "phynn_version", version, lv);
    GetAttr(ncid, "phynn_git_revision", git, lg);
    GetAttr(ncid, "command_line", cmd, lc);
    nc_close(ncid);
  } else {
    snprintf(version, lv, "%s", PHYNN_VERSION);
    snprintf(git, lg, "%s", PhynnGitRevision());
    snprintf(cmd, lc, "%s", PhynnCommandLine());
  }
}

void PhynnJsonProvenance(FILE *fp, const char *model_version, const char *model_git, const char *model_cmd)
{
  char when[32];
  PhynnTimestamp(when, sizeof(when));
  fprintf(fp, "{\"model_phynn_version\": ");
  PhynnJsonString(fp, model_version);
  fprintf(fp, ", \"model_git_revision\": ");
  PhynnJsonString(fp, model_git);
  fprintf(fp, ", \"model_command_line\": ");
  PhynnJsonString(fp, model_cmd);
  fprintf(fp, ", \"phynn_version\": ");
  PhynnJsonString(fp, PHYNN_VERSION);
  fprintf(fp, ", \"git_revision\": ");
  PhynnJsonString(fp, PhynnGitRevision());
  fprintf(fp, ", \"command_line\": ");
  PhynnJsonString(fp, PhynnCommandLine());
  fprintf(fp, ", \"date\": ");
  PhynnJsonString(fp, when);
  fputc('}', fp);
}

void PhynnJsonVerdict(FILE *fp, PetscBool passed, const char *failure, const PhynnThreshold *th, int nth)
{
  fprintf(fp, "  \"passed\": %s,\n  \"failure\": ", passed ? "true" : "false");
  if (passed) fputs("null", fp);
  else PhynnJsonString(fp, failure);
  fprintf(fp, ",\n  \"thresholds\": [");
  for (int j = 0; j < nth; j++) {
    fprintf(fp, "%s{\"metric\": \"%s\", \"component\": ", j ? ", " : "", PhynnMetricNames[th[j].metric]);
    if (th[j].component[0]) PhynnJsonString(fp, th[j].component);
    else fputs("\"*\"", fp);
    fprintf(fp, ", \"value\": ");
    PhynnJsonNumber(fp, th[j].value);
    fputc('}', fp);
  }
  fprintf(fp, "],\n  \"components\": [\n");
}

void PhynnHtmlProvenanceRows(FILE *fp, const PhynnRecord *rec, const char *model_version, const char *model_git, const char *model_cmd, const char *when)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%ld (optimizer %s)", rec->iteration, rec->optimizer[0] ? rec->optimizer : "none");
  PhynnHtmlRow(fp, "Training iterations", buf);
  PhynnHtmlRow(fp, "Model written by phynn", model_version);
  PhynnHtmlRow(fp, "Model git revision", model_git);
  PhynnHtmlRow(fp, "Model command line", model_cmd);
  fprintf(fp, "<tr><th>Model options</th><td><pre>");
  PhynnHtml(fp, rec->options && rec->options[0] ? rec->options : "(not recorded)");
  fprintf(fp, "</pre></td></tr>\n");
  snprintf(buf, sizeof(buf), "%s (git %s)", PHYNN_VERSION, PhynnGitRevision());
  PhynnHtmlRow(fp, "Validated by phynn", buf);
  PhynnHtmlRow(fp, "Validation command", PhynnCommandLine());
  PhynnHtmlRow(fp, "Date (UTC)", when);
}

void PhynnHtmlPageBegin(FILE *fp, const char *title, const char *extra_css, PetscBool passed, int nth, const char *failure, int nfailed)
{
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  PhynnHtml(fp, title);
  fprintf(fp, "</title>\n<style>%s%s%s</style>\n</head>\n<body>\n<h1>", PhynnReportCss, extra_css ? " " : "", extra_css ? extra_css : "");
  PhynnHtml(fp, title);
  fprintf(fp, "</h1>\n<p class=\"verdict %s\">%s", passed ? "pass" : "fail", passed ? (nth ? "PASSED: every threshold holds" : "PASSED (no thresholds given)") : "FAILED: ");
  if (!passed) {
    PhynnHtml(fp, failure);
    if (nfailed > 1) fprintf(fp, " (and %d more)", nfailed - 1);
  }
  fprintf(fp, "</p>\n");
}

PetscErrorCode PhynnPlotDataOpen(const char *dir, const char *name, FILE **fp)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  PetscFunctionBegin;
  snprintf(path, sizeof(path), "%s/plotdata/%s", dir, name);
  *fp = fopen(path, "w");
  PetscCheck(*fp, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk and the directory's permissions", path);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPlotDataClose(FILE *fp, const char *dir, const char *name)
{
  int bad = ferror(fp);
  PetscFunctionBegin;
  bad |= fclose(fp);
  PetscCheck(!bad, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s/plotdata/%s (the report's plot data); check the disk space", dir, name);
  PetscFunctionReturn(0);
}
