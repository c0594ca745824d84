/* The report's plots, drawn by gnuplot from a generated script.
 *
 * The data go to "<dir>/plotdata/" as text, the script to "<dir>/plots.gp"; gnuplot runs once in
 * <dir> and both are removed afterwards, so the report keeps only the images. The terminal is
 * pngcairo when gnuplot has it (antialiased, good fonts), else png (libgd), else svg (always
 * built in). Text is set `noenhanced` so names like h_re print as written. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "phynn/validate.h"

/* Quotes s for the shell inside single quotes ('it'\''s'). */
static void ShellQuote(const char *s, char *out, size_t len)
{
  size_t j = 0;
  if (len < 3) { out[0] = '\0'; return; }
  out[j++] = '\'';
  for (; *s && j + 6 < len; s++) {
    if (*s == '\'') { memcpy(out + j, "'\\''", 4); j += 4; }
    else out[j++] = *s;
  }
  out[j++] = '\'';
  out[j]   = '\0';
}

/* Text for a gnuplot single-quoted string (a quote is doubled). */
static void GpQuote(const char *s, char *out, size_t len)
{
  size_t j = 0;
  for (; *s && j + 3 < len; s++) {
    if (*s == '\'') out[j++] = '\'';
    out[j++] = *s;
  }
  out[j] = '\0';
}

PetscErrorCode PhynnGnuplotTerminal(const char *gnuplot, const char *want, char *terminal, size_t len, char *ext, size_t elen)
{
  char  q[PETSC_MAX_PATH_LEN + 16], cmd[PETSC_MAX_PATH_LEN + 64], line[512];
  FILE *p;
  int   has_cairo = 0, has_png = 0, has_svg = 0, lines = 0, status;

  PetscFunctionBegin;
  ShellQuote(gnuplot, q, sizeof(q));
  snprintf(cmd, sizeof(cmd), "%s -e 'set terminal' </dev/null 2>&1", q);
  p = popen(cmd, "r");
  PetscCheck(p, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot start gnuplot ('%s') for the report's plots; install gnuplot (Debian: apt-get install gnuplot-nox) or pass -gnuplot PATH", gnuplot);
  while (fgets(line, sizeof(line), p)) {
    char name[64] = "";
    lines++;
    if (sscanf(line, " %63s", name) != 1) continue;
    if (!strcmp(name, "pngcairo")) has_cairo = 1;
    if (!strcmp(name, "png")) has_png = 1;
    if (!strcmp(name, "svg")) has_svg = 1;
  }
  status = pclose(p);
  PetscCheck(status == 0 && (has_cairo || has_png || has_svg), PETSC_COMM_SELF, PHYNN_ERR_FILE,
             "gnuplot ('%s') %s; the report's plots need it: install gnuplot (Debian: apt-get install gnuplot-nox) or pass -gnuplot PATH", gnuplot,
             status != 0 ? "is not installed or failed to run" : "has none of the terminals pngcairo, png, svg");
  (void)lines;
  if (!want || !want[0] || !strcmp(want, "auto")) want = has_cairo ? "pngcairo" : has_png ? "png" : "svg";
  PetscCheck((!strcmp(want, "pngcairo") && has_cairo) || (!strcmp(want, "png") && has_png) || (!strcmp(want, "svg") && has_svg), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "option -terminal: gnuplot ('%s') has no terminal '%s'; use auto, or one of those it has:%s%s%s", gnuplot, want, has_cairo ? " pngcairo" : "", has_png ? " png" : "",
             has_svg ? " svg" : "");
  PetscCall(PetscStrncpy(terminal, want, len));
  PetscCall(PetscStrncpy(ext, !strcmp(want, "svg") ? "svg" : "png", elen));
  PetscFunctionReturn(0);
}

/* "x [m]", or "x (dimensionless)" for units "1" or none. */
static void AxisLabel(const char *name, const char *units, char *out, size_t len)
{
  if (!units[0] || !strcmp(units, "1")) snprintf(out, len, "%s (dimensionless)", name);
  else snprintf(out, len, "%s [%s]", name, units);
}

/* A file name for a component: letters, digits and _ ("|h|" -> "abs_h"). */
void PhynnValidationSafeName(const char *name, char *out, size_t len)
{
  size_t j = 0, l = strlen(name);
  if (l > 2 && name[0] == '|' && name[l - 1] == '|') {
    j = (size_t)snprintf(out, len, "abs_");
    name++;
    l -= 2;
  }
  for (size_t i = 0; i < l && j + 1 < len; i++) {
    char ch = name[i];
    out[j++] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-') ? ch : '_';
  }
  out[j] = '\0';
}

static void Terminal(FILE *gp, const PhynnValidation *v, int w, int h, const char *file)
{
  if (!strcmp(v->terminal, "pngcairo")) fprintf(gp, "set terminal pngcairo size %d,%d noenhanced font 'Sans,11'\n", w, h);
  else if (!strcmp(v->terminal, "png")) fprintf(gp, "set terminal png size %d,%d noenhanced\n", w, h);
  else fprintf(gp, "set terminal svg size %d,%d noenhanced font 'Sans,11' background '#ffffff'\n", w, h);
  fprintf(gp, "set output '%s.%s'\n", file, v->image_ext);
}

static PetscBool AllPositive(const double *a, long n)
{
  PetscBool any = PETSC_FALSE;
  for (long i = 0; i < n; i++)
    if (a[i] > 0 && isfinite(a[i])) any = PETSC_TRUE;
  return any;
}

/* A value for a data file: '?' (gnuplot's missing value) for NaN/Inf, and for <= 0 on log axes. */
static void Put(FILE *fp, double x, PetscBool logscale)
{
  if (!isfinite(x) || (logscale && x <= 0)) fputs(" ?", fp);
  else fprintf(fp, " %.10g", x);
}

static const char *viridis = "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
static const char *inferno = "set palette defined (0 '#000004', 1 '#57106e', 2 '#bc3754', 3 '#f98e09', 4 '#fcffa4')\n";

static PetscErrorCode FieldPlot(FILE *gp, const PhynnValidation *v, const PhynnValidateComp *c, const char *dir)
{
  char  safe[64], image[80], path[PETSC_MAX_PATH_LEN + 128], lx[96], lt[96], lc[128], q[160];
  FILE *fp;
  int   td = v->tdim, xd = 1 - v->tdim;
  long  n = (long)(v->ndims == 2 ? v->len[0] * v->len[1] : v->len[0]);

  PetscFunctionBegin;
  PhynnValidationSafeName(c->name, safe, sizeof(safe));
  snprintf(image, sizeof(image), "field_%s", safe);
  snprintf(path, sizeof(path), "%s/plotdata/%s.dat", dir, safe);
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk and the directory's permissions", path);
  AxisLabel(v->dim[td], v->dim_units[td], lt, sizeof(lt));
  AxisLabel(c->name, c->units, lc, sizeof(lc));
  GpQuote(c->name, q, sizeof(q));
  if (v->ndims == 1) {
    PetscBool logy = AllPositive(c->slice_max_abs, n);
    for (long i = 0; i < n; i++) {
      fprintf(fp, "%.10g", v->coord[0][i]);
      Put(fp, c->refv[i], PETSC_FALSE);
      Put(fp, c->pred[i], PETSC_FALSE);
      Put(fp, fabs(c->pred[i] - c->refv[i]), logy);
      fputc('\n', fp);
    }
    Terminal(gp, v, 1000, 800, image);
    fprintf(gp, "set multiplot layout 2,1 title '%s: reference and prediction'\n", q);
    fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\nset key top right box opaque\nset grid\n", lt, lc);
    fprintf(gp, "set title 'reference %s(%s) and model prediction'\n", q, v->dim[0]);
    fprintf(gp, "plot 'plotdata/%s.dat' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'reference', '' using 1:3 with lines lw 2 dt 2 lc rgb '#d62728' title 'prediction'\n", safe);
    fprintf(gp, "set title 'pointwise error |prediction - reference|'\nset ylabel '|error| of %s'\n%s", lc, logy ? "set logscale y\nset format y '%.0e'\n" : "");
    fprintf(gp, "plot 'plotdata/%s.dat' using 1:4 with lines lw 2 lc rgb '#2ca02c' title '|error|'\n", safe);
    fprintf(gp, "unset multiplot\nunset logscale y\nset format y\nunset grid\n");
  } else {
    double lo = INFINITY, hi = -INFINITY, emax = 0;
    for (long i = 0; i < n; i++) {
      lo   = PetscMin(lo, PetscMin(c->refv[i], c->pred[i]));
      hi   = PetscMax(hi, PetscMax(c->refv[i], c->pred[i]));
      emax = PetscMax(emax, fabs(c->pred[i] - c->refv[i]));
    }
    if (!(hi > lo)) { hi = lo + (fabs(lo) > 0 ? fabs(lo) : 1); }
    if (!(emax > 0) || !isfinite(emax)) emax = 1;
    if (!isfinite(lo) || !isfinite(hi)) { lo = -1; hi = 1; }
    for (size_t j = 0; j < v->len[td]; j++) { /* x across, t up: one scan line per time */
      for (size_t i = 0; i < v->len[xd]; i++) {
        long idx = td == 0 ? (long)(j * v->len[1] + i) : (long)(i * v->len[1] + j);
        fprintf(fp, "%.10g %.10g", v->coord[xd][i], v->coord[td][j]);
        Put(fp, c->refv[idx], PETSC_FALSE);
        Put(fp, c->pred[idx], PETSC_FALSE);
        Put(fp, fabs(c->pred[idx] - c->refv[idx]), PETSC_FALSE);
        fputc('\n', fp);
      }
      fputc('\n', fp);
    }
    AxisLabel(v->dim[xd], v->dim_units[xd], lx, sizeof(lx));
    Terminal(gp, v, 1800, 560, image);
    fprintf(gp, "set multiplot layout 1,3 title '%s on the (%s, %s) grid of the reference: reference, prediction, |error|'\n", q, v->dim[xd], v->dim[td]);
    fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\nset xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", lx, lt, v->coord[xd][0], v->coord[xd][v->len[xd] - 1], v->coord[td][0],
            v->coord[td][v->len[td] - 1]);
    fprintf(gp, "set colorbox\nunset cblabel\nset cbrange [%.10g:%.10g]\n%s", lo, hi, viridis);
    fprintf(gp, "set title 'reference %s: %s'\nplot 'plotdata/%s.dat' using 1:2:3 with image notitle\n", c->ref, lc, safe);
    fprintf(gp, "set title 'prediction: %s'\nplot 'plotdata/%s.dat' using 1:2:4 with image notitle\n", lc, safe);
    fprintf(gp, "set cbrange [0:%.10g]\n%s", emax, inferno);
    fprintf(gp, "set title '|prediction - reference| of %s (max %.3g)'\nplot 'plotdata/%s.dat' using 1:2:5 with image notitle\n", lc, c->max_abs, safe);
    fprintf(gp, "unset multiplot\nset autoscale\nunset cblabel\n");
  }
  PetscCheck(!ferror(fp) && !fclose(fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk space", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode LossPlot(FILE *gp, PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *dir)
{
  char   path[PETSC_MAX_PATH_LEN + 64];
  FILE  *fp;
  int    ncol = 3 + rec->nterms;

  PetscFunctionBegin;
  if (!rec->nhistory || !rec->history) PetscFunctionReturn(0);
  snprintf(path, sizeof(path), "%s/plotdata/loss.dat", dir);
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk and the directory's permissions", path);
  for (long r = 0; r < rec->nhistory; r++) {
    fprintf(fp, "%.10g", rec->history[r * ncol]);
    for (int c = 2; c < ncol; c++) Put(fp, rec->history[r * ncol + c], PETSC_TRUE);
    fputc('\n', fp);
  }
  PetscCheck(!ferror(fp) && !fclose(fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk space", path);
  Terminal(gp, v, 1000, 600, "loss_history");
  fprintf(gp, "set title 'training loss history by term (model %s, %ld iterations)'\n", PhynnModelGetProblem(m), rec->iteration);
  fprintf(gp, "set xlabel 'iteration'\nset ylabel 'loss (log scale)'\nset logscale y\nset format y '%%.0e'\nset grid\nset key outside right top\n");
  fprintf(gp, "plot 'plotdata/loss.dat' using 1:2 with lines lw 2.5 lc rgb 'black' title 'total loss'");
  /* Explicit term colours: gnuplot's default cycle has black in it, which reads as the total
   * (NLS has 8 terms); past ten terms the colours repeat with another dash pattern. */
  static const char *term_color[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
  const int          ncolors      = (int)(sizeof(term_color) / sizeof(term_color[0]));
  for (int k = 0; k < rec->nterms; k++) {
    char q[80];
    GpQuote(rec->term_names[k], q, sizeof(q));
    fprintf(gp, ", '' using 1:%d with lines lw 1.5 lc rgb '%s' dt %d title '%s'", 3 + k, term_color[k % ncolors], 1 + k / ncolors, q);
  }
  fprintf(gp, "\nunset logscale y\nset format y\nunset grid\nset key default\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode ErrorOverTimePlot(FILE *gp, const PhynnValidation *v, const char *dir)
{
  char      path[PETSC_MAX_PATH_LEN + 64], lt[96];
  FILE     *fp;
  long      ns   = (long)v->len[v->tdim];
  PetscBool logr = PETSC_TRUE, logm = PETSC_TRUE;

  PetscFunctionBegin;
  for (int c = 0; c < v->ncomp; c++) {
    if (!AllPositive(v->comp[c].slice_rel_l2, ns)) logr = PETSC_FALSE;
    if (!AllPositive(v->comp[c].slice_max_abs, ns)) logm = PETSC_FALSE;
  }
  snprintf(path, sizeof(path), "%s/plotdata/error_over_time.dat", dir);
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk and the directory's permissions", path);
  for (long s = 0; s < ns; s++) {
    fprintf(fp, "%.10g", v->coord[v->tdim][s]);
    for (int c = 0; c < v->ncomp; c++) {
      Put(fp, v->comp[c].slice_rel_l2[s], logr);
      Put(fp, v->comp[c].slice_max_abs[s], logm);
    }
    fputc('\n', fp);
  }
  PetscCheck(!ferror(fp) && !fclose(fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk space", path);
  AxisLabel(v->dim[v->tdim], v->dim_units[v->tdim], lt, sizeof(lt));
  fprintf(gp, "set xlabel '%s'\nset grid\nset key top left box opaque\n", lt);
  if (v->ndims == 1) {
    Terminal(gp, v, 1000, 600, "error_over_time");
    fprintf(gp, "set title 'pointwise error |prediction - reference| over %s'\nset ylabel '|error|%s'\n%s", v->dim[0], logm ? " (log scale)" : "", logm ? "set logscale y\nset format y '%.0e'\n" : "");
    fprintf(gp, "plot ");
    for (int c = 0; c < v->ncomp; c++) {
      char q[80];
      GpQuote(v->comp[c].name, q, sizeof(q));
      fprintf(gp, "%s'plotdata/error_over_time.dat' using 1:%d with lines lw 2 title '%s'", c ? ", " : "", 3 + 2 * c, q);
    }
    fprintf(gp, "\n");
  } else {
    Terminal(gp, v, 1500, 560, "error_over_time");
    fprintf(gp, "set multiplot layout 1,2 title 'error over %s, per time slice (over all %s)'\n", v->dim[v->tdim], v->dim[1 - v->tdim]);
    for (int pass = 0; pass < 2; pass++) {
      PetscBool lg = pass ? logm : logr;
      fprintf(gp, "%s", lg ? "set logscale y\nset format y '%.0e'\n" : "unset logscale y\nset format y\n");
      if (pass == 0) fprintf(gp, "set title 'relative L2 error per time slice'\nset ylabel 'relative L2 error%s'\nplot ", lg ? " (log scale)" : "");
      else fprintf(gp, "set title 'max abs error per time slice'\nset ylabel 'max |prediction - reference|%s'\nplot ", lg ? " (log scale)" : "");
      for (int c = 0; c < v->ncomp; c++) {
        char q[80];
        GpQuote(v->comp[c].name, q, sizeof(q));
        fprintf(gp, "%s'plotdata/error_over_time.dat' using 1:%d with lines lw 2 title '%s'", c ? ", " : "", 2 + 2 * c + pass, q);
      }
      fprintf(gp, "\n");
    }
    fprintf(gp, "unset multiplot\n");
  }
  fprintf(gp, "unset logscale y\nset format y\nunset grid\n");
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidationPlots(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *gnuplot, const char *dir)
{
  char  data[PETSC_MAX_PATH_LEN + 32], script[PETSC_MAX_PATH_LEN + 32], log[PETSC_MAX_PATH_LEN + 48], qd[2 * PETSC_MAX_PATH_LEN], qg[2 * PETSC_MAX_PATH_LEN];
  char  cmd[4 * PETSC_MAX_PATH_LEN + 64], line[512], last[512] = "";
  FILE *gp;
  int   status;

  PetscFunctionBegin;
  snprintf(data, sizeof(data), "%s/plotdata", dir);
  snprintf(script, sizeof(script), "%s/plots.gp", dir);
  snprintf(log, sizeof(log), "%s/plotdata/gnuplot.log", dir);
  PetscCheck(!mkdir(data, 0777), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot create %s (the report's plot data); check the directory's permissions", data);
  gp = fopen(script, "w");
  PetscCheck(gp, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s; check the directory's permissions", script);
  fprintf(gp, "# generated by phynn validate\nset datafile missing '?'\nset encoding utf8\n");
  for (int c = 0; c < v->ncomp; c++) PetscCall(FieldPlot(gp, v, &v->comp[c], dir));
  PetscCall(LossPlot(gp, m, rec, v, dir));
  PetscCall(ErrorOverTimePlot(gp, v, dir));
  fprintf(gp, "set output\n");
  PetscCheck(!ferror(gp) && !fclose(gp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s; check the disk space", script);

  ShellQuote(dir, qd, sizeof(qd));
  ShellQuote(gnuplot, qg, sizeof(qg));
  snprintf(cmd, sizeof(cmd), "cd %s && %s plots.gp </dev/null >plotdata/gnuplot.log 2>&1", qd, qg);
  status = system(cmd);
  if (status != 0) {
    FILE *lf = fopen(log, "r");
    while (lf && fgets(line, sizeof(line), lf)) {
      line[strcspn(line, "\r\n")] = '\0';
      if (line[0] && strspn(line, " ^") != strlen(line)) PetscCall(PetscStrncpy(last, line, sizeof(last)));
    }
    if (lf) fclose(lf);
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "gnuplot ('%s') failed drawing the report's plots (exit status %d): %s; check the gnuplot installation or pass -gnuplot PATH", gnuplot,
            WIFEXITED(status) ? WEXITSTATUS(status) : status, last[0] ? last : "no message");
  }
  PetscFunctionReturn(0);
}
