/* `phynn eval` end to end: the derivative columns it writes for a saved model agree with central
 * finite differences of the model's own outputs (written by the same eval run at shifted points),
 * and a NetCDF grid (coordinate variables t(t), x(x)) is evaluated on the tensor grid in the
 * dimension order of the file's field u_ref(t, x).
 *
 * Finite differences (h1 = 1e-5 for first, h2 = 1e-3 for second derivatives):
 *   u_x  ~ (u(x+h1) - u(x-h1)) / 2h1                       truncation ~h1^2 u'''/6
 *   u_xx ~ (u(x+h2) - 2u(x) + u(x-h2)) / h2^2               truncation ~h2^2 u''''/12, roundoff ~1e-16/h2^2
 *   u_xt ~ (u(++) - u(+-) - u(-+) + u(--)) / 4h2^2
 * The second differences are Richardson-extrapolated from h2 and 2 h2 (alone, their h^2 term is
 * ~1e-4 relative here, where the fourth derivatives are large), leaving O(h2^4) + roundoff, far
 * below the 1e-6 relative tolerance. */
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/csv.h"
#include "phynn/modelfile.h"
#include "phynn/random.h"
#include "phynn_test.h"

#define NBASE 5
#define NSHIFT 21

static PetscErrorCode MakeModel(PhynnModel *m)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnModelCreate(PETSC_COMM_SELF, m));
  PetscCall(PhynnModelSetProblem(*m, "test"));
  /* scaled inputs: derivatives must include the chain rule through the scaling */
  PetscCall(PhynnModelSetSpec(*m, "input points dims=2 names=x,t lb=-5,0 ub=5,1.5\nmlp net(points) sizes=2,6,5,2 act=tanh out=identity\noutput net names=u,v\n", "test"));
  PetscCall(PhynnModelGetParameterCount(*m, &n));
  PetscCall(PetscMalloc1(n, &theta));
  PhynnNormalFill(5, PHYNN_STREAM_USER, 0, n, 0.0, 0.8, theta);
  PetscCall(PhynnModelSetTheta(*m, n, theta));
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

static int Run(const char *args)
{
  const char *exe = getenv("PHYNN_EXE");
  char        cmd[2048];
  snprintf(cmd, sizeof(cmd), "%s %s", exe ? exe : "phynn", args);
  printf("$ %s\n", cmd);
  fflush(stdout);
  return system(cmd);
}

static PetscErrorCode CheckCSV(void)
{
  const double h1 = 1e-5, h2 = 1e-3;
  /* Shifts (dx, dt) per base point: 0, +-h1 in x and t, then +-h2 in x and t with the 4 corners,
   * then the same with 2 h2 (for Richardson extrapolation of the second differences). */
  const double H2 = 2 * h2;
  const double sh[NSHIFT][2] = {{0, 0},   {h1, 0},  {-h1, 0}, {0, h1},   {0, -h1},  {h2, 0},   {-h2, 0},
                                {0, h2},  {0, -h2}, {h2, h2}, {h2, -h2}, {-h2, h2}, {-h2, -h2}, {H2, 0},
                                {-H2, 0}, {0, H2},  {0, -H2}, {H2, H2},  {H2, -H2}, {-H2, H2},  {-H2, -H2}};
  const char *names[3] = {"id", "t", "x"}; /* inputs found by name, in any order; id is copied */
  PhynnTable  pts, out;
  int         c_x, c_t, c_id;

  PetscFunctionBegin;
  PetscCall(PhynnTableCreate(NBASE * NSHIFT, 3, names, &pts));
  for (int p = 0; p < NBASE; p++) {
    double x = -4.0 + 1.9 * p, t = 0.1 + 0.3 * p;
    for (int s = 0; s < NSHIFT; s++) {
      double *row = pts.data + (p * NSHIFT + s) * 3;
      row[0] = p * NSHIFT + s;
      row[1] = t + sh[s][1];
      row[2] = x + sh[s][0];
    }
  }
  PetscCall(PhynnTableWriteCSV("apps_eval_fd_points.csv", &pts));
  CHECK(Run("eval apps_eval_fd_model.nc -in apps_eval_fd_points.csv -o apps_eval_fd_out.csv -derivs x,t,xx,xt,tt") == 0, "phynn eval failed");
  PetscCall(PhynnTableReadCSV("apps_eval_fd_out.csv", &out));
  CHECK(out.rows == NBASE * NSHIFT, "one output row per point");
  CHECK(out.cols == 3 + 2 * 6, "columns: x, t, id, then u, v and 5 derivatives of each: got %d", out.cols);
  CHECK(!strcmp(out.names[0], "x") && !strcmp(out.names[1], "t") && !strcmp(out.names[2], "id"), "the inputs first, then the copied column");
  PetscCall(PhynnTableColumn(&out, "x", &c_x));
  PetscCall(PhynnTableColumn(&out, "t", &c_t));
  PetscCall(PhynnTableColumn(&out, "id", &c_id));
  for (long i = 0; i < out.rows; i++) CHECK(out.data[i * out.cols + c_id] == (double)i, "column id copied through unchanged");
  for (int o = 0; o < 2; o++) {
    const char *u = o ? "v" : "u";
    char        nm[32];
    int         cu, cx, ct, cxx, cxt, ctt;
    PetscCall(PhynnTableColumn(&out, u, &cu));
    snprintf(nm, sizeof(nm), "%s_x", u);
    PetscCall(PhynnTableColumn(&out, nm, &cx));
    snprintf(nm, sizeof(nm), "%s_t", u);
    PetscCall(PhynnTableColumn(&out, nm, &ct));
    snprintf(nm, sizeof(nm), "%s_xx", u);
    PetscCall(PhynnTableColumn(&out, nm, &cxx));
    snprintf(nm, sizeof(nm), "%s_xt", u);
    PetscCall(PhynnTableColumn(&out, nm, &cxt));
    snprintf(nm, sizeof(nm), "%s_tt", u);
    PetscCall(PhynnTableColumn(&out, nm, &ctt));
    for (int p = 0; p < NBASE; p++) {
#define U(s) out.data[(p * NSHIFT + (s)) * out.cols + cu]
#define D(c) out.data[(p * NSHIFT) * out.cols + (c)]
      char what[96];
      double fd_x  = (U(1) - U(2)) / (2 * h1), fd_t = (U(3) - U(4)) / (2 * h1);
      /* Second differences at h2 and 2 h2, combined by Richardson extrapolation (4 D(h) - D(2h))/3,
       * which cancels the h^2 error term: what is left is O(h2^4) and roundoff. */
#define RICH(dh, d2h) ((4 * (dh) - (d2h)) / 3)
      double fd_xx = RICH((U(5) - 2 * U(0) + U(6)) / (h2 * h2), (U(13) - 2 * U(0) + U(14)) / (H2 * H2));
      double fd_tt = RICH((U(7) - 2 * U(0) + U(8)) / (h2 * h2), (U(15) - 2 * U(0) + U(16)) / (H2 * H2));
      double fd_xt = RICH((U(9) - U(10) - U(11) + U(12)) / (4 * h2 * h2), (U(17) - U(18) - U(19) + U(20)) / (4 * H2 * H2));
#undef RICH
      /* Absolute floor: roundoff of the second differences, ~ 4 eps |u| / h2^2. */
      double atol2 = 1e-9 + 8e-16 * fabs(U(0)) / (h2 * h2);
      snprintf(what, sizeof(what), "%s_x at point %d vs central difference", u, p);
      CHECK_CLOSE(what, fd_x, D(cx), 1e-6, 1e-10);
      snprintf(what, sizeof(what), "%s_t at point %d vs central difference", u, p);
      CHECK_CLOSE(what, fd_t, D(ct), 1e-6, 1e-10);
      snprintf(what, sizeof(what), "%s_xx at point %d vs central difference", u, p);
      CHECK_CLOSE(what, fd_xx, D(cxx), 1e-6, atol2);
      snprintf(what, sizeof(what), "%s_tt at point %d vs central difference", u, p);
      CHECK_CLOSE(what, fd_tt, D(ctt), 1e-6, atol2);
      snprintf(what, sizeof(what), "%s_xt at point %d vs central difference", u, p);
      CHECK_CLOSE(what, fd_xt, D(cxt), 1e-6, atol2);
#undef U
#undef D
    }
  }
  PetscCall(PhynnTableDestroy(&pts));
  PetscCall(PhynnTableDestroy(&out));
  PetscFunctionReturn(0);
}

/* A reference-style grid file: x defined before t, but the field u_ref(t, x) fixes the order. */
static PetscErrorCode CheckGrid(PhynnModel m)
{
  const size_t nt = 4, nx = 6;
  double       t[4], x[6], *ref, *uo, *uxx;
  int          ncid, dx, dt, vx, vt, vu, dims[2], nd;
  char         n0[NC_MAX_NAME + 1], n1[NC_MAX_NAME + 1];

  PetscFunctionBegin;
  for (size_t i = 0; i < nt; i++) t[i] = 0.2 * (double)i;
  for (size_t j = 0; j < nx; j++) x[j] = -5 + 2 * (double)j;
  PetscCall(PetscMalloc3(nt * nx, &ref, nt * nx, &uo, nt * nx, &uxx));
  for (size_t k = 0; k < nt * nx; k++) ref[k] = 0;
  CHECK(nc_create("apps_eval_fd_grid.nc", NC_NETCDF4 | NC_CLOBBER, &ncid) == NC_NOERR, "create grid file");
  nc_def_dim(ncid, "x", nx, &dx);
  nc_def_dim(ncid, "t", nt, &dt);
  nc_def_var(ncid, "x", NC_DOUBLE, 1, &dx, &vx);
  nc_def_var(ncid, "t", NC_DOUBLE, 1, &dt, &vt);
  nc_put_att_text(ncid, vt, "units", 1, "s");
  dims[0] = dt;
  dims[1] = dx;
  nc_def_var(ncid, "u_ref", NC_DOUBLE, 2, dims, &vu);
  nc_enddef(ncid);
  nc_put_var_double(ncid, vx, x);
  nc_put_var_double(ncid, vt, t);
  nc_put_var_double(ncid, vu, ref);
  nc_close(ncid);
  CHECK(Run("eval apps_eval_fd_model.nc -in apps_eval_fd_grid.nc -o apps_eval_fd_grid_out.nc -derivs xx") == 0, "phynn eval on a grid failed");

  CHECK(nc_open("apps_eval_fd_grid_out.nc", NC_NOWRITE, &ncid) == NC_NOERR, "open the eval output");
  CHECK(nc_inq_varid(ncid, "u", &vu) == NC_NOERR, "output has u");
  nc_inq_varndims(ncid, vu, &nd);
  CHECK(nd == 2, "u is 2-D on the grid");
  nc_inq_vardimid(ncid, vu, dims);
  nc_inq_dimname(ncid, dims[0], n0);
  nc_inq_dimname(ncid, dims[1], n1);
  CHECK(!strcmp(n0, "t") && !strcmp(n1, "x"), "u is on (t, x) like u_ref, got (%s, %s)", n0, n1);
  nc_get_var_double(ncid, vu, uo);
  CHECK(nc_inq_varid(ncid, "u_xx", &vu) == NC_NOERR, "output has u_xx");
  nc_get_var_double(ncid, vu, uxx);
  {
    char units[8] = "";
    int  v;
    nc_inq_varid(ncid, "t", &v);
    nc_get_att_text(ncid, v, "units", units);
    CHECK(!strcmp(units, "s"), "the coordinate t keeps its units");
  }
  nc_close(ncid);

  /* The same points through the library: u(t_i, x_j) and u_xx, row-major over (t, x). */
  double  *pts, *y;
  PhynnJet jet;
  int      nreq, blocks[2];
  PetscCall(PetscMalloc1(2 * nt * nx, &pts));
  for (size_t i = 0; i < nt; i++)
    for (size_t j = 0; j < nx; j++) {
      pts[2 * (i * nx + j) + 0] = x[j];
      pts[2 * (i * nx + j) + 1] = t[i];
    }
  const PhynnModelVar *mi;
  PetscCall(PhynnModelGetPointIO(m, "test", &mi, NULL));
  PetscCall(PhynnJetFromNames(PETSC_COMM_SELF, 2, (const char(*)[32])mi->comp, "xx", &jet, &nreq, blocks, NULL));
  PetscCall(PhynnModelEvaluate(m, (long)(nt * nx), (const double *const *)&pts, &jet, &y));
  double maxerr = 0;
  for (size_t k = 0; k < nt * nx; k++) {
    maxerr = PetscMax(maxerr, fabs(uo[k] - y[2 * k]) / (1 + fabs(y[2 * k])));
    maxerr = PetscMax(maxerr, fabs(uxx[k] - y[2 * ((long)blocks[0] * (long)(nt * nx) + (long)k)]) / (1 + fabs(uxx[k])));
  }
  CHECK_CLOSE("grid eval vs library evaluation (max relative difference)", maxerr, 0, 0, 1e-13);
  PetscCall(PetscFree(y));
  PetscCall(PetscFree(pts));
  PetscCall(PetscFree3(ref, uo, uxx));
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  PhynnModel m;
  PetscFunctionBegin;
  (void)comm;
  PetscCall(MakeModel(&m));
  PetscCall(PhynnModelSave(m, NULL, "apps_eval_fd_model.nc"));
  PetscCall(CheckCSV());
  PetscCall(CheckGrid(m));
  PetscCall(PhynnModelDestroy(&m));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Body)
