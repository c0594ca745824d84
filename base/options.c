/* Typed option reads over the PETSc options database, -help text, and the unused-option check.
 *
 * The registry of known names is process-wide state: it is filled once at start-up by running
 * every subcommand's option declarations in COLLECT mode (apps/main.c), then read by
 * PhynnOptionsCheckUnused(). It holds names only; values live in PETSc's database. */
#include "phynn/options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
  char **names;
  int    n, cap;
} NameSet;

static NameSet          known_names;   /* every option of every subcommand */
static NameSet          command_names; /* the options of the command that runs */
static PhynnOptionsMode options_mode = PHYNN_OPTIONS_READ;
static MPI_Comm         options_comm = MPI_COMM_NULL;
static PetscBool        options_help = PETSC_FALSE;
static char             options_command[64];
static PetscBool        options_help_quiet = PETSC_FALSE;

void PhynnOptionsSetHelpQuiet(PetscBool quiet) { options_help_quiet = quiet; }

static PetscErrorCode NameSetAdd(NameSet *set, const char *name)
{
  PetscFunctionBegin;
  for (int i = 0; i < set->n; i++)
    if (!strcmp(set->names[i], name)) PetscFunctionReturn(0);
  if (set->n == set->cap) {
    int    cap = set->cap ? 2 * set->cap : 64;
    char **grown;
    PetscCall(PetscMalloc1(cap, &grown));
    if (set->n) PetscCall(PetscArraycpy(grown, set->names, set->n));
    PetscCall(PetscFree(set->names));
    set->names = grown;
    set->cap   = cap;
  }
  PetscCall(PetscStrallocpy(name, &set->names[set->n]));
  set->n++;
  PetscFunctionReturn(0);
}

static PetscBool NameSetHas(const NameSet *set, const char *name)
{
  for (int i = 0; i < set->n; i++)
    if (!strcmp(set->names[i], name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode PhynnOptionsBegin(MPI_Comm comm, const char *command, PhynnOptionsMode mode)
{
  PetscFunctionBegin;
  options_mode = mode;
  options_comm = comm;
  PetscCall(PetscStrncpy(options_command, command, sizeof(options_command)));
  options_help = PETSC_FALSE;
  if (mode == PHYNN_OPTIONS_READ) {
    PetscCall(PetscOptionsHasName(NULL, NULL, "-phynn_help", &options_help)); /* main turns -help into -phynn_help */
    if (options_help) PetscCall(PhynnPrintf(comm, "Options of 'phynn %s' (name <default>: meaning):\n", command));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptionsEnd(void)
{
  PetscFunctionBegin;
  options_mode = PHYNN_OPTIONS_READ;
  PetscFunctionReturn(0);
}

PhynnOptionsMode PhynnOptionsGetMode(void) { return options_mode; }
PetscBool        PhynnOptionsHelp(void) { return options_help; }

/* Records the name and, in READ mode, fetches the raw string (NULL when the option is absent;
 * "" when it is given without a value). */
static PetscErrorCode OptRaw(const char *name, const char *def, const char *help, char *raw, size_t len, PetscBool *present)
{
  char flag[256];

  PetscFunctionBegin;
  *present = PETSC_FALSE;
  raw[0]   = '\0';
  PetscCall(NameSetAdd(&known_names, name));
  if (options_mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);
  PetscCall(NameSetAdd(&command_names, name));
  PetscCall(PetscSNPrintf(flag, sizeof(flag), "-%s", name));
  PetscCall(PetscOptionsGetString(NULL, NULL, flag, raw, len, present));
  if (options_help && !options_help_quiet) PetscCall(PhynnPrintf(options_comm, "  -%s <%s>: %s\n", name, def && def[0] ? def : "", help));
  PetscFunctionReturn(0);
}

static double ParsePiExpression(const char *s, int *ok)
{
  /* Accepts "pi", "k*pi", "pi/m", "k*pi/m" (physicists write -tf pi/2). */
  double num = 1, den = 1;
  char  *end;
  *ok = 0;
  const char *p = strstr(s, "pi");
  if (!p) return 0;
  if (p != s) {
    num = strtod(s, &end);
    if (end == s || (*end != '*' && end != p) || (*end == '*' && end + 1 != p)) return 0;
  }
  p += 2;
  if (*p == '/') {
    den = strtod(p + 1, &end);
    if (end == p + 1 || *end) return 0;
  } else if (*p) return 0;
  *ok = 1;
  return num * M_PI / den;
}

PetscErrorCode PhynnParseReal(MPI_Comm comm, const char *what, const char *text, double *value)
{
  char *end;
  int   ok;

  PetscFunctionBegin;
  errno  = 0;
  *value = strtod(text, &end);
  if (end != text && *end == '\0' && errno != ERANGE) {
    PetscCheck(isfinite(*value), comm, PHYNN_ERR_INPUT, "%s: '%s' is not a finite number; give a finite value such as 1.5", what, text);
    PetscFunctionReturn(0);
  }
  *value = ParsePiExpression(text, &ok);
  PetscCheck(ok, comm, PHYNN_ERR_INPUT, "%s: '%s' is not a number; give a real such as 1e-3 (or pi, pi/2, 2*pi)", what, text);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnParseInt(MPI_Comm comm, const char *what, const char *text, long *value)
{
  char *end;

  PetscFunctionBegin;
  errno  = 0;
  *value = strtol(text, &end, 10);
  PetscCheck(end != text && *end == '\0' && errno != ERANGE, comm, PHYNN_ERR_INPUT, "%s: '%s' is not an integer; give a whole number such as 100", what, text);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckHasValue(const char *name, const char *raw)
{
  PetscFunctionBegin;
  PetscCheck(raw[0], options_comm, PHYNN_ERR_INPUT, "option -%s needs a value; write -%s VALUE", name, name);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptReal(const char *name, double def, const char *help, double *value, PetscBool *set)
{
  char      raw[256], defs[64], what[300];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(defs, sizeof(defs), "%g", def));
  PetscCall(OptRaw(name, defs, help, raw, sizeof(raw), &present));
  *value = def;
  if (present) {
    PetscCall(CheckHasValue(name, raw));
    PetscCall(PetscSNPrintf(what, sizeof(what), "option -%s", name));
    PetscCall(PhynnParseReal(options_comm, what, raw, value));
  }
  if (set) *set = present;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptInt(const char *name, long def, const char *help, long *value, PetscBool *set)
{
  char      raw[256], defs[64], what[300];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(defs, sizeof(defs), "%ld", def));
  PetscCall(OptRaw(name, defs, help, raw, sizeof(raw), &present));
  *value = def;
  if (present) {
    PetscCall(CheckHasValue(name, raw));
    PetscCall(PetscSNPrintf(what, sizeof(what), "option -%s", name));
    PetscCall(PhynnParseInt(options_comm, what, raw, value));
  }
  if (set) *set = present;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptBool(const char *name, PetscBool def, const char *help, PetscBool *value, PetscBool *set)
{
  char      raw[256];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(OptRaw(name, def ? "true" : "false", help, raw, sizeof(raw), &present));
  *value = def;
  if (present) {
    if (!raw[0] || !strcasecmp(raw, "true") || !strcasecmp(raw, "yes") || !strcmp(raw, "1")) *value = PETSC_TRUE;
    else if (!strcasecmp(raw, "false") || !strcasecmp(raw, "no") || !strcmp(raw, "0")) *value = PETSC_FALSE;
    else SETERRQ(options_comm, PHYNN_ERR_INPUT, "option -%s: '%s' is not a boolean; write -%s (true), -%s true or -%s false", name, raw, name, name, name);
  }
  if (set) *set = present;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptString(const char *name, const char *def, const char *help, char *value, size_t len, PetscBool *set)
{
  char      raw[PETSC_MAX_PATH_LEN];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(OptRaw(name, def, help, raw, sizeof(raw), &present));
  if (present) {
    PetscCall(CheckHasValue(name, raw));
    PetscCheck(strlen(raw) < len, options_comm, PHYNN_ERR_INPUT, "option -%s: value is longer than %zu characters; shorten it", name, len - 1);
    PetscCall(PetscStrncpy(value, raw, len));
  } else {
    PetscCall(PetscStrncpy(value, def ? def : "", len));
  }
  if (set) *set = present;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptChoice(const char *name, const char *const *choices, const char *def, const char *help, int *index, PetscBool *set)
{
  char      value[256], list[1024] = "";
  PetscBool present;
  size_t    used = 0;

  PetscFunctionBegin;
  for (int i = 0; choices[i]; i++) {
    int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", choices[i]);
    if (k > 0 && (size_t)k < sizeof(list) - used) used += (size_t)k;
  }
  char helpfull[1400];
  PetscCall(PetscSNPrintf(helpfull, sizeof(helpfull), "%s (one of: %s)", help, list));
  PetscCall(PhynnOptString(name, def, helpfull, value, sizeof(value), &present));
  *index = -1;
  for (int i = 0; choices[i]; i++)
    if (!strcasecmp(choices[i], value)) *index = i;
  if (options_mode == PHYNN_OPTIONS_COLLECT && *index < 0) *index = 0;
  PetscCheck(*index >= 0, options_comm, PHYNN_ERR_INPUT, "option -%s: unknown value '%s'; choose one of: %s", name, value, list);
  if (set) *set = present;
  PetscFunctionReturn(0);
}

/* Splits "a,b,c" and parses each with `parse`. */
static PetscErrorCode ParseList(const char *name, const char *raw, int max, int *n, int is_real, double *reals, long *ints)
{
  char  buf[PETSC_MAX_PATH_LEN], what[300];
  char *save = NULL, *tok;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, raw, sizeof(buf)));
  *n = 0;
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscCheck(*n < max, options_comm, PHYNN_ERR_INPUT, "option -%s: more than %d entries in '%s'; give at most %d", name, max, raw, max);
    PetscCall(PetscSNPrintf(what, sizeof(what), "option -%s (entry %d)", name, *n + 1));
    if (is_real) PetscCall(PhynnParseReal(options_comm, what, tok, &reals[*n]));
    else PetscCall(PhynnParseInt(options_comm, what, tok, &ints[*n]));
    (*n)++;
  }
  /* an empty default means "no entries"; an empty value given by the user is caught by CheckHasValue */
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptIntList(const char *name, const char *def, const char *help, long *values, int max, int *n, PetscBool *set)
{
  char      raw[PETSC_MAX_PATH_LEN];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(OptRaw(name, def, help, raw, sizeof(raw), &present));
  if (present) PetscCall(CheckHasValue(name, raw));
  PetscCall(ParseList(name, present ? raw : (def ? def : ""), max, n, 0, NULL, values));
  if (set) *set = present;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptRealList(const char *name, const char *def, const char *help, double *values, int max, int *n, PetscBool *set)
{
  char      raw[PETSC_MAX_PATH_LEN];
  PetscBool present;

  PetscFunctionBegin;
  PetscCall(OptRaw(name, def, help, raw, sizeof(raw), &present));
  if (present) PetscCall(CheckHasValue(name, raw));
  PetscCall(ParseList(name, present ? raw : (def ? def : ""), max, n, 1, values, NULL));
  if (set) *set = present;
  PetscFunctionReturn(0);
}

void PhynnOptionsFinalize(void)
{
  NameSet *sets[2] = {&known_names, &command_names};
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < sets[k]->n; i++) PetscFree(sets[k]->names[i]);
    PetscFree(sets[k]->names);
    sets[k]->n = sets[k]->cap = 0;
  }
}

int PhynnEditDistance(const char *a, const char *b)
{
  /* Levenshtein distance with two rows; option names are short. */
  size_t la = strlen(a), lb = strlen(b);
  int    prev[256], curr[256];
  if (lb > 255) lb = 255;
  if (la > 255) la = 255;
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    curr[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      int del = prev[j] + 1, ins = curr[j - 1] + 1;
      curr[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, curr, sizeof(int) * (lb + 1));
  }
  return prev[lb];
}

/* Options phynn's main reads for every command (its own), and PETSc's that main passes on. */
static const char *const main_names[]  = {"phynn_help", "phynn_traceback", NULL};
static const char *const petsc_names[] = {"options_file", NULL};

static int CompareNames(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

PetscErrorCode PhynnOptionsViewKnown(MPI_Comm comm)
{
  const char **all;
  int          n = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(known_names.n + 2, &all));
  for (int i = 0; i < known_names.n; i++) all[n++] = known_names.names[i];
  for (int k = 0; main_names[k]; k++)
    if (!NameSetHas(&known_names, main_names[k])) all[n++] = main_names[k];
  qsort(all, (size_t)n, sizeof(*all), CompareNames);
  for (int i = 0; i < n; i++) PetscCall(PhynnPrintf(comm, "-%s\n", all[i]));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOptionsCheckUnused(MPI_Comm comm)
{
  PetscInt     nleft = 0;
  char       **names = NULL, **values = NULL;
  PetscBool    failed = PETSC_FALSE;
  char         message[1024] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &nleft, &names, &values));
  for (PetscInt i = 0; i < nleft && !failed; i++) {
    const char *name = names[i]; /* without the dash */
    PetscBool   skip = PETSC_FALSE;
    for (int k = 0; main_names[k]; k++)
      if (!strcmp(name, main_names[k])) skip = PETSC_TRUE;
    for (int k = 0; petsc_names[k]; k++)
      if (!strcmp(name, petsc_names[k])) skip = PETSC_TRUE;
    if (skip || NameSetHas(&command_names, name)) continue;
    if (NameSetHas(&known_names, name)) {
      PetscCall(PhynnWarn(comm, "option -%s is not used by 'phynn %s' (another subcommand uses it); ignored", name, options_command));
      continue;
    }
    /* A typo: find the nearest known option, preferring this command's own. */
    const char *best = NULL;
    int         bestd = 1 << 30;
    for (int pass = 0; pass < 2; pass++) {
      const NameSet *set = pass == 0 ? &command_names : &known_names;
      for (int k = 0; k < set->n; k++) {
        int d = PhynnEditDistance(name, set->names[k]);
        if (d < bestd) { bestd = d; best = set->names[k]; }
      }
    }
    if (best && bestd <= 3 + (int)strlen(name) / 4)
      PetscCall(PetscSNPrintf(message, sizeof(message), "unknown option -%s for 'phynn %s'; did you mean -%s? (phynn %s -help lists every option)", name, options_command, best, options_command));
    else PetscCall(PetscSNPrintf(message, sizeof(message), "unknown option -%s for 'phynn %s'; 'phynn %s -help' lists every option", name, options_command, options_command));
    failed = PETSC_TRUE;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
  PetscCheck(!failed, comm, PHYNN_ERR_INPUT, "%s", message);
  PetscFunctionReturn(0);
}
