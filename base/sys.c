/* phynn's system layer: the one-line error handler, rank helpers, timing, printing. */
#include "phynn/sys.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* PETSc calls the handler once per stack frame on the way out of an error: p is
 * PETSC_ERROR_INITIAL at the frame that raised it and PETSC_ERROR_REPEAT above. We print the
 * message once, at the initial frame, and the frames only when -phynn_traceback is given. */
static PetscErrorCode PhynnErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file,
                                        PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscBool traceback = PETSC_FALSE;
  int       rank      = 0;

  (void)ctx;
  PetscOptionsGetBool(NULL, NULL, "-phynn_traceback", &traceback, NULL);
  if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
  if (p == PETSC_ERROR_INITIAL && rank == 0) {
    if (mess && mess[0]) {
      fprintf(stderr, "phynn: error: %s\n", mess);
    } else {
      const char *text = NULL;
      PetscErrorMessage(n, &text, NULL);
      fprintf(stderr, "phynn: error: %s (internal error %d in %s at %s:%d; rerun with -phynn_traceback)\n",
              text ? text : "unknown", (int)n, fun, file, line);
    }
  }
  if (traceback && rank == 0) fprintf(stderr, "phynn: traceback: %s() at %s:%d\n", fun, file, line);
  fflush(stderr);
  return n;
}

PetscErrorCode PhynnErrorHandlerPush(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PhynnErrorHandler, NULL));
  PetscFunctionReturn(0);
}

int PhynnRank(MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int PhynnSize(MPI_Comm comm)
{
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

double PhynnTime(void) { return MPI_Wtime(); }

PetscErrorCode PhynnPrintf(MPI_Comm comm, const char *fmt, ...)
{
  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fflush(stdout);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnWarn(MPI_Comm comm, const char *fmt, ...)
{
  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    va_list ap;
    fputs("phynn: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
  }
  PetscFunctionReturn(0);
}

static char phynn_command_line[4096];

void PhynnSetCommandLine(int argc, char **argv)
{
  size_t used = 0;
  phynn_command_line[0] = '\0';
  for (int i = 0; i < argc; i++) {
    int k = snprintf(phynn_command_line + used, sizeof(phynn_command_line) - used, "%s%s", i ? " " : "", argv[i]);
    if (k < 0 || (size_t)k >= sizeof(phynn_command_line) - used) break;
    used += (size_t)k;
  }
}

const char *PhynnCommandLine(void) { return phynn_command_line; }

void PhynnSplitRange(long n, int rank, int size, long *start, long *count)
{
  long base = n / size, extra = n % size;
  *count = base + (rank < extra ? 1 : 0);
  *start = rank * base + (rank < extra ? rank : extra);
}
