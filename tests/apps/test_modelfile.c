/* Model files and the spec they carry:
 *   - spec: defaults filled in by the canonical form; canonical(parse(canonical)) is the same
 *     text; a misspelt key and an unknown kind are one-line errors naming line and statement;
 *   - round trip through the store for every registered block kind (mlp with and without bias,
 *     param, pendulum): the canonical spec, theta and the training record come back bitwise,
 *     and the loaded model evaluates to the same bits as the saved one;
 *   - the slice table: each parameter's variable equals its slice of theta;
 *   - files of the first layout (tests/data/v1, written by phynn before format 2) load through
 *     the shim and evaluate, with input derivatives, to the bits that phynn eval wrote then;
 *   - damaged files are refused with a one-line message saying what is wrong, and a save that
 *     fails leaves no file behind. */
#include <netcdf.h>
#include <string.h>
#include <unistd.h>

#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/options.h"
#include "phynn/random.h"
#include "phynn_test.h"

static char last_error[1024];
static PetscErrorCode KeepMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm; (void)line; (void)fun; (void)file; (void)ctx;
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(last_error, sizeof(last_error), "%s", mess);
  return n;
}

/* Every block kind in one model: a scaled point input, an mlp, a param, the pendulum block. */
static const char *all_blocks = "input t dims=1 names=t lb=0 ub=3   # time\n"
                                "mlp g(t) sizes=1,4,1 act=tanh out=softplus\n"
                                "param g0 dims=2,3 init=normal:0:0.5\n"
                                "param R dims=2,2 complex=1\n"
                                "pendulum theta(g,t) theta0=0.25 l=10\n"
                                "output theta names=theta ref=theta; output g names=g\n";
static const char *all_blocks_canonical = "input t dims=1 names=t lb=0 ub=3\n"
                                          "mlp g(t) sizes=1,4,1 act=tanh out=softplus bias=1\n"
                                          "param g0 dims=2,3 init=normal:0:0.5\n"
                                          "param R dims=2,2 init=zeros complex=1\n"
                                          "pendulum theta(g,t) theta0=0.25 l=10\n"
                                          "output theta names=theta ref=theta\n"
                                          "output g names=g\n";

static PetscErrorCode RandomWeights(PhynnModel m, uint64_t seed)
{
  long    n;
  double *theta;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetParameterCount(m, &n));
  PetscCall(PetscMalloc1(n, &theta));
  PhynnNormalFill(seed, PHYNN_STREAM_USER, 0, n, 0.0, 0.7, theta);
  PetscCall(PhynnModelSetTheta(m, n, theta));
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

static PetscErrorCode MakeRecord(PhynnRecord *r)
{
  char terms[2][PHYNN_RECORD_NAME_MAX] = {"data", "pde"};
  PetscFunctionBegin;
  PhynnRecordInit(r);
  r->seed      = 987654321;
  r->iteration = 42;
  PetscCall(PhynnRecordSetTerms(r, 2, terms));
  PetscCall(PetscMalloc1(3 * 5, &r->history));
  r->nhistory = 3;
  PhynnNormalFill(3, PHYNN_STREAM_USER, 0, 15, 0.0, 1.0, r->history);
  PetscCall(PetscMalloc1(7, &r->opt_state));
  r->nopt_state = 7;
  PhynnNormalFill(4, PHYNN_STREAM_USER, 0, 7, 0.0, 1.0, r->opt_state);
  PetscCall(PetscStrncpy(r->optimizer, "adam", sizeof(r->optimizer)));
  PetscCall(PetscStrallocpy("-lr 0.01 -max_it 42", &r->options));
  PetscFunctionReturn(0);
}

/* Every output of both models at the same points, bitwise. */
static PetscErrorCode SameOutputs(PhynnModel a, PhynnModel b, const char *what)
{
  double        t[5] = {0, 0.3, 1.1, 2.0, 2.9}, *ya[2], *yb[2];
  const double *in[1] = {t};
  int           nout;
  const PhynnModelVar *outs;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetOutputs(a, &nout, &outs));
  PetscCall(PhynnModelEvaluate(a, 5, in, NULL, ya));
  PetscCall(PhynnModelEvaluate(b, 5, in, NULL, yb));
  for (int k = 0; k < nout; k++) {
    CHECK(!memcmp(ya[k], yb[k], 5 * sizeof(double)), "%s: output %s differs after the round trip", what, outs[k].name);
    PetscCall(PetscFree(ya[k]));
    PetscCall(PetscFree(yb[k]));
  }
  printf("ok   %s: %d output(s) evaluate to the same bits after save and load\n", what, nout);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestSpec(void)
{
  PhynnModel     m, m2;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(PhynnModelSetSpec(m, all_blocks, "test"));
  CHECK(!strcmp(PhynnModelGetSpec(m), all_blocks_canonical), "canonical form:\n%s\nwanted:\n%s", PhynnModelGetSpec(m), all_blocks_canonical);
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m2));
  PetscCall(PhynnModelSetSpec(m2, PhynnModelGetSpec(m), "test"));
  CHECK(!strcmp(PhynnModelGetSpec(m2), PhynnModelGetSpec(m)), "the canonical form does not parse back to itself");
  printf("ok   spec: defaults filled in, canonical form parses back to itself\n");
  {
    long n;
    PetscCall(PhynnModelGetParameterCount(m, &n));
    CHECK(n == (4 * 1 + 4 + 1 * 4 + 1) + 6 + 2 * 4, "parameter count %ld doubles, want 27 (a complex 2 x 2 takes 8)", n);
  }
  PetscCall(PhynnModelDestroy(&m2));
  PetscCall(PhynnModelDestroy(&m));

  /* bad specs: one line each, naming where */
  const struct {
    const char *spec, *want;
  } bad[] = {
    {"input x dims=2\nmlp net(x) sizes=2,1 actv=tanh\noutput net", "line 2 (mlp net): unknown key 'actv'; did you mean 'act'?"},
    {"input x dims=2\nconv2 net(x) ch=3\noutput net", "line 2 (conv2 net): unknown kind 'conv2'"},
    {"input x dims=2\nmlp net(y) sizes=2,1\noutput net", "argument 'y' is not an input or a block defined above it"},
    {"input x dims=3\nmlp net(x) sizes=2,1\noutput net", "sizes starts with 2 but its input 'x' has 3 values per sample"},
    {"input x dims=2 names=a\nmlp net(x) sizes=2,1\noutput net", "names lists 1 components but dims=2 gives 2"},
    {"input x dims=2\nmlp net(x) sizes=2,1 act=tanhh\noutput net", "act=tanhh is not one of"},
    {"input x dims=2\nparam g dims=1\noutput g", "is the same for every sample (a param)"},
    {"input x dims=1 lb=1 ub=0\nmlp net(x) sizes=1,1\noutput net", "so it cannot be scaled"},
    {"", "the model spec is empty"},
  };
  PetscCall(PetscPushErrorHandler(KeepMessage, NULL));
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
    last_error[0] = 0;
    ierr          = PhynnModelSetSpec(m, bad[i].spec, "spec");
    CHECK(ierr && strstr(last_error, bad[i].want) && !strchr(last_error, '\n'), "bad spec %zu: error %d, message '%s', want '%s'", i, (int)ierr, last_error, bad[i].want);
    PetscCall(PhynnModelDestroy(&m));
  }
  PetscCall(PetscPopErrorHandler());
  printf("ok   spec: %zu bad specs refused with one-line messages naming line and statement\n", sizeof(bad) / sizeof(bad[0]));
  PetscFunctionReturn(0);
}

static PetscErrorCode SameRecord(const PhynnRecord *a, const PhynnRecord *b, const char *what)
{
  PetscFunctionBegin;
  CHECK(a->seed == b->seed && a->iteration == b->iteration && !strcmp(a->optimizer, b->optimizer), "%s: seed, iteration or optimizer differ", what);
  CHECK(a->nterms == b->nterms && a->nhistory == b->nhistory && a->nopt_state == b->nopt_state, "%s: record sizes differ", what);
  if (a->nterms == b->nterms)
    for (int k = 0; k < a->nterms; k++) CHECK(!strcmp(a->term_names[k], b->term_names[k]), "%s: term %d differs", what, k);
  if (a->nhistory == b->nhistory && a->nterms == b->nterms) CHECK(!memcmp(a->history, b->history, (size_t)a->nhistory * (3 + a->nterms) * sizeof(double)), "%s: history differs", what);
  if (a->nopt_state == b->nopt_state) CHECK(!memcmp(a->opt_state, b->opt_state, (size_t)a->nopt_state * sizeof(double)), "%s: optimiser state differs", what);
  CHECK(!strcmp(a->options ? a->options : "", b->options ? b->options : ""), "%s: options differ", what);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestRoundTrip(void)
{
  const char *specs[] = {all_blocks, "input p dims=3 names=a,b,c\nmlp net(p) sizes=3,5,2 act=sine out=sigmoid bias=0\noutput net names=y,z ref=-,zz\n"};
  PetscFunctionBegin;
  for (int s = 0; s < 2; s++) {
    PhynnModel  m, l;
    PhynnRecord r, rl;
    long        n, nl;
    const double *ta, *tb;
    PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
    PetscCall(PhynnModelSetProblem(m, "roundtrip"));
    PetscCall(PhynnModelSetSpec(m, specs[s], "test"));
    PetscCall(RandomWeights(m, 11 + (uint64_t)s));
    PetscCall(MakeRecord(&r));
    PetscCall(PhynnModelSave(m, &r, "apps_modelfile_rt.nc"));
    PhynnRecordInit(&rl);
    PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, "apps_modelfile_rt.nc", &l, &rl));
    CHECK(!strcmp(PhynnModelGetSpec(l), PhynnModelGetSpec(m)) && !strcmp(PhynnModelGetProblem(l), "roundtrip"), "spec %d: canonical spec or problem differ after load", s);
    PetscCall(PhynnModelGetTheta(m, &n, &ta));
    PetscCall(PhynnModelGetTheta(l, &nl, &tb));
    CHECK(n == nl && !memcmp(ta, tb, (size_t)n * sizeof(double)), "spec %d: theta differs after load", s);
    PetscCall(SameRecord(&r, &rl, "round trip"));
    printf("ok   round trip %d: spec, %ld parameters and the training record come back bitwise\n", s, n);
    if (s == 0) {
      int    ncid, varid, nd, dimids[4];
      size_t len;
      char   dn[NC_MAX_NAME + 1];
      PetscCall(SameOutputs(m, l, "every block kind"));
      /* a complex parameter is (2, 2, ri = 2) in the file */
      CHECK(nc_open("apps_modelfile_rt.nc", NC_NOWRITE, &ncid) == NC_NOERR && nc_inq_varid(ncid, "R", &varid) == NC_NOERR, "no variable R");
      nc_inq_varndims(ncid, varid, &nd);
      nc_inq_vardimid(ncid, varid, dimids);
      nc_inq_dim(ncid, dimids[nd - 1], dn, &len);
      CHECK(nd == 3 && !strcmp(dn, "ri") && len == 2, "complex R is stored with %d dims, last '%s' of %zu", nd, dn, len);
      nc_close(ncid);
      printf("ok   a complex parameter is stored in its shape with a trailing ri = 2 dimension\n");
    }
    /* the slice table: each parameter's own variable is its slice of theta */
    {
      int     ncid, varid;
      double  w[4];
      PhynnGraph tg;
      PhynnParamInfo info;
      PetscCall(PhynnModelGetTableGraph(m, &tg));
      PetscCall(PhynnGraphParamInfo(tg, 0, &info));
      CHECK(nc_open("apps_modelfile_rt.nc", NC_NOWRITE, &ncid) == NC_NOERR, "reopen");
      CHECK(nc_inq_varid(ncid, info.name, &varid) == NC_NOERR, "no variable %s", info.name);
      size_t start[2] = {0, 0}, count[2] = {1, 1};
      nc_get_vara_double(ncid, varid, start, count, w);
      CHECK(w[0] == ta[info.offset], "%s[0] = %g but theta[%ld] = %g", info.name, w[0], info.offset, ta[info.offset]);
      nc_close(ncid);
    }
    PetscCall(PhynnRecordReset(&r));
    PetscCall(PhynnRecordReset(&rl));
    PetscCall(PhynnModelDestroy(&l));
    PetscCall(PhynnModelDestroy(&m));
  }
  unlink("apps_modelfile_rt.nc");
  PetscFunctionReturn(0);
}

/* Frames of 51 x 51 pixels (Champion's pendulum images): an (N, 1, 51, 51) input of 2601 values
 * per sample through an mlp, saved, loaded, and evaluated to the same bits. */
static PetscErrorCode TestFrames(void)
{
  PhynnModel    m, l;
  double       *x, *ya, *yb;
  const double *in[1];
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(PhynnModelSetSpec(m, "input frame dims=1,51,51\nmlp enc(frame) sizes=2601,16,1 act=sigmoid\noutput enc\n", "test"));
  PetscCall(RandomWeights(m, 17));
  PetscCall(PhynnModelSave(m, NULL, "apps_modelfile_frames.nc"));
  PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, "apps_modelfile_frames.nc", &l, NULL));
  PetscCall(PetscMalloc1(3 * 2601, &x));
  PhynnUniformFill(8, PHYNN_STREAM_USER, 0, 3 * 2601, 0.0, 1.0, x);
  in[0] = x;
  PetscCall(PhynnModelEvaluate(m, 3, in, NULL, &ya));
  PetscCall(PhynnModelEvaluate(l, 3, in, NULL, &yb));
  CHECK(!memcmp(ya, yb, 3 * sizeof(double)) && isfinite(ya[0]), "frames: outputs differ after the round trip");
  printf("ok   2601-pixel frames through an mlp: saved, loaded, the same bits (%.6f, %.6f, %.6f)\n", ya[0], ya[1], ya[2]);
  PetscCall(PetscFree(ya));
  PetscCall(PetscFree(yb));
  PetscCall(PetscFree(x));
  PetscCall(PhynnModelDestroy(&l));
  PetscCall(PhynnModelDestroy(&m));
  unlink("apps_modelfile_frames.nc");
  PetscFunctionReturn(0);
}

/* The Cartesian product of samples and coordinates (a DeepONet's evaluation) is, row by row, the
 * model at (sample, coordinate): checked against evaluation at the explicit pairs, bitwise. */
static PetscErrorCode TestProduct(void)
{
  PhynnModel    m;
  double        gs[3] = {9.0, 9.81, 10.5}, ts[4] = {0.0, 0.7, 1.9, 2.5}, *prod, *pair, G[12], T[12];
  const double *in[2] = {G, T};
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(PhynnModelSetSpec(m, "input g dims=1 names=g\ninput t dims=1 names=t\nmlp c(g) sizes=1,3,1 act=tanh out=softplus\npendulum theta(c,t) theta0=0.2 l=2\noutput theta names=theta\n", "test"));
  PetscCall(RandomWeights(m, 23));
  PetscCall(PhynnModelEvaluateProduct(m, 3, gs, 4, ts, &prod));
  for (int s = 0; s < 3; s++)
    for (int p = 0; p < 4; p++) {
      G[s * 4 + p] = gs[s];
      T[s * 4 + p] = ts[p];
    }
  PetscCall(PhynnModelEvaluate(m, 12, in, NULL, &pair));
  CHECK(!memcmp(prod, pair, 12 * sizeof(double)), "the product evaluation differs from the explicit pairs");
  printf("ok   3 samples x 4 coordinates: the product evaluation is the model at every pair, bitwise\n");
  PetscCall(PetscFree(prod));
  PetscCall(PetscFree(pair));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}

/* First-layout files: load through the shim, evaluate with derivatives to the stored bits. */
static PetscErrorCode TestV1(void)
{
  const char *dir = getenv("PHYNN_SOURCE_DIR");
  const char *names[] = {"heat", "nls"};
  char        path[PETSC_MAX_PATH_LEN], evpath[PETSC_MAX_PATH_LEN];
  PetscFunctionBegin;
  CHECK(dir != NULL, "PHYNN_SOURCE_DIR is not set (CTest sets it)");
  if (!dir) PetscFunctionReturn(0);
  for (int f = 0; f < 2; f++) {
    PhynnModel           m;
    PhynnRecord          rec;
    int                  ncid, nout;
    size_t               n;
    double              *x, *t, *pts, *y;
    PhynnJet             jet;
    int                  nreq, blocks[2];
    const PhynnModelVar *mi, *mo;
    snprintf(path, sizeof(path), "%s/tests/data/v1/%s_v1.nc", dir, names[f]);
    snprintf(evpath, sizeof(evpath), "%s/tests/data/v1/%s_v1_eval.nc", dir, names[f]);
    PhynnRecordInit(&rec);
    PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, path, &m, &rec));
    PetscCall(PhynnModelGetPointIO(m, "test", &mi, &mo));
    nout = mo->ncomp;
    CHECK(rec.iteration > 0 && rec.nhistory > 0 && rec.nterms >= 3, "%s: the v1 record was not read (iteration %ld, %ld history rows)", path, rec.iteration, rec.nhistory);
    PetscCall(PhynnNcOpen(evpath, &ncid));
    PetscCall(PhynnNcReadDoubles(ncid, evpath, "x", &x, &n));
    PetscCall(PhynnNcReadDoubles(ncid, evpath, "t", &t, &n));
    PetscCall(PetscMalloc1(2 * n, &pts));
    for (size_t i = 0; i < n; i++) {
      pts[2 * i]     = x[i];
      pts[2 * i + 1] = t[i];
    }
    PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 2, (const char(*)[32])mi->comp, "t,xx", &jet, &nreq, blocks, NULL));
    PetscCall(PhynnModelEvaluate(m, (long)n, (const double *const *)&pts, &jet, &y));
    long mismatches = 0;
    for (int o = 0; o < nout; o++) {
      const char *suffix[3] = {"", "_t", "_xx"};
      int         block[3]  = {0, blocks[0], blocks[1]};
      for (int d = 0; d < 3; d++) {
        char    var[64];
        double *want;
        size_t  nw;
        snprintf(var, sizeof(var), "%s%s", mo->comp[o], suffix[d]);
        PetscCall(PhynnNcReadDoubles(ncid, evpath, var, &want, &nw));
        for (size_t i = 0; i < n; i++) mismatches += memcmp(&want[i], &y[((long)block[d] * (long)n + (long)i) * nout + o], sizeof(double)) != 0;
        PetscCall(PetscFree(want));
      }
    }
    nc_close(ncid);
    CHECK(mismatches == 0, "%s: %ld values differ from what phynn eval wrote for the first-layout file", path, mismatches);
    if (!mismatches) printf("ok   first-layout %s: loads through the shim; outputs and u_t, u_xx at %zu points are bitwise the stored ones\n", names[f], n);
    PetscCall(PetscFree(y));
    PetscCall(PetscFree(pts));
    PetscCall(PetscFree(x));
    PetscCall(PetscFree(t));
    PetscCall(PhynnRecordReset(&rec));
    PetscCall(PhynnModelDestroy(&m));
  }
  PetscFunctionReturn(0);
}

/* Damages a copy of a good file with fn and expects the load to fail with `want`. */
static PetscErrorCode ExpectDamaged(const char *good, void (*damage)(int ncid), const char *want, const char *what)
{
  PhynnModel     m = NULL;
  PhynnRecord    rec;
  PetscErrorCode ierr;
  char           cmd[512];
  int            ncid;
  PetscFunctionBegin;
  snprintf(cmd, sizeof(cmd), "cp %s apps_modelfile_bad.nc", good);
  CHECK(system(cmd) == 0, "copy");
  if (damage) {
    CHECK(nc_open("apps_modelfile_bad.nc", NC_WRITE, &ncid) == NC_NOERR, "open for damage");
    damage(ncid);
    CHECK(nc_close(ncid) == NC_NOERR, "close after damage");
  }
  PhynnRecordInit(&rec);
  PetscCall(PetscPushErrorHandler(KeepMessage, NULL));
  last_error[0] = 0;
  ierr          = PhynnModelLoadFile(PETSC_COMM_SELF, "apps_modelfile_bad.nc", &m, &rec);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr && !m && rec.nhistory == 0 && strstr(last_error, want) && !strchr(last_error, '\n'), "%s: error %d, message '%s', want '%s'", what, (int)ierr, last_error, want);
  if (ierr && strstr(last_error, want)) printf("ok   refused (%s): %s\n", what, last_error);
  PetscCall(PhynnModelDestroy(&m));
  unlink("apps_modelfile_bad.nc");
  PetscFunctionReturn(0);
}

static void NaNInTheta(int ncid)
{
  int    v;
  size_t i   = 3;
  double nan = NAN;
  nc_inq_varid(ncid, "theta", &v);
  nc_put_var1_double(ncid, v, &i, &nan);
}
static void EditCopy(int ncid)
{
  int    v;
  size_t i[2] = {0, 0};
  double x    = 123.0;
  nc_inq_varid(ncid, "g.W1", &v);
  nc_put_var1_double(ncid, v, i, &x);
}
static void NotAModel(int ncid)
{
  nc_redef(ncid);
  nc_put_att_text(ncid, NC_GLOBAL, "phynn_file", 9, "reference");
}
static void BadSpec(int ncid)
{
  const char *s = "input t dims=1\nmlp g(t) sizes=1,4,1 act=tanh outt=softplus\noutput g\n";
  nc_redef(ncid);
  nc_put_att_text(ncid, NC_GLOBAL, "model_spec", strlen(s), s);
}
static void OtherSpec(int ncid)
{
  const char *s = "input t dims=1 names=t lb=0 ub=3\nmlp g(t) sizes=1,5,1 act=tanh out=softplus bias=1\noutput g names=g\n";
  nc_redef(ncid);
  nc_put_att_text(ncid, NC_GLOBAL, "model_spec", strlen(s), s);
}
static void NewerFormat(int ncid)
{
  long long f = 3;
  nc_redef(ncid);
  nc_put_att_longlong(ncid, NC_GLOBAL, "phynn_model_format", NC_INT64, 1, &f);
}

static PetscErrorCode TestDamaged(void)
{
  PhynnModel  m;
  PhynnRecord r;
  FILE       *fp;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(PhynnModelSetSpec(m, all_blocks, "test"));
  PetscCall(RandomWeights(m, 5));
  PetscCall(MakeRecord(&r));
  PetscCall(PhynnModelSave(m, &r, "apps_modelfile_good.nc"));
  fp = fopen("apps_modelfile_text.nc", "w");
  fputs("not netcdf\n", fp);
  fclose(fp);
  PetscCall(ExpectDamaged("apps_modelfile_text.nc", NULL, "is not a readable NetCDF file", "not NetCDF"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", NotAModel, "is a phynn 'reference' file, not a model", "not a model"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", NaNInTheta, "variable 'theta' holds NaN at flat index 3", "NaN weight"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", EditCopy, "variable 'g.W1' differs from its slice of 'theta'", "edited copy"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", BadSpec, "unknown key 'outt'; did you mean 'out'?", "misspelt spec"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", OtherSpec, "but its model_spec makes", "spec and table disagree"));
  PetscCall(ExpectDamaged("apps_modelfile_good.nc", NewerFormat, "has format 3", "newer format"));
  {
    /* a save that cannot complete leaves neither the file nor its temporary */
    PetscErrorCode ierr;
    PhynnModel     nw;
    PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &nw));
    PetscCall(PhynnModelSetSpec(nw, all_blocks, "test")); /* no weights yet */
    PetscCall(PetscPushErrorHandler(KeepMessage, NULL));
    ierr = PhynnModelSave(nw, NULL, "apps_modelfile_none.nc");
    PetscCall(PetscPopErrorHandler());
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "apps_modelfile_none.nc.tmp.%ld", (long)getpid());
    CHECK(ierr && access("apps_modelfile_none.nc", F_OK) != 0 && access(tmp, F_OK) != 0, "a refused save left a file (error %d)", (int)ierr);
    printf("ok   a refused save leaves no file: %s\n", last_error);
    PetscCall(PhynnModelDestroy(&nw));
  }
  unlink("apps_modelfile_good.nc");
  unlink("apps_modelfile_text.nc");
  PetscCall(PhynnRecordReset(&r));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}

/* Two sub-networks (a DeepONet's branch and trunk, say) take their specs under their own
 * prefixes: -branch_model_spec and -trunk_model_spec, and the bare -model_spec is not read. */
static PetscErrorCode TestPrefix(MPI_Comm comm)
{
  PhynnModel branch, trunk;
  FILE      *f;
  PetscBool  used;
  PetscFunctionBegin;
  f = fopen("apps_modelfile_branch.spec", "w");
  fputs("input u dims=4\nmlp b(u) sizes=4,3\noutput b\n", f);
  fclose(f);
  f = fopen("apps_modelfile_trunk.spec", "w");
  fputs("input y dims=1 names=y\nmlp t(y) sizes=1,3 act=sine\noutput t\n", f);
  fclose(f);
  PetscCall(PetscOptionsSetValue(NULL, "-branch_model_spec", "apps_modelfile_branch.spec"));
  PetscCall(PetscOptionsSetValue(NULL, "-trunk_model_spec", "apps_modelfile_trunk.spec"));
  PetscCall(PetscOptionsSetValue(NULL, "-model_spec", "no_such_file.spec"));
  PetscCall(PhynnOptionsBegin(comm, "test", PHYNN_OPTIONS_READ));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &branch));
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, &trunk));
  PetscCall(PhynnModelSetOptionsPrefix(branch, "branch_"));
  PetscCall(PhynnModelSetOptionsPrefix(trunk, "trunk_"));
  PetscCall(PhynnModelSetFromOptions(branch));
  PetscCall(PhynnModelSetFromOptions(trunk));
  CHECK(!strcmp(PhynnModelGetSpec(branch), "input u dims=4\nmlp b(u) sizes=4,3 act=tanh out=identity bias=1\noutput b\n"), "branch spec: %s", PhynnModelGetSpec(branch));
  CHECK(!strcmp(PhynnModelGetSpec(trunk), "input y dims=1 names=y\nmlp t(y) sizes=1,3 act=sine out=identity bias=1\noutput t\n"), "trunk spec: %s", PhynnModelGetSpec(trunk));
  PetscCall(PetscOptionsUsed(NULL, "-model_spec", &used));
  CHECK(!used, "the bare -model_spec was read by a prefixed model");
  printf("ok   prefixes: -branch_model_spec and -trunk_model_spec reach their models; -model_spec is left alone\n");
  PetscCall(PhynnOptionsEnd());
  PetscCall(PetscOptionsClearValue(NULL, "-branch_model_spec"));
  PetscCall(PetscOptionsClearValue(NULL, "-trunk_model_spec"));
  PetscCall(PetscOptionsClearValue(NULL, "-model_spec"));
  PetscCall(PhynnModelDestroy(&branch));
  PetscCall(PhynnModelDestroy(&trunk));
  unlink("apps_modelfile_branch.spec");
  unlink("apps_modelfile_trunk.spec");
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(TestSpec());
  PetscCall(TestPrefix(comm));
  PetscCall(TestRoundTrip());
  PetscCall(TestFrames());
  PetscCall(TestProduct());
  PetscCall(TestV1());
  PetscCall(TestDamaged());
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
