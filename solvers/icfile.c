/* Initial conditions from text files: n rows of ncols numbers, read on rank 0 and broadcast. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/icfile.h"

PetscErrorCode PhynnReadColumns(MPI_Comm comm, const char *option, const char *path, long n, int ncols, double *out)
{
  char msg[PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    FILE *f = fopen(path, "r");
    long  count = 0, line = 0;
    char  buf[4096];
    if (!f) snprintf(msg, sizeof(msg), "option -%s: cannot read '%s' (%s); give a text file with %ld rows of %d number(s)", option, path, strerror(errno), n, ncols);
    while (f && !msg[0] && fgets(buf, sizeof(buf), f)) {
      char *hash = strchr(buf, '#'), *p = buf, *end;
      line++;
      if (hash) *hash = '\0';
      for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n') p++;
        if (!*p) break;
        double v = strtod(p, &end);
        if (end == p) {
          snprintf(msg, sizeof(msg), "option -%s: '%s' line %ld: '%.*s' is not a number; the file must hold %ld rows of %d number(s)", option, path, line, (int)PetscMin(strcspn(p, " \t\r\n,"), 20), p, n, ncols);
          break;
        }
        if (count < n * ncols) out[count] = v;
        count++;
        p = end;
      }
    }
    if (f) fclose(f);
    if (!msg[0] && count != n * ncols)
      snprintf(msg, sizeof(msg), "option -%s: '%s' holds %ld values, expected %ld (%ld grid points x %d); match -nx to the file", option, path, count, n * ncols, n, ncols);
  }
  PetscCallMPI(MPI_Bcast(msg, (int)sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PHYNN_ERR_FILE, "%s", msg);
  PetscCallMPI(MPI_Bcast(out, (int)(n * ncols), MPI_DOUBLE, 0, comm));
  PetscFunctionReturn(0);
}
