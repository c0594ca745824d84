/* phynn compare: PINNs and neural operators of one problem side by side against its solver
 * (docs/validation.md, "Comparing models").
 *
 * The reference is one solved problem, VAR(t, x) on a grid (phynn solve heat|nls). Every model is
 * judged on the same field at the same time T: an operator's output time (the last time of its
 * family, or the -output_time it was trained for), which every operator given must share; with
 * PINNs only, the reference's last time. An operator is applied to the reference's initial
 * condition (its input u0 is the reference's u at the first time; h0_re is h_re's, and so on: the
 * input's name without its first '0'), on the reference's grid (an FNO evaluates on another
 * resolution with its weights); a PINN is evaluated at (T, x_i). Reported per model: rel_l2 =
 * ||p - r|| / ||r|| and max_abs over the grid at T, the training seconds (its record's history),
 * and the seconds to answer: an operator's for one new initial condition (the median of 21
 * evaluations), a PINN's to evaluate the field (a new initial condition means training again);
 * and the solver's own seconds (the reference's solver_seconds attribute). Rank 0 does the work. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"
#include "phynn/compare.h"
#include "phynn/ncfile.h"
#include "phynn/operator_eval.h"
#include "phynn/textfile.h"
#include "report_impl.h"

#define COMPARE_MAX_MODELS PHYNN_COMPARE_MAX_MODELS

typedef struct {
  char        path[PETSC_MAX_PATH_LEN], kind[32], problem[64];
  PhynnModel  m;
  PhynnRecord rec;
  double     *pred;                       /* nx values at T */
  double      rel_l2, max_abs, train_seconds, answer_seconds;
} CompareModel;

typedef struct {
  char         ref_path[PETSC_MAX_PATH_LEN], var[64], title[256];
  long         nt, nx;
  double      *t, *x, *u;  /* u(t, x) of var */
  double       T, solver_seconds;
  long         jT;
  int          n;
  CompareModel mod[COMPARE_MAX_MODELS];
  char         terminal[16], image_ext[8];
} Compare;

static int CompareDoubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static PetscErrorCode ReadReference(const char *path, const char *var, Compare *c)
{
  int    nc, vid, nd;
  size_t len[8], n;
  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &nc));
  PetscCall(PhynnNcVar(nc, path, var, &vid));
  PetscCall(PhynnNcVarShape(nc, path, vid, &nd, len));
  PetscCheck(nd == 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: '%s' is not a field of (t, x) (it has %d dimensions); compare takes one solved problem (phynn solve heat, without -nsamples)", path, var, nd);
  PetscCall(PhynnNcReadDoubles(nc, path, "t", &c->t, &n));
  c->nt = (long)n;
  PetscCall(PhynnNcReadDoubles(nc, path, "x", &c->x, &n));
  c->nx = (long)n;
  PetscCheck((long)len[0] == c->nt && (long)len[1] == c->nx, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: '%s' is not on the (t, x) grid of its coordinates", path, var);
  PetscCall(PhynnNcReadDoubles(nc, path, var, &c->u, &n));
  if (nc_get_att_double(nc, NC_GLOBAL, "solver_seconds", &c->solver_seconds) != NC_NOERR) c->solver_seconds = NAN;
  if (nc_inq_attlen(nc, NC_GLOBAL, "title", &n) == NC_NOERR && n < sizeof(c->title)) PetscCall(PhynnNcGetText(nc, path, NC_GLOBAL, "title", c->title, sizeof(c->title)));
  PhynnNcCall(path, nc_close(nc));
  PetscFunctionReturn(0);
}

/* The seconds of training in a record: the last history row's elapsed_s (NaN without one). */
static double TrainSeconds(const PhynnRecord *r) { return r->nhistory > 0 ? r->history[(r->nhistory - 1) * (3 + r->nterms) + 1] : NAN; }

/* The time an operator answers for: its recorded -output_time on the reference's times. */
static PetscErrorCode OperatorTime(const Compare *c, const CompareModel *cm, double *T)
{
  char ot[64] = "last", *end;
  PetscFunctionBegin;
  PhynnRecordedOption(cm->rec.options, "output_time", ot, sizeof(ot));
  PetscCheck(strcmp(ot, "next"), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s is a one-step operator (-output_time next); compare judges operators of one output time", cm->path);
  PetscCheck(strcmp(ot, "all"), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s maps to every time at once (-output_time all); compare judges one time: train it for one", cm->path);
  *T = !strcmp(ot, "last") ? c->t[c->nt - 1] : strtod(ot, &end);
  PetscFunctionReturn(0);
}

static PetscErrorCode Operator(Compare *c, CompareModel *cm)
{
  char              input[256] = "u0", output[256] = "u", in[PHYNN_OPERATOR_MAX_VARS][64], out[PHYNN_OPERATOR_MAX_VARS][64];
  int               nin, nout;
  PhynnOperatorData d;
  PhynnModel        m = cm->m, regrid = NULL;
  const long        idx[1] = {0};
  double            t[21];
  PetscFunctionBegin;
  PhynnRecordedOption(cm->rec.options, "input", input, sizeof(input));
  PhynnRecordedOption(cm->rec.options, "output", output, sizeof(output));
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "input", input, &nin, in));
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "output", output, &nout, out));
  PetscCheck(nin == 1 && nout == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s maps %d field(s) to %d; compare takes operators of one field (%s) to one", cm->path, nin, nout, c->var);
  {
    char want[64], *z;
    PetscCall(PetscStrncpy(want, in[0], sizeof(want)));
    if ((z = strchr(want, '0'))) memmove(z, z + 1, strlen(z));
    PetscCheck(!strcmp(want, c->var) && !strcmp(out[0], c->var), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s maps %s to %s, not the reference's %s(0) to %s", cm->path, in[0], out[0], c->var, c->var);
  }
  PetscCall(PetscMemzero(&d, sizeof(d)));
  d.nsamples = 1, d.cin = 1, d.cout = 1, d.H = 1, d.W = c->nx, d.ntimes = 1;
  d.in = c->u, d.out = c->u + c->jT * c->nx, d.x = c->x; /* borrowed */
  PetscCall(PhynnOperatorRegrid(PETSC_COMM_SELF, m, &d, &regrid));
  PetscCall(PhynnOperatorCheckModel(PETSC_COMM_SELF, regrid ? regrid : m, cm->path, &d));
  for (int r = 0; r < 21; r++) {
    double t0 = PhynnTime();
    if (r) PetscCall(PetscFree(cm->pred));
    PetscCall(PhynnOperatorPredict(regrid ? regrid : m, &d, 1, idx, &cm->pred));
    t[r] = PhynnTime() - t0;
  }
  qsort(t, 21, sizeof(double), CompareDoubles);
  cm->answer_seconds = t[10];
  PetscCall(PetscStrncpy(cm->kind, "operator", sizeof(cm->kind)));
  PetscCall(PhynnModelDestroy(&regrid));
  PetscFunctionReturn(0);
}

static PetscErrorCode PINN(Compare *c, CompareModel *cm)
{
  int                  nout, k = -1, col = -1;
  const PhynnModelVar *outs;
  const char          *names[2] = {"t", "x"};
  const long           len[2]   = {1, c->nx};
  const double        *coord[2] = {&c->T, c->x};
  double              *y[PHYNN_MODEL_MAX_VARS], t0;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetOutputs(cm->m, &nout, &outs));
  for (int o = 0; o < nout && k < 0; o++)
    for (int j = 0; j < PetscMax(outs[o].ncomp, 1); j++)
      if (!strcmp(outs[o].ref[j], c->var)) k = o, col = j;
  PetscCheck(k >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: no output of this model is compared with '%s' (its outputs' ref); is it a model of this problem?", cm->path, c->var);
  t0 = PhynnTime();
  PetscCall(PhynnModelEvaluateGrid(cm->m, 2, names, len, coord, NULL, y));
  cm->answer_seconds = PhynnTime() - t0;
  PetscCall(PetscMalloc1(c->nx, &cm->pred));
  {
    long w = PhynnVarShapeSize(&outs[k].shape);
    for (long i = 0; i < c->nx; i++) cm->pred[i] = y[k][i * w + col];
  }
  for (int o = 0; o < nout; o++) PetscCall(PetscFree(y[o]));
  PetscCall(PetscStrncpy(cm->kind, "PINN", sizeof(cm->kind)));
  PetscFunctionReturn(0);
}

static PetscErrorCode Plots(const Compare *c, const char *gnuplot, const char *dir)
{
  FILE *gp, *fp;
  PetscFunctionBegin;
  PetscCall(PhynnGnuplotBegin(dir, &gp));
  PetscCall(PhynnPlotDataOpen(dir, "fields.dat", &fp));
  for (long i = 0; i < c->nx; i++) {
    fprintf(fp, "%.10g %.12g %.12g", c->x[i], c->u[c->jT * c->nx + i], c->u[i]);
    for (int k = 0; k < c->n; k++) {
      fprintf(fp, " %.12g", c->mod[k].pred[i]);
      PhynnGpPut(fp, fabs(c->mod[k].pred[i] - c->u[c->jT * c->nx + i]), PETSC_TRUE);
    }
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "fields.dat"));
  PhynnGpTerminal(gp, c->terminal, c->image_ext, 1000, 560, "fields");
  fprintf(gp, "set title '%s at t = %g: the solver and every model'\nset xlabel 'x'\nset ylabel '%s'\nset grid\nset key outside right\n", c->var, c->T, c->var);
  fprintf(gp, "plot 'plotdata/fields.dat' using 1:2 with lines lw 4 lc rgb '#888888' title 'solver'"); /* not the initial condition: at t = T the field may be much smaller */
  for (int k = 0; k < c->n; k++) {
    char q[PETSC_MAX_PATH_LEN * 2];
    PhynnGpQuote(c->mod[k].path, q, sizeof(q));
    fprintf(gp, ", '' using 1:%d with lines lw 1.5 title '%s (%s)'", 4 + 2 * k, q, c->mod[k].kind);
  }
  fprintf(gp, "\n");
  PhynnGpTerminal(gp, c->terminal, c->image_ext, 1000, 560, "errors");
  fprintf(gp, "set title '|model - solver| at t = %g'\nset ylabel '|error| (log scale)'\nset logscale y\nset format y '%%.0e'\nplot ", c->T);
  for (int k = 0; k < c->n; k++) {
    char q[PETSC_MAX_PATH_LEN * 2];
    PhynnGpQuote(c->mod[k].path, q, sizeof(q));
    fprintf(gp, "%s'plotdata/fields.dat' using 1:%d with lines lw 1.5 title '%s (%s)'", k ? ", " : "", 5 + 2 * k, q, c->mod[k].kind);
  }
  fprintf(gp, "\nunset logscale y\nset format y\nunset grid\nset key default\n");
  PetscCall(PhynnGnuplotRun(&gp, gnuplot, dir));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteJSON(const Compare *c, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32];
  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"comparison\",\n  \"reference\": ");
  PhynnJsonString(fp, c->ref_path);
  fprintf(fp, ",\n  \"variable\": ");
  PhynnJsonString(fp, c->var);
  fprintf(fp, ",\n  \"time\": ");
  PhynnJsonNumber(fp, c->T);
  fprintf(fp, ",\n  \"solver_seconds\": ");
  PhynnJsonNumber(fp, c->solver_seconds);
  fprintf(fp, ",\n  \"models\": [\n");
  for (int k = 0; k < c->n; k++) {
    const CompareModel *m = &c->mod[k];
    fprintf(fp, "    {\"path\": ");
    PhynnJsonString(fp, m->path);
    fprintf(fp, ", \"kind\": \"%s\", \"problem\": ", m->kind);
    PhynnJsonString(fp, m->problem);
    fprintf(fp, ", \"rel_l2\": ");
    PhynnJsonNumber(fp, m->rel_l2);
    fprintf(fp, ", \"max_abs\": ");
    PhynnJsonNumber(fp, m->max_abs);
    fprintf(fp, ", \"train_seconds\": ");
    PhynnJsonNumber(fp, m->train_seconds);
    fprintf(fp, ", \"answer_seconds\": ");
    PhynnJsonNumber(fp, m->answer_seconds);
    fprintf(fp, "}%s\n", k + 1 < c->n ? "," : "");
  }
  fprintf(fp, "  ]\n}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteHTML(const Compare *c, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[64], title[PETSC_MAX_PATH_LEN + 64];
  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  snprintf(title, sizeof(title), "PINNs and operators against the solver: %s", c->ref_path);
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  /* a comparison has no verdict: the page top without PhynnHtmlPageBegin's pass/fail line */
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  PhynnHtml(fp, title);
  fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", PhynnReportCss);
  PhynnHtml(fp, title);
  fprintf(fp, "</h1>\n");
  fprintf(fp, "<p>");
  PhynnHtml(fp, c->title);
  fprintf(fp, ": every model's %s at t = %g on the solver's %ld points. The solver took %.3g s.</p>\n", c->var, c->T, c->nx, c->solver_seconds);
  fprintf(fp, "<table>\n<tr><th>model</th><th>kind</th><th>relative L2</th><th>max |error|</th><th>training (s)</th><th>answer (s)</th></tr>\n");
  for (int k = 0; k < c->n; k++) {
    const CompareModel *m = &c->mod[k];
    fprintf(fp, "<tr><td>");
    PhynnHtml(fp, m->path);
    fprintf(fp, "</td><td>%s</td><td>%.3g</td><td>%.3g</td><td>%.3g</td><td>%.3g%s</td></tr>\n", m->kind, m->rel_l2, m->max_abs, m->train_seconds, m->answer_seconds, strcmp(m->kind, "PINN") ? " (one new initial condition)" : " (the field; a new initial condition: train again)");
  }
  fprintf(fp, "</table>\n<figure><img src=\"fields.%s\" alt=\"fields\"><figcaption>The solver's field and every model's.</figcaption></figure>\n", c->image_ext);
  fprintf(fp, "<figure><img src=\"errors.%s\" alt=\"errors\"><figcaption>Pointwise errors.</figcaption></figure>\n", c->image_ext);
  fprintf(fp, "<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

static PetscErrorCode CompareHere(const char *ref_path, int n, const char *const *models, const char *var, const char *report_dir, const char *gnuplot, const char *terminal, Compare *c)
{
  char dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32], path[PETSC_MAX_PATH_LEN + 64];
  PetscBool have_T = PETSC_FALSE;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(n >= 1 && n <= COMPARE_MAX_MODELS, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "give 1 to %d model files to compare (%d given)", COMPARE_MAX_MODELS, n);
  PetscCall(PhynnReportDirCheck(report_dir, dir, sizeof(dir)));
  PetscCall(PhynnGnuplotTerminal(gnuplot, terminal, c->terminal, sizeof(c->terminal), c->image_ext, sizeof(c->image_ext)));
  PetscCall(PetscStrncpy(c->ref_path, ref_path, sizeof(c->ref_path)));
  PetscCall(PetscStrncpy(c->var, var, sizeof(c->var)));
  PetscCall(ReadReference(ref_path, var, c));
  for (int k = 0; k < n; k++) {
    CompareModel *cm = &c->mod[k];
    PhynnRecordInit(&cm->rec);
    c->n = k + 1;
    PetscCall(PetscStrncpy(cm->path, models[k], sizeof(cm->path)));
    PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, models[k], &cm->m, &cm->rec));
    PetscCall(PetscStrncpy(cm->problem, PhynnModelGetProblem(cm->m), sizeof(cm->problem)));
    if (!strcmp(cm->problem, "operator")) {
      double T;
      PetscCall(OperatorTime(c, cm, &T));
      PetscCheck(!have_T || fabs(T - c->T) <= 1e-9 * PetscMax(1.0, fabs(T)), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s answers for t = %g, another operator for t = %g; compare operators of one output time", cm->path, T, c->T);
      c->T = T, have_T = PETSC_TRUE;
    }
  }
  if (!have_T) c->T = c->t[c->nt - 1];
  c->jT = -1;
  for (long j = 0; j < c->nt; j++)
    if (fabs(c->t[j] - c->T) <= 1e-9 * PetscMax(1.0, fabs(c->T))) c->jT = j;
  PetscCheck(c->jT >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s holds no time %g, the operators' output time; solve the reference with that final time", ref_path, c->T);
  for (int k = 0; k < c->n; k++) {
    CompareModel *cm = &c->mod[k];
    const double *r  = c->u + c->jT * c->nx;
    double        e = 0, q = 0;
    if (!strcmp(cm->problem, "operator")) PetscCall(Operator(c, cm));
    else PetscCall(PINN(c, cm));
    cm->max_abs = 0;
    for (long i = 0; i < c->nx; i++) {
      e += (cm->pred[i] - r[i]) * (cm->pred[i] - r[i]), q += r[i] * r[i];
      cm->max_abs = PetscMax(cm->max_abs, fabs(cm->pred[i] - r[i]));
    }
    cm->rel_l2        = q > 0 ? sqrt(e / q) : sqrt(e);
    cm->train_seconds = TrainSeconds(&cm->rec);
  }
  PetscCall(PhynnReportDirBegin(dir, tmpdir, sizeof(tmpdir)));
  ierr = Plots(c, gnuplot, tmpdir);
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  if (!ierr) ierr = WriteJSON(c, path);
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  if (!ierr) ierr = WriteHTML(c, path);
  PetscCall(PhynnReportDirFinish(dir, tmpdir, ierr));
  PetscFunctionReturn(0);
}

static PetscErrorCode CompareFree(Compare *c)
{
  PetscFunctionBegin;
  for (int k = 0; k < c->n; k++) {
    PetscCall(PetscFree(c->mod[k].pred));
    PetscCall(PhynnModelDestroy(&c->mod[k].m));
    PetscCall(PhynnRecordReset(&c->mod[k].rec));
  }
  PetscCall(PetscFree(c->t));
  PetscCall(PetscFree(c->x));
  PetscCall(PetscFree(c->u));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCompareRun(MPI_Comm comm, const char *ref_path, int n, const char *const *models, const char *var, const char *report_dir, const char *gnuplot, const char *terminal, PhynnCompareResult *res)
{
  PetscErrorCode ierr = 0;
  double         buf[2 * COMPARE_MAX_MODELS + 1];
  PetscFunctionBegin;
  PetscCall(PetscArrayzero(buf, 2 * COMPARE_MAX_MODELS + 1));
  if (PhynnRank(comm) == 0) {
    Compare *c;
    PetscCall(PetscCalloc1(1, &c));
    ierr = CompareHere(ref_path, n, models, var, report_dir, gnuplot && gnuplot[0] ? gnuplot : "gnuplot", terminal, c);
    if (!ierr)
      for (int k = 0; k < c->n; k++) buf[2 * k] = c->mod[k].rel_l2, buf[2 * k + 1] = c->mod[k].answer_seconds;
    buf[2 * COMPARE_MAX_MODELS] = ierr ? 1 : 0;
    PetscCall(CompareFree(c));
    PetscCall(PetscFree(c));
    PetscCall(ierr); /* rank 0 prints the message and ends the job */
  }
  PetscCallMPI(MPI_Bcast(buf, 2 * COMPARE_MAX_MODELS + 1, MPI_DOUBLE, 0, comm));
  PetscCheck(buf[2 * COMPARE_MAX_MODELS] == 0, comm, PHYNN_ERR_INPUT, "comparison failed on rank 0");
  if (res) {
    res->n = n;
    for (int k = 0; k < n && k < COMPARE_MAX_MODELS; k++) res->rel_l2[k] = buf[2 * k], res->answer_seconds[k] = buf[2 * k + 1];
  }
  PetscFunctionReturn(0);
}
