/* Validation (validation/) against models whose output is known exactly.
 *
 * A network with no hidden layer and identity output is an affine map, so its weights make
 * u(x, t) = a x + b t + c exactly. Against a reference that is the same plane the errors are
 * rounding (rel_l2 ~ 1e-16); against plane + 0.01 sin(pi x)(1 + t) the relative L2 error is known
 * in closed form from the perturbation, computed here independently of validation/metrics.c.
 *
 * Thresholds are tested on both sides of these known metrics (Bracket): 1e-4 relative above the
 * metric passes, 1e-4 below fails with the one-line reason. Every report is checked as a finished
 * page (CheckReport): real PNG/SVG plots (signature and end chunk / <svg ... </svg>) shown by an
 * <img> each, no plotdata/ scratch directory or plots.gp left, the verdict, the metrics table with
 * each component's row as metrics.json's values make it, a link to metrics.json, no script.
 *
 *   test_validate                 runs the checks (C API) in a temporary directory
 *   test_validate fixtures DIR    only writes the models and references (for validate_cli.sh) */
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/validate.h"
#include "phynn_test.h"

#define NT 21
#define NX 33
static const double A = 0.7, B = -1.3, C = 0.25;    /* u = A x + B t + C */
static const double A2 = -0.4, B2 = 0.9, C2 = 1.5;  /* v = A2 x + B2 t + C2 */

static double Tj(int j) { return 2.0 * j / (NT - 1); }
static double Xi(int i) { return -1.0 + 2.0 * i / (NX - 1); }
static double Pert(double x, double t) { return 0.01 * sin(M_PI * x) * (1 + t); }

/* An affine model: inputs (x, t) [or (t) with outputs theta], outputs named and mapped. */
static PetscErrorCode AffineModel(int nin, const char *const *in, int nout, const char *const *out, const char *const *ref, const double *w, const double *b, PhynnModel *m, PhynnRecord *rec)
{
  PhynnText t = {NULL, 0, 0};
  double    theta[16];
  char      terms[2][PHYNN_RECORD_NAME_MAX] = {"residual", "initial"};
  PetscFunctionBegin;
  /* one dense layer without an activation: an affine map, whose errors have closed forms */
  PetscCall(PhynnTextAppend(&t, "input points dims=%d names=", nin));
  for (int k = 0; k < nin; k++) PetscCall(PhynnTextAppend(&t, "%s%s", k ? "," : "", in[k]));
  PetscCall(PhynnTextAppend(&t, "\nmlp net(points) sizes=%d,%d act=tanh out=identity bias=1\noutput net names=", nin, nout));
  for (int k = 0; k < nout; k++) PetscCall(PhynnTextAppend(&t, "%s%s", k ? "," : "", out[k]));
  PetscCall(PhynnTextAppend(&t, " ref="));
  for (int k = 0; k < nout; k++) PetscCall(PhynnTextAppend(&t, "%s%s", k ? "," : "", ref[k]));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, m));
  PetscCall(PhynnModelSetProblem(*m, nin == 1 ? "pinn-pendulum" : nout == 2 ? "pinn-nls" : "pinn-heat"));
  PetscCall(PhynnModelSetSpec(*m, t.s, "test"));
  PetscCall(PhynnTextFree(&t));
  for (int k = 0; k < nout * nin; k++) theta[k] = w[k]; /* W1 (nout x nin), then b1 */
  for (int k = 0; k < nout; k++) theta[nout * nin + k] = b[k];
  PetscCall(PhynnModelSetTheta(*m, nout * nin + nout, theta));
  PhynnRecordInit(rec);
  PetscCall(PetscStrncpy(rec->optimizer, "adam", sizeof(rec->optimizer)));
  rec->iteration = 300;
  PetscCall(PhynnRecordSetTerms(rec, 2, terms));
  rec->nhistory = 4;
  PetscCall(PetscMalloc1(rec->nhistory * 5, &rec->history));
  for (long r = 0; r < rec->nhistory; r++) {
    double *h = rec->history + r * 5;
    h[0] = 100.0 * r;
    h[1] = 0.1 * r;
    h[3] = pow(10.0, -(double)r);
    h[4] = 0.5 * pow(10.0, -1.5 * r);
    h[2] = h[3] + h[4];
  }
  PetscCall(PetscStrallocpy("-lr 0.001\n-max_it 300\n", &rec->options));
  PetscFunctionReturn(0);
}

/* A (t, x) reference with the given variables; pert != 0 adds Pert to the first. */
static PetscErrorCode WriteRef2D(const char *path, int nvar, const char *const *names, const double (*abc)[3], int pert)
{
  PhynnNcWriter w;
  int           dt, dx, vt, vx, dims[2], vid[4];
  double        t[NT], x[NX], *u;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(NT * NX, &u));
  for (int j = 0; j < NT; j++) t[j] = Tj(j);
  for (int i = 0; i < NX; i++) x[i] = Xi(i);
  PetscCall(PhynnNcCreate(path, &w));
  PetscCall(PhynnNcPutProvenance(&w, "test reference"));
  PetscCall(PhynnNcPutText(&w, NC_GLOBAL, "equation", "u = a x + b t + c"));
  PetscCall(PhynnNcDefCoord(&w, "t", NT, "s", "time", &dt, &vt));
  PetscCall(PhynnNcDefCoord(&w, "x", NX, "m", "position", &dx, &vx));
  dims[0] = dt;
  dims[1] = dx;
  for (int k = 0; k < nvar; k++) PetscCall(PhynnNcDefVar(&w, names[k], 2, dims, "K", names[k], &vid[k]));
  PetscCall(PhynnNcPutVarDoubles(&w, vt, t));
  PetscCall(PhynnNcPutVarDoubles(&w, vx, x));
  for (int k = 0; k < nvar; k++) {
    for (int j = 0; j < NT; j++)
      for (int i = 0; i < NX; i++) u[j * NX + i] = abc[k][0] * x[i] + abc[k][1] * t[j] + abc[k][2] + (pert && k == 0 ? Pert(x[i], t[j]) : 0.0);
    PetscCall(PhynnNcPutVarDoubles(&w, vid[k], u));
  }
  PetscCall(PhynnNcCommit(&w));
  PetscCall(PetscFree(u));
  PetscFunctionReturn(0);
}

/* Pendulum-like 1-D reference theta(t) = A t + C (+ 0.01 sin(3 t) when pert). */
static PetscErrorCode WriteRef1D(const char *path, int pert)
{
  PhynnNcWriter w;
  int           dt, vt, vth;
  double        t[NT], th[NT];

  PetscFunctionBegin;
  for (int j = 0; j < NT; j++) {
    t[j]  = Tj(j);
    th[j] = A * t[j] + C + (pert ? 0.01 * sin(3 * t[j]) : 0.0);
  }
  PetscCall(PhynnNcCreate(path, &w));
  PetscCall(PhynnNcPutProvenance(&w, "test pendulum reference"));
  PetscCall(PhynnNcDefCoord(&w, "t", NT, "s", "time", &dt, &vt));
  PetscCall(PhynnNcDefVar(&w, "theta", 1, &dt, "rad", "angle", &vth));
  PetscCall(PhynnNcPutVarDoubles(&w, vt, t));
  PetscCall(PhynnNcPutVarDoubles(&w, vth, th));
  PetscCall(PhynnNcCommit(&w));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFixtures(const char *dir)
{
  const char *const xt[] = {"x", "t"}, *const tt[] = {"t"};
  const char *const uo[] = {"u"}, *const uv[] = {"u", "v"}, *const hh[] = {"h_re", "h_im"}, *const th[] = {"theta"}, *const ww[] = {"w"};
  const double      w1[] = {A, B}, b1[] = {C}, w2[] = {A, B, A2, B2}, b2[] = {C, C2}, wp[] = {A};
  const double      abc[2][3] = {{A, B, C}, {A2, B2, C2}};
  PhynnModel        m;
  PhynnRecord       rec;
  char              p[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
#define PATH(name) (snprintf(p, sizeof(p), "%s/%s", dir, name), p)
  PetscCall(AffineModel(2, xt, 1, uo, uo, w1, b1, &m, &rec));
  PetscCall(PhynnModelSave(m, &rec, PATH("plane.nc")));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(AffineModel(2, xt, 2, uv, hh, w2, b2, &m, &rec));
  PetscCall(PhynnModelSave(m, &rec, PATH("nls.nc")));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(AffineModel(1, tt, 1, th, th, wp, b1, &m, &rec));
  PetscCall(PhynnModelSave(m, &rec, PATH("pendulum.nc")));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(WriteRef2D(PATH("ref_plane.nc"), 1, uo, abc, 0));
  PetscCall(WriteRef2D(PATH("ref_perturbed.nc"), 1, uo, abc, 1));
  PetscCall(WriteRef2D(PATH("ref_nls.nc"), 2, hh, abc, 1));
  PetscCall(WriteRef2D(PATH("ref_no_u.nc"), 1, ww, abc, 0));
  PetscCall(WriteRef1D(PATH("ref_pendulum.nc"), 1));
#undef PATH
  PetscFunctionReturn(0);
}

/* The number after "key": in the first component block named `comp` of metrics.json. */
static double JsonNumberOf(const char *path, const char *comp, const char *key)
{
  FILE  *fp = fopen(path, "r");
  char  *buf, pat[96], *at;
  long   n;
  double val = NAN;
  if (!fp) return NAN;
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  rewind(fp);
  buf = (char *)calloc((size_t)n + 1, 1);
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n) n = 0;
  fclose(fp);
  snprintf(pat, sizeof(pat), "{\"name\": \"%s\"", comp);
  at = strstr(buf, pat);
  if (at) {
    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    at = strstr(at, pat);
    if (at) val = strtod(at + strlen(pat), NULL);
  }
  free(buf);
  return val;
}

static int FileContains(const char *path, const char *text)
{
  FILE *fp = fopen(path, "r");
  char *buf;
  long  n;
  int   found;
  if (!fp) return 0;
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  rewind(fp);
  buf = (char *)calloc((size_t)n + 1, 1);
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n) buf[0] = '\0';
  fclose(fp);
  found = strstr(buf, text) != NULL;
  free(buf);
  return found;
}

static int NonEmpty(const char *dir, const char *name)
{
  char        p[PETSC_MAX_PATH_LEN + 64];
  struct stat st;
  snprintf(p, sizeof(p), "%s/%s", dir, name);
  return !stat(p, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

static int Exists(const char *path)
{
  struct stat st;
  return !stat(path, &st);
}

/* The whole file (NUL-terminated; free it) and its length, or NULL. */
static char *ReadAll(const char *path, long *len)
{
  FILE *fp = fopen(path, "rb");
  char *buf;
  long  n;
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  rewind(fp);
  buf = (char *)calloc((size_t)n + 1, 1);
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n) n = 0;
  fclose(fp);
  *len = n;
  return buf;
}

/* dir/NAME.png or dir/NAME.svg, exactly one of them, is a real image: a PNG starts with the
 * 8-byte signature and the IHDR chunk and ends with the IEND chunk (the whole file was written);
 * an SVG has an <svg element and ends with </svg>. Sets ext ("png" or "svg"). */
static int IsPlot(const char *dir, const char *name, char ext[4])
{
  char p[PETSC_MAX_PATH_LEN + 64], q[PETSC_MAX_PATH_LEN + 64], *buf;
  long n   = 0;
  int  png = 0, svg = 0, ok = 0;
  snprintf(p, sizeof(p), "%s/%s.png", dir, name);
  snprintf(q, sizeof(q), "%s/%s.svg", dir, name);
  png = Exists(p);
  svg = Exists(q);
  if (png == svg) return 0; /* neither, or both */
  buf = ReadAll(png ? p : q, &n);
  if (!buf) return 0;
  if (png) ok = n > 33 && !memcmp(buf, "\x89PNG\r\n\x1a\n", 8) && !memcmp(buf + 12, "IHDR", 4) && !memcmp(buf + n - 8, "IEND", 4);
  else {
    long e = n;
    while (e > 0 && (buf[e - 1] == '\n' || buf[e - 1] == ' ' || buf[e - 1] == '\r')) e--;
    ok = strstr(buf, "<svg") && e >= 6 && !memcmp(buf + e - 6, "</svg>", 6);
  }
  free(buf);
  snprintf(ext, 4, "%s", png ? "png" : "svg");
  return ok;
}

/* The file, lower-cased, has no <script> and no javascript: URL: the report is a static page. */
static int NoScript(const char *path)
{
  long  n   = 0;
  char *buf = ReadAll(path, &n);
  int   ok;
  if (!buf) return 0;
  for (long i = 0; i < n; i++) buf[i] = (char)(buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] - 'A' + 'a' : buf[i]);
  ok = !strstr(buf, "<script") && !strstr(buf, "javascript:");
  free(buf);
  return ok;
}

/* A finished report in rep: index.html and metrics.json; each of the nplots plots a real PNG or
 * SVG (all of one kind) shown on the page by an <img>; no scratch left (the plot data directory
 * plotdata/ and the gnuplot script plots.gp are removed after drawing, validation/gnuplot.c); the
 * page has the verdict, the metrics table with its header, a link to metrics.json, no script;
 * metrics.json has the verdict; and the page has the metrics-table row `row` (see Row). */
static void CheckReport(const char *rep, int nplots, const char *const *plots, PetscBool passed, const char *row)
{
  char html[PETSC_MAX_PATH_LEN + 16], json[PETSC_MAX_PATH_LEN + 16], p[PETSC_MAX_PATH_LEN + 64], ext[4] = "", first[4] = "";
  snprintf(html, sizeof(html), "%s/index.html", rep);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  CHECK(NonEmpty(rep, "index.html") && NonEmpty(rep, "metrics.json"), "%s: index.html/metrics.json missing", rep);
  snprintf(p, sizeof(p), "%s/plotdata", rep);
  CHECK(!Exists(p), "%s: the scratch directory plotdata/ was left in the report", rep);
  snprintf(p, sizeof(p), "%s/plots.gp", rep);
  CHECK(!Exists(p), "%s: the gnuplot script plots.gp was left in the report", rep);
  for (int k = 0; k < nplots; k++) {
    char img[128];
    CHECK(IsPlot(rep, plots[k], ext), "%s: %s is not one real PNG or SVG file", rep, plots[k]);
    if (!k) snprintf(first, sizeof(first), "%s", ext);
    CHECK(!strcmp(ext, first), "%s: plots of two kinds (%s, %s)", rep, first, ext);
    snprintf(img, sizeof(img), "<img src=\"%s.%s\" alt=\"", plots[k], ext);
    CHECK(FileContains(html, img), "%s: index.html does not show %s.%s", rep, plots[k], ext);
  }
  CHECK(FileContains(html, passed ? "<p class=\"verdict pass\">PASSED" : "<p class=\"verdict fail\">FAILED: "), "%s: index.html lacks the verdict %s", rep, passed ? "PASSED" : "FAILED");
  CHECK(FileContains(html, "<tr><th>component</th><th>compared with</th><th>rel_l2</th><th>max_abs</th><th>threshold rel_l2</th><th>threshold max_abs</th><th>result</th></tr>"), "%s: index.html lacks the metrics table", rep);
  CHECK(FileContains(html, "<a href=\"metrics.json\">metrics.json</a>"), "%s: index.html does not link metrics.json", rep);
  CHECK(NoScript(html), "%s: index.html has a script", rep);
  CHECK(FileContains(json, passed ? "\n  \"passed\": true,\n  \"failure\": null," : "\n  \"passed\": false,\n  \"failure\": \""), "%s: metrics.json lacks \"passed\": %s", rep, passed ? "true" : "false");
  CHECK(FileContains(html, row), "%s: index.html lacks the metrics row %s", rep, row);
}

/* The metrics-table row of component comp (compared with ref) as index.html must write it: the
 * values of metrics.json (%.3e), the threshold texts (NULL: none) and each metric's and the
 * row's verdict. */
static void Row(char *buf, size_t len, const char *json, const char *comp, const char *ref, const char *lim_rel, const char *lim_max)
{
  const double r = JsonNumberOf(json, comp, "rel_l2"), m = JsonNumberOf(json, comp, "max_abs");
  const int    rok = !lim_rel || r <= atof(lim_rel), mok = !lim_max || m <= atof(lim_max), any = lim_rel || lim_max;
  snprintf(buf, len, "<tr><td><b>%s</b></td><td>%s</td><td class=\"num%s\">%.3e</td><td class=\"num%s\">%.3e</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"%s\">%s</td></tr>", comp, ref,
           lim_rel ? (rok ? " pass" : " fail") : "", r, lim_max ? (mok ? " pass" : " fail") : "", m, lim_rel ? lim_rel : "&ndash;", lim_max ? lim_max : "&ndash;", !any ? "none" : rok && mok ? "pass" : "fail",
           !any ? "no threshold" : rok && mok ? "pass" : "FAIL");
}

/* Thresholds on either side of a metric whose value is known (want, computed independently):
 * metric[comp] = want (1 + 1e-4) must pass and want (1 - 1e-4) must fail, with the one-line
 * reason "<metric> of <comp> is <value> > <limit>" and a complete report saying FAILED. The
 * metric is computed to ~1e-15 relative (checked to 1e-12 elsewhere), so 1e-4 on either side is
 * far outside its rounding: these are thresholds the fixture passes and fails by construction.
 * Drawn with the svg terminal (the other reports use the default, PNG where gnuplot has it). */
static PetscErrorCode Bracket(MPI_Comm comm, const char *dir, const char *tag, const char *model, const char *ref, const char *metric, const char *comp, const char *refname, double want, int nplots,
                              const char *const *plots)
{
  PhynnValidateOptions opt = {0};
  char                 th[96], lim[32], rep[PETSC_MAX_PATH_LEN], json[PETSC_MAX_PATH_LEN + 16], why[320], row[512], reason[96];
  PetscBool            passed;

  PetscFunctionBegin;
  for (int side = 0; side < 2; side++) { /* 0: just above (passes), 1: just below (fails) */
    snprintf(lim, sizeof(lim), "%.6g", want * (side ? 1 - 1e-4 : 1 + 1e-4));
    snprintf(th, sizeof(th), "%s[%s]=%s", metric, comp, lim);
    snprintf(rep, sizeof(rep), "%s/report_%s_%s", dir, tag, side ? "below" : "above");
    snprintf(json, sizeof(json), "%s/metrics.json", rep);
    opt.thresholds = th;
    opt.terminal   = "svg"; /* faster to draw than PNG, and checks the SVG documents too */
    PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
    if (!side) CHECK(passed, "%s: %s (just above the metric %.10g) must pass: %s", tag, th, want, why);
    else {
      snprintf(reason, sizeof(reason), "%s of %s is ", metric, comp);
      CHECK(!passed, "%s: %s (just below the metric %.10g) must fail", tag, th, want);
      CHECK(!strncmp(why, reason, strlen(reason)) && strstr(why, " > ") && !strcmp(strstr(why, " > ") + 3, lim), "%s: failure reason '%s', expected '%s<value> > %s'", tag, why, reason, lim);
    }
    if (PhynnRank(comm) == 0) {
      const int rel = !strcmp(metric, "rel_l2");
      Row(row, sizeof(row), json, comp, refname, rel ? lim : NULL, rel ? NULL : lim);
      CheckReport(rep, nplots, plots, side ? PETSC_FALSE : PETSC_TRUE, row);
      printf("ok   %s: %s %s (metric %.10g)\n", tag, th, side ? "fails" : "passes", want);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  char                 dir[] = "/tmp/phynn_validate_XXXXXX", model[PETSC_MAX_PATH_LEN], ref[PETSC_MAX_PATH_LEN], rep[PETSC_MAX_PATH_LEN], json[PETSC_MAX_PATH_LEN + 16], why[320];
  PetscBool            passed;
  PhynnValidateOptions opt = {0};
  double               se = 0, sr = 0, want, got;
  char                 row[512];
  const char *const    uplots[] = {"field_u", "error_over_time", "loss_history"}, *const pplots[] = {"field_theta", "error_over_time", "loss_history"};
  const char *const    hplots[] = {"field_u", "field_v", "field_abs_h", "error_over_time", "loss_history"};

  PetscFunctionBegin;
  PetscCall(PhynnErrorHandlerPush());
  if (PhynnRank(comm) == 0) CHECK(mkdtemp(dir), "mkdtemp");
  PetscCallMPI(MPI_Bcast(dir, (int)sizeof(dir), MPI_CHAR, 0, comm));
  if (PhynnRank(comm) == 0) PetscCall(WriteFixtures(dir));

  /* 1. the exact plane: rounding-level errors, passes a 1e-12 threshold */
  snprintf(model, sizeof(model), "%s/plane.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_plane.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_exact", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = "rel_l2=1e-12,max_abs=1e-12";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(passed, "exact plane should pass rel_l2=1e-12: %s", why);
  if (PhynnRank(comm) == 0) {
    got = JsonNumberOf(json, "u", "rel_l2");
    CHECK(got >= 0 && got < 1e-14, "exact plane: rel_l2 %g not at rounding level", got);
    Row(row, sizeof(row), json, "u", "u", "1e-12", "1e-12");
    CheckReport(rep, 3, uplots, PETSC_TRUE, row);
  }

  /* 2. the perturbed plane: rel_l2 = ||0.01 sin(pi x)(1+t)|| / ||plane + perturbation|| */
  for (int j = 0; j < NT; j++)
    for (int i = 0; i < NX; i++) {
      double r = A * Xi(i) + B * Tj(j) + C + Pert(Xi(i), Tj(j));
      se += Pert(Xi(i), Tj(j)) * Pert(Xi(i), Tj(j));
      sr += r * r;
    }
  want = sqrt(se / sr);
  snprintf(model, sizeof(model), "%s/plane.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_perturbed.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_perturbed", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = NULL;
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(passed, "perturbed plane without thresholds passes");
  if (PhynnRank(comm) == 0) {
    CHECK_CLOSE("perturbed plane: rel_l2 in metrics.json", JsonNumberOf(json, "u", "rel_l2"), want, 1e-12, 0);
    CHECK_CLOSE("perturbed plane: max_abs = max |0.01 sin(pi x)(1+t)|", JsonNumberOf(json, "u", "max_abs"), 0.03 * fabs(sin(M_PI * Xi(8))), 1e-12, 0); /* x = -0.5 or 0.5, t = 2 */
    Row(row, sizeof(row), json, "u", "u", NULL, NULL);
    CheckReport(rep, 3, uplots, PETSC_TRUE, row);
  }
  /* thresholds the fixture passes and fails by construction: measured rel_l2 0.0105434703 (= want),
   * max_abs 0.03 */
  PetscCall(Bracket(comm, dir, "perturbed_rel_l2", model, ref, "rel_l2", "u", "u", want, 3, uplots));
  PetscCall(Bracket(comm, dir, "perturbed_max_abs", model, ref, "max_abs", "u", "u", 0.03 * fabs(sin(M_PI * Xi(8))), 3, uplots));

  /* 3. a failing threshold: not passed, the one-line reason, and a complete report */
  snprintf(rep, sizeof(rep), "%s/report_fail", dir);
  opt.thresholds = "rel_l2=1e-3,max_abs[u]=1";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(!passed, "perturbed plane must fail rel_l2=1e-3");
  CHECK(!strncmp(why, "rel_l2 of u is ", 15) && strstr(why, " > 1e-3"), "failure reason: '%s'", why);
  if (PhynnRank(comm) == 0) {
    snprintf(json, sizeof(json), "%s/metrics.json", rep);
    Row(row, sizeof(row), json, "u", "u", "1e-3", "1");
    CheckReport(rep, 3, uplots, PETSC_FALSE, row);
    CHECK(FileContains(json, "\"thresholds\": {\"rel_l2\": 0.001, \"max_abs\": 1}, \"passed\": false"), "failed run: thresholds in force for u not in metrics.json");
    CHECK(FileContains(json, "\"failure\": \"rel_l2 of u is "), "failed run: failure not in metrics.json");
  }

  /* 4. |h| from a 2-output model mapped to h_re, h_im */
  snprintf(model, sizeof(model), "%s/nls.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_nls.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_nls", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = "rel_l2[v]=1e-12";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(passed, "nls: rel_l2[v]=1e-12 passes: %s", why);
  {
    double sh = 0, shr = 0;
    for (int j = 0; j < NT; j++)
      for (int i = 0; i < NX; i++) {
        double x = Xi(i), t = Tj(j), u = A * x + B * t + C, v = A2 * x + B2 * t + C2, ur = u + Pert(x, t);
        double hp = hypot(u, v), hr = hypot(ur, v);
        sh += (hp - hr) * (hp - hr);
        shr += hr * hr;
      }
    if (PhynnRank(comm) == 0) {
      CHECK_CLOSE("nls: rel_l2 of |h|", JsonNumberOf(json, "|h|", "rel_l2"), sqrt(sh / shr), 1e-12, 0);
      CHECK(JsonNumberOf(json, "v", "rel_l2") < 1e-14, "nls: v is exact");
      Row(row, sizeof(row), json, "|h|", "|h| = sqrt(h_re^2 + h_im^2)", NULL, NULL);
      CheckReport(rep, 5, hplots, PETSC_TRUE, row);
      Row(row, sizeof(row), json, "v", "h_im", "1e-12", NULL);
      snprintf(json, sizeof(json), "%s/index.html", rep);
      CHECK(FileContains(json, row), "nls: index.html lacks the row %s", row);
    }
    /* measured rel_l2 of |h| 0.00242885379 */
    PetscCall(Bracket(comm, dir, "nls_abs_h", model, ref, "rel_l2", "|h|", "|h| = sqrt(h_re^2 + h_im^2)", sqrt(sh / shr), 5, hplots));
  }

  /* 5. 1-D (pendulum): the error curve |pred - ref|(t) */
  snprintf(model, sizeof(model), "%s/pendulum.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_pendulum.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_pendulum", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = "max_abs=1e-3";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(!passed && strstr(why, "max_abs of theta is "), "pendulum: max_abs=1e-3 must fail: '%s'", why);
  {
    double mx = 0;
    for (int j = 0; j < NT; j++) mx = PetscMax(mx, fabs(0.01 * sin(3 * Tj(j))));
    if (PhynnRank(comm) == 0) {
      CHECK_CLOSE("pendulum: max_abs", JsonNumberOf(json, "theta", "max_abs"), mx, 1e-12, 0);
      Row(row, sizeof(row), json, "theta", "theta", NULL, "1e-3");
      CheckReport(rep, 3, pplots, PETSC_FALSE, row);
    }
    /* measured max_abs 0.00997494987 */
    PetscCall(Bracket(comm, dir, "pendulum_max_abs", model, ref, "max_abs", "theta", "theta", mx, 3, pplots));
  }

  /* 6. the index page */
  if (PhynnRank(comm) == 0) {
    const char *titles[] = {"exact", "perturbed"}, *dirs[] = {"report_exact", "report_fail"};
    PetscBool   ok[]     = {PETSC_TRUE, PETSC_FALSE};
    snprintf(rep, sizeof(rep), "%s/index.html", dir);
    PetscCall(PhynnReportIndex(rep, 2, titles, dirs, ok));
    CHECK(NonEmpty(dir, "index.html"), "report index missing");
    CHECK(FileContains(rep, "<p class=\"verdict fail\">1 of 2 passed</p>"), "report index: no verdict '1 of 2 passed'");
    CHECK(FileContains(rep, "<tr><th>report</th><th>directory</th><th>result</th></tr>"), "report index: no table header");
    CHECK(FileContains(rep, "<tr><td><a href=\"report_exact/index.html\">exact</a></td><td><code>report_exact</code></td><td class=\"pass\">pass</td></tr>"), "report index: no row linking report_exact (pass)");
    CHECK(FileContains(rep, "<tr><td><a href=\"report_fail/index.html\">perturbed</a></td><td><code>report_fail</code></td><td class=\"fail\">FAIL</td></tr>"), "report index: no row linking report_fail (FAIL)");
    CHECK(NoScript(rep), "report index has a script");
    for (int k = 0; k < 2; k++) {
      char linked[PETSC_MAX_PATH_LEN + 64];
      snprintf(linked, sizeof(linked), "%s/%s/index.html", dir, dirs[k]);
      CHECK(Exists(linked), "report index links %s, which does not exist", linked);
    }
  }

  /* 7. a reference lacking the variable: an error, and no report directory */
  {
    PetscErrorCode ierr;
    snprintf(model, sizeof(model), "%s/plane.nc", dir);
    snprintf(ref, sizeof(ref), "%s/ref_no_u.nc", dir);
    snprintf(rep, sizeof(rep), "%s/report_missing", dir);
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why));
    PetscCall(PetscPopErrorHandler());
    CHECK(ierr == PHYNN_ERR_INPUT, "missing variable: error %d", (int)ierr);
    if (PhynnRank(comm) == 0) CHECK(!Exists(rep), "missing variable: report directory was created");
  }
  if (PhynnRank(comm) == 0 && !phynn_test_failures) { /* keep the files of a failed run for inspection */
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "removing %s", dir);
  } else if (PhynnRank(comm) == 0) fprintf(stderr, "test files kept in %s\n", dir);
  PetscFunctionReturn(0);
}

static PetscErrorCode Main(MPI_Comm comm)
{
  int    argc;
  char **argv;
  PetscFunctionBegin;
  PetscCall(PetscGetArgs(&argc, &argv));
  if (argc == 3 && !strcmp(argv[1], "fixtures")) {
    PetscCall(PhynnErrorHandlerPush());
    if (PhynnRank(comm) == 0) PetscCall(WriteFixtures(argv[2]));
    PetscFunctionReturn(0);
  }
  PetscCall(Run(comm));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Main)
