/* The PINN report's plots: each component's field, the error over time and the loss history,
 * drawn by gnuplot from one generated script (validation/gnuplot.c runs it). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "phynn/validate.h"
#include "report_impl.h"

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

static PetscBool AllPositive(const double *a, long n)
{
  PetscBool any = PETSC_FALSE;
  for (long i = 0; i < n; i++)
    if (a[i] > 0 && isfinite(a[i])) any = PETSC_TRUE;
  return any;
}

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
  PhynnGpAxisLabel(v->dim[td], v->dim_units[td], lt, sizeof(lt));
  PhynnGpAxisLabel(c->name, c->units, lc, sizeof(lc));
  PhynnGpQuote(c->name, q, sizeof(q));
  if (v->ndims == 1) {
    PetscBool logy = AllPositive(c->slice_max_abs, n);
    for (long i = 0; i < n; i++) {
      fprintf(fp, "%.10g", v->coord[0][i]);
      PhynnGpPut(fp, c->refv[i], PETSC_FALSE);
      PhynnGpPut(fp, c->pred[i], PETSC_FALSE);
      PhynnGpPut(fp, fabs(c->pred[i] - c->refv[i]), logy);
      fputc('\n', fp);
    }
    PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 800, image);
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
        PhynnGpPut(fp, c->refv[idx], PETSC_FALSE);
        PhynnGpPut(fp, c->pred[idx], PETSC_FALSE);
        PhynnGpPut(fp, fabs(c->pred[idx] - c->refv[idx]), PETSC_FALSE);
        fputc('\n', fp);
      }
      fputc('\n', fp);
    }
    PhynnGpAxisLabel(v->dim[xd], v->dim_units[xd], lx, sizeof(lx));
    PhynnGpTerminal(gp, v->terminal, v->image_ext, 1800, 560, image);
    fprintf(gp, "set multiplot layout 1,3 title '%s on the (%s, %s) grid of the reference: reference, prediction, |error|'\n", q, v->dim[xd], v->dim[td]);
    fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\nset xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", lx, lt, v->coord[xd][0], v->coord[xd][v->len[xd] - 1], v->coord[td][0],
            v->coord[td][v->len[td] - 1]);
    fprintf(gp, "set colorbox\nunset cblabel\nset cbrange [%.10g:%.10g]\n%s", lo, hi, PhynnGpViridis);
    fprintf(gp, "set title 'reference %s: %s'\nplot 'plotdata/%s.dat' using 1:2:3 with image notitle\n", c->ref, lc, safe);
    fprintf(gp, "set title 'prediction: %s'\nplot 'plotdata/%s.dat' using 1:2:4 with image notitle\n", lc, safe);
    fprintf(gp, "set cbrange [0:%.10g]\n%s", emax, PhynnGpInferno);
    fprintf(gp, "set title '|prediction - reference| of %s (max %.3g)'\nplot 'plotdata/%s.dat' using 1:2:5 with image notitle\n", lc, c->max_abs, safe);
    fprintf(gp, "unset multiplot\nset autoscale\nunset cblabel\n");
  }
  PetscCheck(!ferror(fp) && !fclose(fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk space", path);
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
      PhynnGpPut(fp, v->comp[c].slice_rel_l2[s], logr);
      PhynnGpPut(fp, v->comp[c].slice_max_abs[s], logm);
    }
    fputc('\n', fp);
  }
  PetscCheck(!ferror(fp) && !fclose(fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s (the report's plot data); check the disk space", path);
  PhynnGpAxisLabel(v->dim[v->tdim], v->dim_units[v->tdim], lt, sizeof(lt));
  fprintf(gp, "set xlabel '%s'\nset grid\nset key top left box opaque\n", lt);
  if (v->ndims == 1) {
    PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 600, "error_over_time");
    fprintf(gp, "set title 'pointwise error |prediction - reference| over %s'\nset ylabel '|error|%s'\n%s", v->dim[0], logm ? " (log scale)" : "", logm ? "set logscale y\nset format y '%.0e'\n" : "");
    fprintf(gp, "plot ");
    for (int c = 0; c < v->ncomp; c++) {
      char q[80];
      PhynnGpQuote(v->comp[c].name, q, sizeof(q));
      fprintf(gp, "%s'plotdata/error_over_time.dat' using 1:%d with lines lw 2 title '%s'", c ? ", " : "", 3 + 2 * c, q);
    }
    fprintf(gp, "\n");
  } else {
    PhynnGpTerminal(gp, v->terminal, v->image_ext, 1500, 560, "error_over_time");
    fprintf(gp, "set multiplot layout 1,2 title 'error over %s, per time slice (over all %s)'\n", v->dim[v->tdim], v->dim[1 - v->tdim]);
    for (int pass = 0; pass < 2; pass++) {
      PetscBool lg = pass ? logm : logr;
      fprintf(gp, "%s", lg ? "set logscale y\nset format y '%.0e'\n" : "unset logscale y\nset format y\n");
      if (pass == 0) fprintf(gp, "set title 'relative L2 error per time slice'\nset ylabel 'relative L2 error%s'\nplot ", lg ? " (log scale)" : "");
      else fprintf(gp, "set title 'max abs error per time slice'\nset ylabel 'max |prediction - reference|%s'\nplot ", lg ? " (log scale)" : "");
      for (int c = 0; c < v->ncomp; c++) {
        char q[80];
        PhynnGpQuote(v->comp[c].name, q, sizeof(q));
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
  FILE *gp;

  PetscFunctionBegin;
  PetscCall(PhynnGnuplotBegin(dir, &gp));
  for (int c = 0; c < v->ncomp; c++) PetscCall(FieldPlot(gp, v, &v->comp[c], dir));
  PetscCall(PhynnGpLossPlot(gp, v->terminal, v->image_ext, PhynnModelGetProblem(m), rec, dir));
  PetscCall(ErrorOverTimePlot(gp, v, dir));
  PetscCall(PhynnGnuplotRun(&gp, gnuplot, dir));
  PetscFunctionReturn(0);
}
