/* What every kind of validation report shares (private to validation/; not installed):
 *   report_dir.c   the atomic report directory: checked before anything is written, built in
 *                  "<DIR>.tmp.<pid>" beside DIR, renamed onto DIR at the end;
 *   gnuplot.c      the terminal choice, the terminal line of one image, running the script;
 *   report_text.c  JSON and HTML text, the page style, timestamps, a model file's provenance.
 * The PINN report (validate.c, metrics.c, plots.c, report.c) and the image report
 * (validate_images.c and image_*.c) both build on these, so the two look and behave alike. */
#ifndef PHYNN_VALIDATION_REPORT_IMPL_H
#define PHYNN_VALIDATION_REPORT_IMPL_H

#include <stdio.h>

#include "phynn/record.h"
#include "phynn/validate.h"
#include "phynn/sys.h"

/* ---- report_dir.c --------------------------------------------------------------------------- */
/* DIR can be (re)created: its parent exists and is writable, DIR is a directory if it exists.
 * clean (len bytes) receives DIR without trailing slashes. */
PetscErrorCode PhynnReportDirCheck(const char *dir, char *clean, size_t len);
/* Creates the temporary directory "<dir>.tmp.<pid>" (a leftover of that name is removed first). */
PetscErrorCode PhynnReportDirBegin(const char *dir, char *tmpdir, size_t len);
/* Renames tmpdir onto dir (an old dir is moved aside first and removed after). */
PetscErrorCode PhynnReportDirCommit(const char *tmpdir, const char *dir);
/* Ends a report: `written` is the error code of writing it into tmpdir; on success tmpdir is
 * renamed onto dir, on failure removed (and the error raised). Begin, write, Finish. */
PetscErrorCode PhynnReportDirFinish(const char *dir, const char *tmpdir, PetscErrorCode written);
/* Removes a directory tree this process created (best effort: error paths). */
void PhynnRemoveTree(const char *path);

/* ---- gnuplot.c ------------------------------------------------------------------------------ */
/* pngcairo, png or svg, as gnuplot has them ("auto" or NULL: the best it has). */
PetscErrorCode PhynnGnuplotTerminal(const char *gnuplot, const char *want, char *terminal, size_t len, char *ext, size_t elen);
/* "set terminal ... size w,h" and "set output '<file>.<ext>'". */
void PhynnGpTerminal(FILE *gp, const char *terminal, const char *ext, int w, int h, const char *file);
/* s for a gnuplot single-quoted string (a quote doubled). */
void PhynnGpQuote(const char *s, char *out, size_t len);
/* A value for a data file: '?' (the missing value) for NaN/Inf, and for x <= 0 on log axes. */
void PhynnGpPut(FILE *fp, double x, PetscBool logscale);
/* "x [m]", or "x (dimensionless)" for units "1" or none. */
void PhynnGpAxisLabel(const char *name, const char *units, char *out, size_t len);
extern const char *const PhynnGpViridis, *const PhynnGpInferno, *const PhynnGpGray; /* "set palette ..." lines */
/* Opens dir/plots.gp (and creates dir/plotdata/ for the data), with the common preamble. */
PetscErrorCode PhynnGnuplotBegin(const char *dir, FILE **gp);
/* Closes the script, runs gnuplot on it in dir and removes script and data; a failing gnuplot is
 * a one-line error quoting its last message. */
PetscErrorCode PhynnGnuplotRun(FILE **gp, const char *gnuplot, const char *dir);
/* The loss history of a training record (absent rows: nothing drawn), as loss_history.<ext>. */
PetscErrorCode PhynnGpLossPlot(FILE *gp, const char *terminal, const char *ext, const char *problem, const PhynnRecord *rec, const char *dir);

/* ---- report_text.c -------------------------------------------------------------------------- */
void        PhynnJsonString(FILE *fp, const char *s);
void        PhynnJsonNumber(FILE *fp, double x); /* 17 digits; NaN and Inf are null */
/* The verdict of every report's metrics.json: `  "passed": B,\n  "failure": S|null,\n  "thresholds":
 * [...],\n  "components": [\n` (the caller writes the components and closes the list). */
void        PhynnJsonVerdict(FILE *fp, PetscBool passed, const char *failure, const PhynnThreshold *th, int nth);
void        PhynnJsonArray(FILE *fp, const double *a, long n);
void        PhynnHtml(FILE *fp, const char *s);  /* text with & < > " escaped */
void        PhynnHtmlRow(FILE *fp, const char *key, const char *value); /* a <tr> of a key table */
/* The top of every report page: doctype, title, the style sheet (plus extra_css, may be NULL),
 * the heading and the verdict line (PASSED / FAILED: the first failure, and how many more). */
void        PhynnHtmlPageBegin(FILE *fp, const char *title, const char *extra_css, PetscBool passed, int nth, const char *failure, int nfailed);
/* A report's plot data file DIR/plotdata/NAME: open for writing, and close checking for write
 * errors (one-line errors naming the file). */
PetscErrorCode PhynnPlotDataOpen(const char *dir, const char *name, FILE **fp);
PetscErrorCode PhynnPlotDataClose(FILE *fp, const char *dir, const char *name);
/* The provenance rows every report's header table ends with: the training record (iterations,
 * optimiser, options), where the model came from, and this validation's phynn, command and date. */
void        PhynnHtmlProvenanceRows(FILE *fp, const PhynnRecord *rec, const char *model_version, const char *model_git, const char *model_cmd, const char *when);
/* The report's list of thresholds ("None given ..." with `example` when there are none). */
void        PhynnHtmlThresholds(FILE *fp, int nth, const PhynnThreshold *th, const char *example);
extern const char *const PhynnReportCss;
void        PhynnTimestamp(char *buf, size_t len); /* UTC, ISO 8601 */
/* The provenance attributes of a model file (version, git revision, command line); those of this
 * process when path is NULL or cannot be opened (a model in memory). */
void        PhynnModelFileProvenance(const char *path, char *version, size_t lv, char *git, size_t lg, char *cmd, size_t lc);
/* The "provenance" object of metrics.json: the model's and this run's. */
void        PhynnJsonProvenance(FILE *fp, const char *model_version, const char *model_git, const char *model_cmd);

#endif
