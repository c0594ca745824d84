/* Validation (validation/) against models whose output is known exactly.
 *
 * A network with no hidden layer and identity output is an affine map, so its weights make
 * u(x, t) = a x + b t + c exactly. Against a reference that is the same plane the errors are
 * rounding (rel_l2 ~ 1e-16); against plane + 0.01 sin(pi x)(1 + t) the relative L2 error is known
 * in closed form from the perturbation, computed here independently of validation/metrics.c.
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

static PetscErrorCode Run(MPI_Comm comm)
{
  char                 dir[] = "/tmp/phynn_validate_XXXXXX", model[PETSC_MAX_PATH_LEN], ref[PETSC_MAX_PATH_LEN], rep[PETSC_MAX_PATH_LEN], json[PETSC_MAX_PATH_LEN + 16], why[320];
  PetscBool            passed;
  PhynnValidateOptions opt = {0};
  double               se = 0, sr = 0, want, got;

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
    CHECK(NonEmpty(rep, "index.html") && NonEmpty(rep, "metrics.json"), "exact plane: index.html/metrics.json missing");
    CHECK(NonEmpty(rep, "field_u.png") || NonEmpty(rep, "field_u.svg"), "exact plane: field plot missing");
    CHECK(NonEmpty(rep, "loss_history.png") || NonEmpty(rep, "loss_history.svg"), "loss plot missing");
    CHECK(NonEmpty(rep, "error_over_time.png") || NonEmpty(rep, "error_over_time.svg"), "error-over-time plot missing");
    CHECK(!NonEmpty(rep, "plots.gp"), "gnuplot script left in the report");
    CHECK(!Exists(json) || !NonEmpty(rep, "plotdata/gnuplot.log"), "scratch directory plotdata left in the report");
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
  opt.thresholds = "rel_l2=1";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(passed, "perturbed plane passes rel_l2=1");
  if (PhynnRank(comm) == 0) {
    CHECK_CLOSE("perturbed plane: rel_l2 in metrics.json", JsonNumberOf(json, "u", "rel_l2"), want, 1e-12, 0);
    CHECK_CLOSE("perturbed plane: max_abs = max |0.01 sin(pi x)(1+t)|", JsonNumberOf(json, "u", "max_abs"), 0.03 * fabs(sin(M_PI * Xi(8))), 1e-12, 0); /* x = -0.5 or 0.5, t = 2 */
  }

  /* 3. a failing threshold: not passed, the one-line reason, and a complete report */
  snprintf(rep, sizeof(rep), "%s/report_fail", dir);
  opt.thresholds = "rel_l2=1e-3,max_abs[u]=1";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(!passed, "perturbed plane must fail rel_l2=1e-3");
  CHECK(!strncmp(why, "rel_l2 of u is ", 15) && strstr(why, " > 1e-3"), "failure reason: '%s'", why);
  if (PhynnRank(comm) == 0) {
    CHECK(NonEmpty(rep, "index.html") && NonEmpty(rep, "metrics.json") && (NonEmpty(rep, "field_u.png") || NonEmpty(rep, "field_u.svg")), "failed run: report incomplete");
    snprintf(json, sizeof(json), "%s/metrics.json", rep);
    CHECK(FileContains(json, "\"thresholds\": {\"rel_l2\": 0.001, \"max_abs\": 1}, \"passed\": false"), "failed run: thresholds in force for u not in metrics.json");
    CHECK(FileContains(json, "\"failure\": \"rel_l2 of u is "), "failed run: failure not in metrics.json");
  }

  /* 4. |h| from a 2-output model mapped to h_re, h_im */
  snprintf(model, sizeof(model), "%s/nls.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_nls.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_nls", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = "rel_l2[|h|]=1";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(passed, "nls: rel_l2[|h|]=1 passes: %s", why);
  if (PhynnRank(comm) == 0) {
    double sh = 0, shr = 0;
    for (int j = 0; j < NT; j++)
      for (int i = 0; i < NX; i++) {
        double x = Xi(i), t = Tj(j), u = A * x + B * t + C, v = A2 * x + B2 * t + C2, ur = u + Pert(x, t);
        double hp = hypot(u, v), hr = hypot(ur, v);
        sh += (hp - hr) * (hp - hr);
        shr += hr * hr;
      }
    CHECK_CLOSE("nls: rel_l2 of |h|", JsonNumberOf(json, "|h|", "rel_l2"), sqrt(sh / shr), 1e-12, 0);
    CHECK(JsonNumberOf(json, "v", "rel_l2") < 1e-14, "nls: v is exact");
    CHECK(NonEmpty(rep, "field_abs_h.png") || NonEmpty(rep, "field_abs_h.svg"), "nls: |h| plot missing");
  }

  /* 5. 1-D (pendulum): the error curve |pred - ref|(t) */
  snprintf(model, sizeof(model), "%s/pendulum.nc", dir);
  snprintf(ref, sizeof(ref), "%s/ref_pendulum.nc", dir);
  snprintf(rep, sizeof(rep), "%s/report_pendulum", dir);
  snprintf(json, sizeof(json), "%s/metrics.json", rep);
  opt.thresholds = "max_abs=1e-3";
  PetscCall(PhynnValidateRun(comm, NULL, NULL, model, ref, rep, &opt, &passed, why, sizeof(why)));
  CHECK(!passed && strstr(why, "max_abs of theta is "), "pendulum: max_abs=1e-3 must fail: '%s'", why);
  if (PhynnRank(comm) == 0) {
    double mx = 0;
    for (int j = 0; j < NT; j++) mx = PetscMax(mx, fabs(0.01 * sin(3 * Tj(j))));
    CHECK_CLOSE("pendulum: max_abs", JsonNumberOf(json, "theta", "max_abs"), mx, 1e-12, 0);
    CHECK(NonEmpty(rep, "field_theta.png") || NonEmpty(rep, "field_theta.svg"), "pendulum: curve plot missing");
  }

  /* 6. the index page */
  if (PhynnRank(comm) == 0) {
    const char *titles[] = {"exact", "perturbed"}, *dirs[] = {"report_exact", "report_fail"};
    PetscBool   ok[]     = {PETSC_TRUE, PETSC_FALSE};
    snprintf(rep, sizeof(rep), "%s/index.html", dir);
    PetscCall(PhynnReportIndex(rep, 2, titles, dirs, ok));
    CHECK(NonEmpty(dir, "index.html"), "report index missing");
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
