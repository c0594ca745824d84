/* PhynnValidateRun: one validation from files to report, on rank 0 of a communicator.
 *
 * Order of work: everything that can fail on the user's input (model, reference, variable
 * names, shapes, threshold components, gnuplot, the report's parent directory) is checked
 * before the report directory is touched; the report is then built in "<DIR>.tmp.<pid>" beside
 * DIR and renamed onto DIR (an old DIR is moved aside first and removed after), so DIR is
 * either the old report or the complete new one. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phynn/modelfile.h"
#include "phynn/validate.h"

/* Removes a directory tree that this process created (best effort: used on error paths). */
static void RemoveTree(const char *path)
{
  DIR           *d = opendir(path);
  struct dirent *e;
  if (!d) {
    unlink(path);
    return;
  }
  while ((e = readdir(d))) {
    char        sub[PETSC_MAX_PATH_LEN + 300];
    struct stat st;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
    if (!lstat(sub, &st) && S_ISDIR(st.st_mode)) RemoveTree(sub);
    else unlink(sub);
  }
  closedir(d);
  rmdir(path);
}

/* The report directory can be (re)created: its parent exists and is writable, and DIR itself is
 * a directory if it exists. */
static PetscErrorCode CheckReportDir(const char *dir)
{
  char        parent[PETSC_MAX_PATH_LEN];
  struct stat st;

  PetscFunctionBegin;
  PetscCheck(dir && dir[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no report directory given; pass -report DIR");
  PetscCheck(strlen(dir) + 40 < PETSC_MAX_PATH_LEN, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "report directory path is too long; choose a shorter -report path");
  PetscCall(PetscStrncpy(parent, dir, sizeof(parent)));
  const char *p = dirname(parent);
  PetscCheck(!stat(p, &st) && S_ISDIR(st.st_mode), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: directory '%s' does not exist; create it or choose another -report path", dir, p);
  PetscCheck(!access(p, W_OK | X_OK), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: directory '%s' is not writable; choose another -report path", dir, p);
  PetscCheck(stat(dir, &st) || S_ISDIR(st.st_mode), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: it exists and is not a directory; remove it or choose another -report path", dir);
  PetscFunctionReturn(0);
}

static void GetAttr(int ncid, const char *name, char *value, size_t len)
{
  size_t n = 0;
  value[0] = '\0';
  if (nc_inq_attlen(ncid, NC_GLOBAL, name, &n) != NC_NOERR || n >= len) return;
  if (nc_get_att_text(ncid, NC_GLOBAL, name, value) != NC_NOERR) n = 0;
  value[n] = '\0';
}

/* Plots, JSON and HTML into the temporary directory. */
static PetscErrorCode WriteReport(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *gnuplot, const char *tmpdir)
{
  char path[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(PhynnValidationPlots(m, rec, v, gnuplot, tmpdir));
  snprintf(path, sizeof(path), "%s/plotdata", tmpdir);
  RemoveTree(path);
  snprintf(path, sizeof(path), "%s/plots.gp", tmpdir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  PetscCall(PhynnValidationWriteJSON(v, path));
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  PetscCall(PhynnValidationWriteHTML(m, rec, v, path));
  PetscFunctionReturn(0);
}

static PetscErrorCode Commit(const char *tmpdir, const char *dir)
{
  char        old[PETSC_MAX_PATH_LEN + 32];
  struct stat st;

  PetscFunctionBegin;
  if (!stat(dir, &st)) {
    snprintf(old, sizeof(old), "%s.old.%d", dir, (int)getpid());
    PetscCheck(!rename(dir, old), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot replace report %s (moving the old one aside: %s); remove it or choose another -report path", dir, strerror(errno));
    if (rename(tmpdir, dir)) {
      int err = errno;
      (void)rename(old, dir);
      SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot move the new report into %s: %s; check the directory's permissions", dir, strerror(err));
    }
    RemoveTree(old);
  } else {
    PetscCheck(!rename(tmpdir, dir), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot move the new report into %s: %s; check the directory's permissions", dir, strerror(errno));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Validate(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnValidation *v)
{
  const char    *gnuplot = opt && opt->gnuplot && opt->gnuplot[0] ? opt->gnuplot : "gnuplot";
  char           dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32];
  size_t         l;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PhynnThresholdsParse(PETSC_COMM_SELF, opt ? opt->thresholds : NULL, PHYNN_VALIDATE_MAX_THRESHOLDS, v->th, &v->nth));
  PetscCall(CheckReportDir(report_dir));
  PetscCall(PetscStrncpy(dir, report_dir, sizeof(dir)));
  for (l = strlen(dir); l > 1 && dir[l - 1] == '/'; l--) dir[l - 1] = '\0';
  PetscCall(PhynnGnuplotTerminal(gnuplot, opt ? opt->terminal : NULL, v->terminal, sizeof(v->terminal), v->image_ext, sizeof(v->image_ext)));

  /* header: what is compared with what, and where the model came from */
  PetscCall(PetscStrncpy(v->model_path, model_path ? model_path : "(in memory)", sizeof(v->model_path)));
  PetscCall(PetscStrncpy(v->ref_path, ref_path, sizeof(v->ref_path)));
  PetscCall(PetscStrncpy(v->problem, PhynnModelGetProblem(m), sizeof(v->problem)));
  if (opt && opt->title && opt->title[0]) PetscCall(PetscStrncpy(v->title, opt->title, sizeof(v->title)));
  else snprintf(v->title, sizeof(v->title), "Validation of %s against %s", model_path ? model_path : PhynnModelGetProblem(m), ref_path);
  {
    int ncid;
    if (model_path && nc_open(model_path, NC_NOWRITE, &ncid) == NC_NOERR) {
      GetAttr(ncid, "phynn_version", v->model_version, sizeof(v->model_version));
      GetAttr(ncid, "phynn_git_revision", v->model_git, sizeof(v->model_git));
      GetAttr(ncid, "command_line", v->model_cmd, sizeof(v->model_cmd));
      nc_close(ncid);
    } else {
      PetscCall(PetscStrncpy(v->model_version, PHYNN_VERSION, sizeof(v->model_version)));
      PetscCall(PetscStrncpy(v->model_git, PhynnGitRevision(), sizeof(v->model_git)));
      PetscCall(PetscStrncpy(v->model_cmd, PhynnCommandLine(), sizeof(v->model_cmd)));
    }
  }
  PetscCall(PhynnValidationCompute(m, ref_path, v));
  PetscCall(PhynnValidationApplyThresholds(v));

  snprintf(tmpdir, sizeof(tmpdir), "%s.tmp.%d", dir, (int)getpid());
  RemoveTree(tmpdir); /* a leftover of a killed run with the same pid */
  PetscCheck(!mkdir(tmpdir, 0777), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot create %s (the report's temporary directory): %s; check the directory's permissions", tmpdir, strerror(errno));
  ierr = WriteReport(m, rec, v, gnuplot, tmpdir);
  if (!ierr) ierr = Commit(tmpdir, dir);
  if (ierr) RemoveTree(tmpdir);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidateRun(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const PhynnValidateOptions *opt, PetscBool *passed,
                                char *failure, size_t len)
{
  PetscErrorCode ierr = 0;
  int            flags[2] = {0, 1};
  char           why[320] = "";

  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    PhynnValidation *v;
    PhynnModel       loaded = NULL;
    PhynnRecord      loaded_rec, empty;
    PhynnRecordInit(&loaded_rec);
    PhynnRecordInit(&empty);
    PetscCall(PetscCalloc1(1, &v));
    if (!m) {
      PetscCheck(model_path, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnValidateRun: give a model or a model path");
      ierr = PhynnModelLoadFile(PETSC_COMM_SELF, model_path, &loaded, &loaded_rec);
    }
    if (!ierr) ierr = Validate(m ? m : loaded, m ? (rec ? rec : &empty) : &loaded_rec, model_path, ref_path, report_dir, opt, v);
    if (!ierr) {
      flags[1] = v->passed ? 1 : 0;
      if (!v->passed) {
        if (v->nfailed > 1) snprintf(why, sizeof(why), "%s (and %d more)", v->failure, v->nfailed - 1);
        else snprintf(why, sizeof(why), "%s", v->failure);
      }
    }
    flags[0] = ierr ? 1 : 0;
    PetscCall(PhynnValidationDestroy(v));
    PetscCall(PetscFree(v));
    PetscCall(PhynnModelDestroy(&loaded));
    PetscCall(PhynnRecordReset(&loaded_rec));
  }
  PetscCallMPI(MPI_Bcast(flags, 2, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(why, (int)sizeof(why), MPI_CHAR, 0, comm));
  PetscCall(ierr);
  /* Other ranks: rank 0 printed the message; raising on comm prints nothing here (rank != 0). */
  PetscCheck(!flags[0], comm, PHYNN_ERR_INPUT, "validation failed on rank 0");
  *passed = flags[1] ? PETSC_TRUE : PETSC_FALSE;
  if (failure && len) PetscCall(PetscStrncpy(failure, why, len));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidate(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const char *thresholds, PetscBool *passed)
{
  PhynnValidateOptions opt = {0};

  PetscFunctionBegin;
  opt.thresholds = thresholds;
  PetscCall(PhynnValidateRun(comm, m, rec, model_path, ref_path, report_dir, &opt, passed, NULL, 0));
  PetscFunctionReturn(0);
}
