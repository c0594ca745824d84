/* phynn's options: typed reads from the PETSc options database, with -help text and a strict
 * check that nothing the user typed is silently ignored.
 *
 * Every option a subcommand (or a library object it configures) reads goes through these
 * functions. They parse the value with a clear error ("option -lr: 'abc' is not a number ..."),
 * print "-name <default>: help" when -help is given, and record the name, so that
 * PhynnOptionsCheckUnused() can tell a typo (an option no phynn subcommand knows: an error that
 * names the nearest known option) from an option of another subcommand (a one-line warning, so
 * one options file can serve several subcommands).
 *
 * Names are given without the leading dash. */
#ifndef PHYNN_OPTIONS_H
#define PHYNN_OPTIONS_H

#include "phynn/sys.h"

typedef enum {
  PHYNN_OPTIONS_READ,    /* read values from the database (the command that runs) */
  PHYNN_OPTIONS_COLLECT, /* only record names and return defaults (every other command) */
} PhynnOptionsMode;

/* Start reading options for `command` ("train fit"). In COLLECT mode nothing is read or
 * printed; the names are only added to the set of known options. */
PetscErrorCode PhynnOptionsBegin(MPI_Comm comm, const char *command, PhynnOptionsMode mode);
PetscErrorCode PhynnOptionsEnd(void);
PhynnOptionsMode PhynnOptionsGetMode(void);
/* True when -help was given (in READ mode): print the options and do not run. */
PetscBool PhynnOptionsHelp(void);
/* Suppresses the -help lines while an object re-reads options it already listed. */
void PhynnOptionsSetHelpQuiet(PetscBool quiet);

PetscErrorCode PhynnOptReal(const char *name, double def, const char *help, double *value, PetscBool *set);
PetscErrorCode PhynnOptInt(const char *name, long def, const char *help, long *value, PetscBool *set);
PetscErrorCode PhynnOptBool(const char *name, PetscBool def, const char *help, PetscBool *value, PetscBool *set);
/* `value` has room for `len` bytes; `def` may be NULL (empty). */
PetscErrorCode PhynnOptString(const char *name, const char *def, const char *help, char *value, size_t len, PetscBool *set);
/* One of `choices` (NULL-terminated); an unknown value is an error listing the choices. */
PetscErrorCode PhynnOptChoice(const char *name, const char *const *choices, const char *def, const char *help, int *index, PetscBool *set);
/* Comma-separated lists: at most `max` entries; *n receives the count. */
PetscErrorCode PhynnOptIntList(const char *name, const char *def, const char *help, long *values, int max, int *n, PetscBool *set);
PetscErrorCode PhynnOptRealList(const char *name, const char *def, const char *help, double *values, int max, int *n, PetscBool *set);

/* Checks the options database for options nobody read. An option no phynn subcommand knows is
 * an error ("unknown option -lrr; did you mean -lr?"), one that another subcommand knows is a
 * warning. Call it after everything has read its options (including PETSc objects'
 * XSetFromOptions) and before long work starts. Collective on comm. */
PetscErrorCode PhynnOptionsCheckUnused(MPI_Comm comm);

/* Prints every option name phynn knows (every command's, after main's COLLECT pass, and main's
 * own), sorted, one "-name" a line on rank 0: `phynn options`. */
PetscErrorCode PhynnOptionsViewKnown(MPI_Comm comm);

/* Frees the registry of option names (before PetscFinalize). */
void PhynnOptionsFinalize(void);

/* The edit distance used for "did you mean": exposed for tests. */
int PhynnEditDistance(const char *a, const char *b);

/* Parse helpers shared with file readers: a whole string as a number, or an error naming `what`. */
PetscErrorCode PhynnParseReal(MPI_Comm comm, const char *what, const char *text, double *value);
PetscErrorCode PhynnParseInt(MPI_Comm comm, const char *what, const char *text, long *value);

#endif
