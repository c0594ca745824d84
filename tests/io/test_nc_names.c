/* A variable named like a dimension must be that dimension's 1-D coordinate (CF's coordinate
 * variable, what xarray takes it for): PhynnNcCommit refuses anything else with a one-line error
 * naming the variable, and leaves no file behind, so no phynn writer can produce a file that
 * xarray.open_dataset rejects ("'history' has more than 1-dimension and the same name as one of
 * its dimensions"). Coordinates, and names that are no dimension's, commit as before. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phynn/ncfile.h"
#include "phynn/store.h"
#include "phynn_test.h"

static char last_error[4096];

static PetscErrorCode CaptureError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) snprintf(last_error, sizeof(last_error), "%s", mess ? mess : "");
  return n;
}

static int Exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* True when `dir` holds nothing (no temporary file either). */
static int DirIsEmpty(const char *dir)
{
  DIR           *d = opendir(dir);
  struct dirent *e;
  int            empty = d != NULL;
  while (d && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  if (d) closedir(d);
  return empty;
}

static const long   rows[2] = {3, 2}, one = 3;
static const double vals[6] = {1, 2, 3, 4, 5, 6};

/* A store whose group /training holds `name`(d0, d1) with d0, d1 = dims, beside a 1-D coordinate
 * optimizer_state(optimizer_state). Returns the commit's error code. */
static PetscErrorCode WriteHistory(const char *path, const char *name, const char *d0, const char *d1)
{
  PhynnStore     s;
  const char    *hd[2] = {d0, d1}, *od = "optimizer_state";
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(PhynnStoreCreate(path, "names test", &s));
  PetscCall(PhynnStorePushGroup(s, "training"));
  PetscCall(PhynnStorePutArray(s, "optimizer_state", 1, &od, &one, vals, "a coordinate"));
  PetscCall(PhynnStorePutArray(s, name, 2, hd, rows, vals, "a table"));
  PetscCall(PhynnStorePopGroup(s));
  ierr = PhynnStoreCommit(&s);
  if (ierr) PetscCall(PhynnStoreDiscard(&s));
  PetscFunctionReturn(ierr);
}

static void ExpectRefused(const char *what, PetscErrorCode ierr, const char *path, const char *var)
{
  char want[128];
  snprintf(want, sizeof(want), "variable '%s' is named like a dimension", var);
  CHECK(ierr != 0, "%s: the commit should fail", what);
  CHECK(strstr(last_error, want) && strstr(last_error, path) && !strchr(last_error, '\n'), "%s: message '%s' should be one line with '%s' and the path", what, last_error, want);
  CHECK(!Exists(path), "%s: %s should not exist", what, path);
  if (ierr && strstr(last_error, want) && !Exists(path)) printf("ok   %s: refused (%s)\n", what, last_error);
}

static PetscErrorCode Tests(const char *dir)
{
  char           path[512];
  PetscErrorCode ierr;
  PhynnNcWriter  w;
  int            dx, vx, vbad, dp;
  PetscFunctionBegin;
  /* the layout before format 2's fix: a 2-D history over its own name */
  snprintf(path, sizeof(path), "%s/old.nc", dir);
  last_error[0] = '\0';
  ierr          = WriteHistory(path, "history", "history", "history_column");
  ExpectRefused("store: history(history, history_column)", ierr, path, "history");
  /* named like the group's other dimension (the second one) */
  snprintf(path, sizeof(path), "%s/second.nc", dir);
  ierr = WriteHistory(path, "history_column", "history_row", "history_column");
  ExpectRefused("store: history_column(history_row, history_column)", ierr, path, "history_column");
  /* today's layout commits: history(history_row, history_column) and a coordinate */
  snprintf(path, sizeof(path), "%s/ok.nc", dir);
  PetscCall(WriteHistory(path, "history", "history_row", "history_column"));
  CHECK(Exists(path), "store: history(history_row, history_column) should be written");
  if (Exists(path)) printf("ok   store: history(history_row, history_column) beside optimizer_state(optimizer_state) is written\n");
  unlink(path);
  /* a writer's 1-D variable named like a dimension it does not run along */
  snprintf(path, sizeof(path), "%s/eval.nc", dir);
  PetscCall(PhynnNcCreate(path, &w));
  PetscCall(PhynnNcDefCoord(&w, "x", 3, "m", "position", &dx, &vx));
  PhynnNcCall(path, nc_def_dim(w.ncid, "point", 3, &dp));
  PetscCall(PhynnNcDefVar(&w, "point", 1, &dx, NULL, "an output named like the point dimension", &vbad));
  last_error[0] = '\0';
  ierr          = PhynnNcCommit(&w);
  ExpectRefused("writer: point(x) beside dimension point", ierr, path, "point");
  CHECK(DirIsEmpty(dir), "no temporary file should be left in %s", dir);
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  char           dir[64] = "nctest-XXXXXX";
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(mkdtemp(dir), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create a scratch directory in the current directory");
  PetscCall(PetscPushErrorHandler(CaptureError, NULL));
  ierr = Tests(dir);
  PetscCall(PetscPopErrorHandler());
  if (ierr) fprintf(stderr, "FAIL unexpected error: %s\n", last_error);
  else rmdir(dir);
  PetscFunctionReturn(ierr);
}

PHYNN_TEST_MAIN(Body)
