/* What every harness shares: PETSc start-up, the scratch file, the recorded error message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char last_error[4096];
static char scratch[PETSC_MAX_PATH_LEN];

/* Records the message where the error is raised (PETSC_ERROR_INITIAL), like apps' handler, which
 * prints that message as the one "phynn: error: " line. */
static PetscErrorCode RecordError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)ctx;
  if (p == PETSC_ERROR_INITIAL) {
    if (mess && mess[0]) snprintf(last_error, sizeof(last_error), "%s", mess);
    else snprintf(last_error, sizeof(last_error), "(no message: error %d in %s at %s:%d)", (int)n, fun, file, line);
  }
  return n;
}

const char *PhynnFuzzLastError(void) { return last_error; }
void        PhynnFuzzClearError(void) { last_error[0] = '\0'; }

static void RemoveScratch(void)
{
  if (scratch[0]) unlink(scratch);
}

PetscErrorCode PhynnFuzzFile(const uint8_t *data, size_t size, const char *suffix, const char **path)
{
  FILE *f;
  PetscFunctionBegin;
  if (!scratch[0]) {
    const char *dir = getenv("TMPDIR");
    snprintf(scratch, sizeof(scratch), "%s/phynn-fuzz-%ld%s", dir && dir[0] ? dir : "/tmp", (long)getpid(), suffix);
    atexit(RemoveScratch);
  }
  f = fopen(scratch, "wb");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "fuzz: cannot write the scratch file %s", scratch);
  if (size) fwrite(data, 1, size, f);
  PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "fuzz: cannot write the scratch file %s", scratch);
  *path = scratch;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFuzzInitialize(int *argc, char ***argv)
{
  /* PETSc sees its own arguments, not libFuzzer's (-max_total_time=... would be left unused). */
  static char *args[] = {"phynn-fuzz", "-no_signal_handler", "-options_left", "no", NULL};
  int          n      = 4;
  char       **a      = args;
  (void)argc, (void)argv;
  PetscCall(PetscInitialize(&n, &a, NULL, NULL));
  PetscCall(PetscPushErrorHandler(RecordError, NULL));
  PetscCall(PhynnFuzzSetUp());
  return 0;
}
