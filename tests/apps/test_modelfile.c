/* Model files (io/modelfile.c): a saved model loads back bit for bit, and damaged or foreign
 * files are refused with one clear error each (and a refused save leaves no file behind). */
#include <netcdf.h>
#include <string.h>
#include <unistd.h>

#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/random.h"
#include "phynn_test.h"

/* A model that uses every field: 2 inputs, 2 outputs with references, 2 hidden layers, extras,
 * optimiser state, loss history with two terms, options text. */
static PetscErrorCode MakeModel(PhynnModel *m)
{
  PetscFunctionBegin;
  PhynnModelInit(m);
  PetscCall(PetscStrncpy(m->problem, "pinn-nls", sizeof(m->problem)));
  m->nin  = 2;
  m->nout = 2;
  PetscCall(PetscStrncpy(m->in_names[0], "x", 32));
  PetscCall(PetscStrncpy(m->in_names[1], "t", 32));
  PetscCall(PetscStrncpy(m->out_names[0], "u", 32));
  PetscCall(PetscStrncpy(m->out_names[1], "v", 32));
  PetscCall(PetscStrncpy(m->out_ref[0], "h_re", 32));
  PetscCall(PetscStrncpy(m->out_ref[1], "h_im", 32));
  m->scale_inputs = PETSC_TRUE;
  m->in_lb[0] = -5;
  m->in_ub[0] = 5;
  m->in_lb[1] = 0;
  m->in_ub[1] = M_PI / 2;
  m->nsizes   = 4;
  m->sizes[0] = 2;
  m->sizes[1] = 5;
  m->sizes[2] = 3;
  m->sizes[3] = 2;
  m->hidden   = PHYNN_ACT_TANH;
  m->output   = PHYNN_ACT_IDENTITY;
  m->bias     = PETSC_TRUE;
  m->nextra   = 2;
  PetscCall(PetscStrncpy(m->extra_names[0], "g", 32));
  PetscCall(PetscStrncpy(m->extra_names[1], "kappa", 32));
  m->nparams = PhynnModelNetworkParams(m) + m->nextra;
  PetscCall(PetscMalloc1(m->nparams, &m->theta));
  /* Random doubles with all 53 bits in use, so a lossy round trip cannot pass by luck. */
  PhynnNormalFill(11, PHYNN_STREAM_USER, 0, m->nparams, 0.0, 1.0, m->theta);
  m->seed      = 0xfedcba9876543210ULL; /* above 2^63: the attribute must be unsigned */
  m->iteration = 12345;
  PetscCall(PetscStrncpy(m->optimizer, "adam", sizeof(m->optimizer)));
  m->nopt_state = 2 * m->nparams + 3;
  PetscCall(PetscMalloc1(m->nopt_state, &m->opt_state));
  PhynnUniformFill(12, PHYNN_STREAM_USER, 0, m->nopt_state, 0.0, 1.0, m->opt_state);
  m->nterms = 2;
  PetscCall(PetscStrncpy(m->term_names[0], "residual", 32));
  PetscCall(PetscStrncpy(m->term_names[1], "initial", 32));
  m->nhistory = 7;
  PetscCall(PetscMalloc1(m->nhistory * (3 + m->nterms), &m->history));
  PhynnUniformFill(13, PHYNN_STREAM_USER, 0, m->nhistory * (3 + m->nterms), 0.0, 1.0, m->history);
  PetscCall(PetscStrallocpy("-lr 0.001\n-max_it 100\n", &m->options));
  PetscFunctionReturn(0);
}

static int SameDoubles(const double *a, const double *b, long n) { return n == 0 || (a && b && !memcmp(a, b, (size_t)n * sizeof(double))); }

static PetscErrorCode CheckSame(const PhynnModel *a, const PhynnModel *b)
{
  PetscFunctionBegin;
  CHECK(!strcmp(a->problem, b->problem), "problem: '%s' vs '%s'", a->problem, b->problem);
  CHECK(a->nin == b->nin && a->nout == b->nout, "nin/nout");
  for (int c = 0; c < a->nin && c < b->nin; c++) CHECK(!strcmp(a->in_names[c], b->in_names[c]), "input name %d", c);
  for (int c = 0; c < a->nout && c < b->nout; c++) {
    CHECK(!strcmp(a->out_names[c], b->out_names[c]), "output name %d", c);
    CHECK(!strcmp(a->out_ref[c], b->out_ref[c]), "output reference %d: '%s' vs '%s'", c, a->out_ref[c], b->out_ref[c]);
  }
  CHECK(a->scale_inputs == b->scale_inputs, "scale_inputs");
  CHECK(SameDoubles(a->in_lb, b->in_lb, a->nin) && SameDoubles(a->in_ub, b->in_ub, a->nin), "input bounds differ");
  CHECK(a->nsizes == b->nsizes, "nsizes %d vs %d", a->nsizes, b->nsizes);
  for (int l = 0; l < a->nsizes && l < b->nsizes; l++) CHECK(a->sizes[l] == b->sizes[l], "size %d", l);
  CHECK(a->hidden == b->hidden && a->output == b->output && a->bias == b->bias, "activations/bias");
  CHECK(a->nextra == b->nextra, "nextra %d vs %d", a->nextra, b->nextra);
  for (int k = 0; k < a->nextra && k < b->nextra; k++) CHECK(!strcmp(a->extra_names[k], b->extra_names[k]), "extra name %d", k);
  CHECK(a->nparams == b->nparams && SameDoubles(a->theta, b->theta, a->nparams), "theta differs");
  CHECK(a->seed == b->seed, "seed %llx vs %llx", (unsigned long long)a->seed, (unsigned long long)b->seed);
  CHECK(a->iteration == b->iteration, "iteration");
  CHECK(!strcmp(a->optimizer, b->optimizer), "optimizer");
  CHECK(a->nopt_state == b->nopt_state && SameDoubles(a->opt_state, b->opt_state, a->nopt_state), "optimizer state differs");
  CHECK(a->nterms == b->nterms, "nterms");
  for (int k = 0; k < a->nterms && k < b->nterms; k++) CHECK(!strcmp(a->term_names[k], b->term_names[k]), "term name %d", k);
  CHECK(a->nhistory == b->nhistory && SameDoubles(a->history, b->history, a->nhistory * (3 + a->nterms)), "history differs");
  CHECK(!strcmp(a->options ? a->options : "", b->options ? b->options : ""), "options text");
  PetscFunctionReturn(0);
}

/* Runs PhynnModelLoad expecting failure; the error prints one line on stderr (the handler). */
static PetscErrorCode ExpectLoadFails(const char *path, const char *why)
{
  PhynnModel     m;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PhynnModelInit(&m);
  printf("expecting an error for %s:\n", why);
  fflush(stdout);
  PetscCall(PhynnErrorHandlerPush()); /* prints the one-line message, returns the code */
  ierr = PhynnModelLoad(path, &m);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr != 0, "loading %s (%s) should fail", path, why);
  CHECK(m.theta == NULL && m.nparams == 0, "a failed load leaves the model reset (%s)", why);
  if (!ierr) PetscCall(PhynnModelReset(&m));
  else printf("ok   %s is refused\n", why);
  PetscFunctionReturn(0);
}

/* Opens a saved file for writing and applies an edit (damages it on purpose). */
static void EditFile(const char *path, void (*edit)(int ncid))
{
  int ncid;
  if (nc_open(path, NC_WRITE, &ncid) != NC_NOERR) {
    CHECK(0, "cannot reopen %s", path);
    return;
  }
  edit(ncid);
  nc_close(ncid);
}
static void PutNaNInTheta(int ncid)
{
  int    v;
  size_t idx = 3;
  double nan = NAN;
  nc_inq_varid(ncid, "theta", &v);
  nc_put_var1_double(ncid, v, &idx, &nan);
}
static void ChangeW2(int ncid)
{
  int    v;
  size_t idx[2] = {1, 1};
  double x      = 42;
  nc_inq_varid(ncid, "W2", &v);
  nc_put_var1_double(ncid, v, idx, &x);
}
static void ChangeLayerSize(int ncid)
{
  int    v;
  size_t idx = 1;
  int    x   = 6;
  nc_inq_varid(ncid, "layer_sizes", &v);
  nc_put_var1_int(ncid, v, &idx, &x);
}
static void DropKind(int ncid)
{
  nc_redef(ncid);
  nc_del_att(ncid, NC_GLOBAL, "phynn_file");
  nc_enddef(ncid);
}

static PetscErrorCode Copy(const char *from, const char *to)
{
  FILE  *a = fopen(from, "rb"), *b = fopen(to, "wb");
  char   buf[65536];
  size_t n;
  PetscFunctionBegin;
  PetscCheck(a && b, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot copy %s to %s", from, to);
  while ((n = fread(buf, 1, sizeof(buf), a)) > 0) fwrite(buf, 1, n, b);
  fclose(a);
  fclose(b);
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  PhynnModel  a, b;
  const char *path = "apps_modelfile_roundtrip.nc";
  PetscFunctionBegin;
  (void)comm;
  PetscCall(MakeModel(&a));
  PetscCall(PhynnModelSave(&a, path));
  PhynnModelInit(&b);
  PetscCall(PhynnModelLoad(path, &b));
  PetscCall(CheckSame(&a, &b));
  if (!phynn_test_failures) printf("ok   round trip: every field equal bit for bit (%ld parameters, %ld history rows)\n", a.nparams, a.nhistory);

  /* The per-layer copies are slices of theta: W2 (3 x 5) starts after W1 (5 x 2) and b1 (5). */
  {
    int    ncid, v;
    double W2[15];
    nc_open(path, NC_NOWRITE, &ncid);
    CHECK(nc_inq_varid(ncid, "W2", &v) == NC_NOERR && nc_get_var_double(ncid, v, W2) == NC_NOERR, "W2 readable");
    CHECK(!memcmp(W2, a.theta + 15, sizeof(W2)), "W2 is theta[15:30] in row-major (out, in) order");
    double g;
    CHECK(nc_inq_varid(ncid, "g", &v) == NC_NOERR && nc_get_var_double(ncid, v, &g) == NC_NOERR && g == a.theta[a.nparams - 2], "extra 'g' is a scalar variable");
    nc_close(ncid);
  }

  /* An empty history and optimiser state (a model that was never trained) round-trip too. */
  {
    PhynnModel c, d;
    PetscCall(MakeModel(&c));
    c.nhistory = 0;
    c.nopt_state = 0;
    c.nterms = 0;
    c.nextra = 0;
    c.nparams = PhynnModelNetworkParams(&c);
    c.bias = PETSC_FALSE;
    c.nparams = PhynnModelNetworkParams(&c);
    PetscCall(PhynnModelSave(&c, "apps_modelfile_empty.nc"));
    PhynnModelInit(&d);
    PetscCall(PhynnModelLoad("apps_modelfile_empty.nc", &d));
    c.nparams = d.nparams; /* compare the same prefix of theta */
    PetscCall(CheckSame(&c, &d));
    PetscCall(PhynnModelReset(&c));
    PetscCall(PhynnModelReset(&d));
    unlink("apps_modelfile_empty.nc");
  }

  /* Refused files. */
  PetscCall(ExpectLoadFails("apps_modelfile_missing.nc", "a missing file"));
  {
    FILE *fp = fopen("apps_modelfile_text.nc", "w");
    fputs("not a netcdf file\n", fp);
    fclose(fp);
    PetscCall(ExpectLoadFails("apps_modelfile_text.nc", "a text file"));
    unlink("apps_modelfile_text.nc");
  }
  {
    struct { const char *name, *why; void (*edit)(int); } cases[] = {
      {"apps_modelfile_nan.nc", "NaN in theta", PutNaNInTheta},
      {"apps_modelfile_w2.nc", "W2 edited without theta", ChangeW2},
      {"apps_modelfile_sizes.nc", "layer_sizes inconsistent with theta", ChangeLayerSize},
      {"apps_modelfile_kind.nc", "a NetCDF file that is not a phynn model", DropKind},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
      PetscCall(Copy(path, cases[k].name));
      EditFile(cases[k].name, cases[k].edit);
      PetscCall(ExpectLoadFails(cases[k].name, cases[k].why));
      unlink(cases[k].name);
    }
  }
  /* A refused save leaves nothing behind: an extra parameter named like a variable. */
  {
    PetscErrorCode ierr;
    const char    *bad = "apps_modelfile_refused.nc";
    PetscCall(PetscStrncpy(a.extra_names[1], "theta", 32));
    unlink(bad);
    PetscCall(PhynnErrorHandlerPush());
    ierr = PhynnModelSave(&a, bad);
    PetscCall(PetscPopErrorHandler());
    CHECK(ierr != 0, "saving an extra named 'theta' should fail");
    CHECK(access(bad, F_OK) != 0, "a refused save must not create %s", bad);
    char tmp[PETSC_MAX_PATH_LEN];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", bad, (long)getpid());
    CHECK(access(tmp, F_OK) != 0, "a refused save must not leave %s", tmp);
    if (ierr && access(bad, F_OK) != 0) printf("ok   a refused save leaves no file\n");
  }
  PetscCall(PhynnModelReset(&a));
  PetscCall(PhynnModelReset(&b));
  unlink(path);
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
