/* Numeric CSV tables: a strict reader with one-line errors that point at file:line:column, and
 * an atomic writer whose output reads back bit for bit. */
#include "phynn/csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "phynn/options.h"
#include "phynn/textfile.h"

/* ---- small string helpers ------------------------------------------------------------------ */

/* Trims spaces and tabs at both ends of the string s in place; returns the new start. */
static char *Trim(char *s)
{
  char *end;
  while (*s == ' ' || *s == '\t') s++;
  end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
  *end = '\0';
  return s;
}

/* "x, y, u" for error messages, cut short (with "...") when the table is wide. */
static void ListNames(char *const *names, int n, char *buf, size_t len)
{
  size_t used = 0;
  buf[0]      = '\0';
  for (int j = 0; j < n; j++) {
    int k = snprintf(buf + used, len - used, "%s%s", j ? ", " : "", names[j]);
    if (k < 0 || (size_t)k >= len - used) {
      if (len > 4) strcpy(buf + len - 4, "...");
      return;
    }
    used += (size_t)k;
  }
}

/* Why `name` cannot be a column name (NULL when it can): the reader must give back exactly the
 * names the writer wrote, so nothing it trims, splits on or skips may appear. */
static const char *NameProblem(const char *name)
{
  if (!name || !name[0]) return "is empty";
  if (name[0] == '#') return "starts with '#' (the reader would skip the header as a comment)";
  if (isspace((unsigned char)name[0]) || isspace((unsigned char)name[strlen(name) - 1])) return "starts or ends with a space";
  if (strpbrk(name, ",\"\r\n")) return "contains a comma, quote or line break";
  return NULL;
}

static PetscErrorCode CheckNames(const char *where, char *const *names, int cols)
{
  PetscFunctionBegin;
  for (int j = 0; j < cols; j++) {
    const char *problem = NameProblem(names[j]);
    PetscCheck(!problem, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: column %d name '%s' %s; use names like x, t, u_exact", where, j + 1, names[j] ? names[j] : "(null)", problem);
    for (int k = 0; k < j; k++)
      PetscCheck(strcmp(names[j], names[k]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: column name '%s' appears twice (columns %d and %d); give every column its own name", where, names[j], k + 1, j + 1);
  }
  PetscFunctionReturn(0);
}

/* ---- table lifecycle ----------------------------------------------------------------------- */

PetscErrorCode PhynnTableCreate(long rows, int cols, const char *const *names, PhynnTable *t)
{
  PetscFunctionBegin;
  PetscCheck(rows >= 0 && cols >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PhynnTableCreate: a table needs rows >= 0 and cols >= 1, got %ld x %d", rows, cols);
  PetscCall(CheckNames("PhynnTableCreate", (char *const *)names, cols));
  PetscCall(PetscMemzero(t, sizeof(*t)));
  PetscCall(PetscCalloc1((size_t)cols, &t->names));
  t->cols = cols; /* set before copying names, so Destroy frees a partial copy */
  for (int j = 0; j < cols; j++) PetscCall(PetscStrallocpy(names[j], &t->names[j]));
  /* At least one element, so data is never NULL (PetscCalloc1 of 0 bytes may return NULL). */
  PetscCall(PetscCalloc1((size_t)(rows * cols > 0 ? rows * cols : 1), &t->data));
  t->rows = rows;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTableDestroy(PhynnTable *t)
{
  PetscFunctionBegin;
  if (!t) PetscFunctionReturn(0);
  if (t->names)
    for (int j = 0; j < t->cols; j++) PetscCall(PetscFree(t->names[j]));
  PetscCall(PetscFree(t->names));
  PetscCall(PetscFree(t->data));
  PetscCall(PetscMemzero(t, sizeof(*t)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTableColumn(const PhynnTable *t, const char *name, int *col)
{
  char        list[512];
  const char *best  = NULL;
  int         bestd = 1 << 30;

  PetscFunctionBegin;
  for (int j = 0; j < t->cols; j++) {
    if (!strcmp(t->names[j], name)) {
      *col = j;
      PetscFunctionReturn(0);
    }
    int d = PhynnEditDistance(name, t->names[j]);
    if (d < bestd) {
      bestd = d;
      best  = t->names[j];
    }
  }
  *col = -1;
  ListNames(t->names, t->cols, list, sizeof(list));
  /* Suggest a name only when it is plausibly a typo: at most 2 edits, and fewer than the length. */
  if (best && bestd <= 2 && (size_t)bestd < strlen(name))
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no column '%s' in the table; did you mean '%s'? (the columns are: %s)", name, best, list);
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no column '%s' in the table; the columns are: %s", name, list);
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct {
  const char *path;
  FILE       *fp;
  char       *line; /* getline's buffer */
  size_t      cap;
  long        lineno;
  long        header_line;
  long        capacity; /* rows allocated in t->data */
} CSVReader;

/* The next line that is neither blank nor a comment, with the line ending removed; *text is NULL
 * at the end of the file. */
static PetscErrorCode NextLine(CSVReader *r, char **text, PetscBool *any_bytes)
{
  ssize_t n;

  PetscFunctionBegin;
  *text = NULL;
  while ((n = getline(&r->line, &r->cap, r->fp)) >= 0) {
    char *s = r->line;
    r->lineno++;
    if (n > 0) *any_bytes = PETSC_TRUE;
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    /* A UTF-8 byte order mark, as spreadsheet programs write it, is not part of the first name. */
    if (r->lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3)) s += 3;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#') continue;
    *text = s;
    break;
  }
  PetscCheck(!ferror(r->fp), PETSC_COMM_SELF, PHYNN_ERR_FILE, "%s:%ld: read error: %s; check the file and the file system", r->path, r->lineno + 1, strerror(errno));
  PetscFunctionReturn(0);
}

/* Splits `s` at commas in place: fields[k] points at each field (trimmed, one pair of surrounding
 * double quotes removed), pos[k] is its 1-based character column in the line. Returns the count;
 * stops storing after `max` fields but keeps counting. */
static int SplitFields(char *s, const char *line_start, char **fields, int *pos, int max)
{
  int n = 0;
  for (;;) {
    char *comma = strchr(s, ',');
    if (comma) *comma = '\0';
    if (n < max) {
      char  *f = Trim(s);
      size_t l = strlen(f);
      if (l >= 2 && f[0] == '"' && f[l - 1] == '"') {
        f[l - 1] = '\0';
        f++;
      }
      fields[n] = f;
      pos[n]    = (int)(f - line_start) + 1;
    }
    n++;
    if (!comma) return n;
    s = comma + 1;
  }
}

static int CountFields(const char *s)
{
  int n = 1;
  for (; *s; s++) n += *s == ',';
  return n;
}

static PetscErrorCode ReadHeader(CSVReader *r, PhynnTable *t)
{
  char     *text, **fields;
  int      *pos, n, numeric = 1;
  PetscBool any_bytes = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(NextLine(r, &text, &any_bytes));
  PetscCheck(any_bytes, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: the file is empty; it needs a header line of column names (e.g. x,y,u) and rows of numbers", r->path);
  PetscCheck(text, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: no header: the file has only comments and blank lines; add a line of column names (e.g. x,y,u) and rows of numbers", r->path);
  r->header_line = r->lineno;
  n              = CountFields(text);
  PetscCall(PetscMalloc2((size_t)n, &fields, (size_t)n, &pos));
  SplitFields(text, r->line, fields, pos, n);
  for (int j = 0; j < n && numeric; j++) {
    char *end;
    (void)strtod(fields[j], &end);
    numeric = end != fields[j] && *end == '\0';
  }
  if (numeric) {
    PetscCall(PetscFree2(fields, pos));
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld: no header: the first line holds numbers, not column names; add a line of %d column names (e.g. x,y,u) above it", r->path,
            r->lineno, n);
  }
  for (int j = 0; j < n; j++) {
    if (!fields[j][0]) {
      int pj = pos[j];
      PetscCall(PetscFree2(fields, pos));
      SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld:%d: column %d of the header has no name; give every column a name (e.g. x,y,u)", r->path, r->lineno, pj, j + 1);
    }
    for (int k = 0; k < j; k++)
      if (!strcmp(fields[j], fields[k])) {
        char name[256];
        snprintf(name, sizeof(name), "%s", fields[j]);
        int pj = pos[j];
        PetscCall(PetscFree2(fields, pos));
        SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld:%d: duplicate column name '%s' (columns %d and %d); rename one of them", r->path, r->lineno, pj, name, k + 1, j + 1);
      }
  }
  PetscCall(PetscCalloc1((size_t)n, &t->names));
  t->cols = n;
  for (int j = 0; j < n; j++) PetscCall(PetscStrallocpy(fields[j], &t->names[j]));
  PetscCall(PetscFree2(fields, pos));
  PetscFunctionReturn(0);
}

/* Parses one field as a finite double, or raises the error that names line, column and value. */
static PetscErrorCode ParseField(const CSVReader *r, const PhynnTable *t, int j, const char *f, int pos, double *value)
{
  char *end;

  PetscFunctionBegin;
  PetscCheck(f[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld:%d: column '%s' is empty; give a number or remove the row", r->path, r->lineno, pos, t->names[j]);
  errno  = 0;
  *value = strtod(f, &end);
  PetscCheck(end != f && *end == '\0', PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld:%d: column '%s' value '%s' is not a number; write a number such as 1.5 or -2e-3", r->path,
             r->lineno, pos, t->names[j], f);
  PetscCheck(!isnan(*value), PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "%s:%ld:%d: column '%s' is NaN; remove or fix the row", r->path, r->lineno, pos, t->names[j]);
  PetscCheck(!isinf(*value), PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "%s:%ld:%d: column '%s' is %s; remove or fix the row", r->path, r->lineno, pos, t->names[j],
             errno == ERANGE ? "too large for a double (it overflows to Inf)" : "Inf");
  /* errno == ERANGE with a finite result is underflow to a subnormal or zero: the nearest double
   * is the right answer (and what %.17g wrote for a subnormal), so it is accepted. */
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadRows(CSVReader *r, PhynnTable *t)
{
  char     *text, **fields;
  int      *pos, n;
  PetscBool any_bytes = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2((size_t)t->cols, &fields, (size_t)t->cols, &pos));
  for (;;) {
    PetscErrorCode ierr = NextLine(r, &text, &any_bytes);
    if (ierr || !text) {
      PetscCall(PetscFree2(fields, pos));
      PetscCall(ierr);
      break;
    }
    n = SplitFields(text, r->line, fields, pos, t->cols);
    if (n != t->cols) {
      char list[256];
      PetscCall(PetscFree2(fields, pos));
      ListNames(t->names, t->cols, list, sizeof(list));
      SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld: %d field%s, the header (line %ld) has %d; give one value per column (%s)", r->path, r->lineno, n, n == 1 ? "" : "s",
              r->header_line, t->cols, list);
    }
    if (t->rows == r->capacity) {
      /* Doubling keeps the total copying linear in the file size. */
      long    newcap = r->capacity ? 2 * r->capacity : 1024;
      double *bigger;
      PetscCall(PetscMalloc1((size_t)newcap * (size_t)t->cols, &bigger));
      if (t->rows) PetscCall(PetscArraycpy(bigger, t->data, (size_t)t->rows * (size_t)t->cols));
      PetscCall(PetscFree(t->data));
      t->data     = bigger;
      r->capacity = newcap;
    }
    for (int j = 0; j < t->cols; j++) {
      PetscErrorCode ierr2 = ParseField(r, t, j, fields[j], pos[j], &t->data[t->rows * t->cols + j]);
      if (ierr2) {
        PetscCall(PetscFree2(fields, pos));
        PetscCall(ierr2);
      }
    }
    t->rows++;
  }
  PetscCheck(t->rows > 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s:%ld: no data rows after the header; add rows of %d numbers below it", r->path, r->header_line, t->cols);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTableReadCSV(const char *path, PhynnTable *t)
{
  CSVReader      r;
  struct stat    st;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCheck(path && path[0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "no CSV file name given; pass a path such as data/iris.csv");
  r.path = path;
  r.fp   = fopen(path, "r");
  if (!r.fp) {
    int err = errno;
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot read %s: %s; %s", path, err == ENOENT ? "no such file" : strerror(err),
            err == ENOENT ? "check the path (relative paths start in the current directory)" : "check the file's permissions");
  }
  if (fstat(fileno(r.fp), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(r.fp);
    SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot read %s: it is a directory; give the path of a CSV file", path);
  }
  /* The helpers raise errors with SETERRQ; collect the code here so the file, the line buffer
   * and a partly read table are released on every path. */
  ierr = ReadHeader(&r, t);
  if (!ierr) ierr = ReadRows(&r, t);
  fclose(r.fp);
  free(r.line); /* getline's buffer comes from malloc */
  if (ierr) {
    PetscCall(PhynnTableDestroy(t));
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

/* ---- writing ------------------------------------------------------------------------------- */

PetscErrorCode PhynnTableWriteCSV(const char *path, const PhynnTable *t)
{
  FILE          *fp = NULL;
  char           tmp[PETSC_MAX_PATH_LEN + 32];
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCheck(t && t->cols >= 1 && t->names && (t->data || !t->rows), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "cannot write %s: the table is empty or destroyed; create it with PhynnTableCreate", path);
  PetscCall(CheckNames(path, t->names, t->cols));
  /* Everything that can be wrong with the content is checked before the file is opened, so a
   * refused table leaves nothing behind, not even a temporary file. */
  for (long i = 0; i < t->rows; i++)
    for (int j = 0; j < t->cols; j++)
      PetscCheck(isfinite(t->data[i * t->cols + j]), PETSC_COMM_SELF, PHYNN_ERR_NUMERIC, "cannot write %s: row %ld column '%s' is %s; phynn's CSV reader rejects NaN and Inf, so fix the data first", path,
                 i + 1, t->names[j], isnan(t->data[i * t->cols + j]) ? "NaN" : "Inf");
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  for (int j = 0; j < t->cols; j++) fprintf(fp, "%s%s", j ? "," : "", t->names[j]);
  fputc('\n', fp);
  /* %.17g: 17 significant digits identify every double uniquely, so reading gives the same bits. */
  for (long i = 0; i < t->rows; i++) {
    const double *row = t->data + i * t->cols;
    for (int j = 0; j < t->cols; j++) fprintf(fp, j ? ",%.17g" : "%.17g", row[j]);
    if (fputc('\n', fp) == EOF) break; /* disk full: PhynnFileCommit reports it */
  }
  ierr = PhynnFileCommit(&fp, tmp, path);
  if (ierr) {
    PetscCall(PhynnFileDiscard(&fp, tmp));
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}
