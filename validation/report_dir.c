/* The report directory, written atomically: everything that can fail on the user's input is
 * checked before it is touched (PhynnReportDirCheck); the report is built in "<DIR>.tmp.<pid>"
 * beside DIR (the same file system, so the final rename is atomic) and renamed onto DIR at the
 * end, an old DIR moved aside first and removed after. DIR is thus either the old report or the
 * complete new one, never half of either. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_impl.h"

void PhynnRemoveTree(const char *path)
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
    if (!lstat(sub, &st) && S_ISDIR(st.st_mode)) PhynnRemoveTree(sub);
    else unlink(sub);
  }
  closedir(d);
  rmdir(path);
}

PetscErrorCode PhynnReportDirCheck(const char *dir, char *clean, size_t len)
{
  char        parent[PETSC_MAX_PATH_LEN];
  struct stat st;
  size_t      l;

  PetscFunctionBegin;
  PetscCheck(dir && dir[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no report directory given; pass -report DIR");
  PetscCheck(strlen(dir) + 40 < PETSC_MAX_PATH_LEN && strlen(dir) < len, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "report directory path is too long; choose a shorter -report path");
  PetscCall(PetscStrncpy(parent, dir, sizeof(parent)));
  const char *p = dirname(parent);
  PetscCheck(!stat(p, &st) && S_ISDIR(st.st_mode), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: directory '%s' does not exist; create it or choose another -report path", dir, p);
  PetscCheck(!access(p, W_OK | X_OK), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: directory '%s' is not writable; choose another -report path", dir, p);
  PetscCheck(stat(dir, &st) || S_ISDIR(st.st_mode), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write report %s: it exists and is not a directory; remove it or choose another -report path", dir);
  PetscCall(PetscStrncpy(clean, dir, len));
  for (l = strlen(clean); l > 1 && clean[l - 1] == '/'; l--) clean[l - 1] = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnReportDirBegin(const char *dir, char *tmpdir, size_t len)
{
  PetscFunctionBegin;
  snprintf(tmpdir, len, "%s.tmp.%d", dir, (int)getpid());
  PhynnRemoveTree(tmpdir); /* a leftover of a killed run with the same pid */
  PetscCheck(!mkdir(tmpdir, 0777), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot create %s (the report's temporary directory): %s; check the directory's permissions", tmpdir, strerror(errno));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnReportDirCommit(const char *tmpdir, const char *dir)
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
    PhynnRemoveTree(old);
  } else {
    PetscCheck(!rename(tmpdir, dir), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot move the new report into %s: %s; check the directory's permissions", dir, strerror(errno));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnReportDirFinish(const char *dir, const char *tmpdir, PetscErrorCode written)
{
  PetscErrorCode ierr = written;
  PetscFunctionBegin;
  if (!ierr) ierr = PhynnReportDirCommit(tmpdir, dir);
  if (ierr) PhynnRemoveTree(tmpdir);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
