/* Fuzzes the options-file reader: `-options_file FILE` (the jobs/ option files) goes through PETSc's
 * PetscOptionsInsertFile into the database phynn's commands read their options from. The file is
 * read into a database of its own, then every entry is read back as the commands would (a string,
 * a number, a flag), so a value the file makes strange reaches phynn's side of the parse too. */
#include "fuzz.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

static PetscErrorCode ReadBack(PetscOptions opts)
{
  PetscInt n = 0;
  char   **names = NULL, **values = NULL;
  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(opts, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    char      key[256], text[256];
    PetscReal r;
    PetscBool set;
    snprintf(key, sizeof(key), "-%s", names[i]);
    PetscCall(PetscOptionsGetString(opts, NULL, key, text, sizeof(text), &set));
    if (PetscOptionsGetReal(opts, NULL, key, &r, &set)) continue; /* not a number: a user error, not a crash */
  }
  PetscCall(PetscOptionsLeftRestore(opts, &n, &names, &values));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char    *path;
  PetscOptions   opts;
  PetscErrorCode ierr;
  PetscCall(PhynnFuzzFile(data, size, ".opts", &path));
  PetscCall(PetscOptionsCreate(&opts));
  ierr = PetscOptionsInsertFile(PETSC_COMM_SELF, opts, path, PETSC_TRUE);
  if (!ierr) ierr = ReadBack(opts);
  PetscCall(PetscOptionsDestroy(&opts));
  return ierr;
}
