/* Text files written atomically: a temporary name in the destination directory, then rename. */
#include "phynn/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files not yet committed, so an error exit can remove them (same scheme as ncfile.c).
 * A fixed table: phynn has a handful of files open at a time, never dozens. */
#define PHYNN_FILE_MAX_PENDING 16
static char  pending_tmp[PHYNN_FILE_MAX_PENDING][PETSC_MAX_PATH_LEN + 32];
static FILE *pending_fp[PHYNN_FILE_MAX_PENDING];

static void PendingAdd(const char *tmp, FILE *fp)
{
  for (int i = 0; i < PHYNN_FILE_MAX_PENDING; i++)
    if (!pending_tmp[i][0]) {
      snprintf(pending_tmp[i], sizeof(pending_tmp[i]), "%s", tmp);
      pending_fp[i] = fp;
      return;
    }
}

static void PendingRemove(const char *tmp)
{
  for (int i = 0; i < PHYNN_FILE_MAX_PENDING; i++)
    if (pending_tmp[i][0] && !strcmp(pending_tmp[i], tmp)) {
      pending_tmp[i][0] = '\0';
      pending_fp[i]     = NULL;
    }
}

void PhynnFileDiscardAll(void)
{
  for (int i = 0; i < PHYNN_FILE_MAX_PENDING; i++)
    if (pending_tmp[i][0]) {
      if (pending_fp[i]) fclose(pending_fp[i]);
      unlink(pending_tmp[i]);
      pending_tmp[i][0] = '\0';
      pending_fp[i]     = NULL;
    }
}

/* Why the directory of `path` cannot take a new file, as a phrase for an error message. */
static const char *DirProblem(int err)
{
  switch (err) {
  case ENOENT: return "does not exist";
  case ENOTDIR: return "is not a directory";
  case EACCES:
  case EPERM: return "is not writable";
  case EROFS: return "is on a read-only file system";
  case ENOSPC:
  case EDQUOT: return "is full (no space or quota left)";
  default: return strerror(err);
  }
}

PetscErrorCode PhynnFileOpenAtomic(const char *path, FILE **fp, char *tmp_path, size_t len)
{
  char        dir[PETSC_MAX_PATH_LEN];
  struct stat st;
  int         fd = -1, err = 0;

  PetscFunctionBegin;
  *fp = NULL;
  PetscCheck(path && path[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no output file name given; pass a file path such as out/log.csv");
  PetscCheck(strlen(path) < sizeof(dir), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "output path '%s' is too long (at most %d characters); choose a shorter path", path,
             (int)sizeof(dir) - 1);
  PetscCheck(stat(path, &st) != 0 || !S_ISDIR(st.st_mode), PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: it is a directory; give a file name inside it", path);
  PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
  const char *d = dirname(dir);
  /* O_EXCL: never write through a file (or a symlink) someone else left under the temporary
   * name. The counter makes a second open of the same path in one process get its own name. */
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    int k = attempt ? snprintf(tmp_path, len, "%s.tmp.%ld.%d", path, (long)getpid(), attempt) : snprintf(tmp_path, len, "%s.tmp.%ld", path, (long)getpid());
    PetscCheck(k > 0 && (size_t)k < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "buffer for the temporary name of %s is too small (%zu bytes); give at least PETSC_MAX_PATH_LEN + 32", path, len);
    /* 0666 and the umask, like fopen: the final file gets the permissions users expect. */
    fd  = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    err = fd < 0 ? errno : 0;
    if (fd < 0 && err != EEXIST) break;
  }
  if (fd < 0) {
    tmp_path[0] = '\0';
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: directory '%s' %s; create it or choose another output path", path, d, DirProblem(err));
  }
  *fp = fdopen(fd, "w");
  if (!*fp) {
    err = errno;
    close(fd);
    unlink(tmp_path);
    tmp_path[0] = '\0';
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: %s", path, strerror(err));
  }
  PendingAdd(tmp_path, *fp);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFileCommit(FILE **fp, const char *tmp_path, const char *path)
{
  int failed, err = 0;

  PetscFunctionBegin;
  PetscCheck(*fp, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnFileCommit(%s): the file is not open (committed or discarded already)", path);
  /* Buffered write errors (disk full, quota) only show up at fflush/fclose; fsync makes sure the
   * data is on disk before the rename makes it visible under the final name. */
  failed = fflush(*fp) != 0 || ferror(*fp);
  if (failed) err = errno;
  if (!failed && fsync(fileno(*fp)) != 0 && errno != EINVAL) { /* EINVAL: special files (/dev/null) */
    failed = 1;
    err    = errno;
  }
  if (fclose(*fp) != 0 && !failed) {
    failed = 1;
    err    = errno;
  }
  *fp = NULL;
  PendingRemove(tmp_path);
  if (failed) {
    unlink(tmp_path);
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot write %s: %s; free some space or choose another output path", path, err ? strerror(err) : "write error");
  }
  if (rename(tmp_path, path) != 0) {
    err = errno;
    unlink(tmp_path);
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot rename the finished file onto %s: %s; check the path and permissions", path, strerror(err));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFileDiscard(FILE **fp, const char *tmp_path)
{
  PetscFunctionBegin;
  if (*fp) {
    fclose(*fp);
    *fp = NULL;
  }
  if (tmp_path && tmp_path[0]) {
    unlink(tmp_path);
    PendingRemove(tmp_path);
  }
  PetscFunctionReturn(0);
}
