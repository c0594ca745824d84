/* CSV tables and atomic text files: a write/read round trip is bitwise exact, the reader accepts
 * what people actually write (comments, blank lines, CRLF, spaces), and every malformed input is
 * an error whose one-line message names file:line. A failed write leaves no file behind. */
#include <float.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phynn/csv.h"
#include "phynn/textfile.h"
#include "phynn_test.h"

/* The message of the last error, captured instead of printed (PetscReturnErrorHandler would
 * silence it too, but then we could not check what it says). */
static char last_error[4096];

static PetscErrorCode CaptureError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) snprintf(last_error, sizeof(last_error), "%s", mess ? mess : "");
  return n;
}

static char dir[256]; /* a fresh directory per run, so parallel CTest jobs never share files */

static const char *Path(const char *name)
{
  static char buf[4][512];
  static int  k = 0;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
  return buf[k];
}

static void WriteFile(const char *name, const char *content)
{
  FILE *fp = fopen(Path(name), "wb");
  if (fp) {
    fputs(content, fp);
    fclose(fp);
  }
}

static int Exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* Reads `content` as a CSV and expects an error whose message contains `want`. */
static void ExpectReadError(const char *what, const char *content, const char *want)
{
  PhynnTable     t;
  PetscErrorCode ierr;
  if (content) WriteFile("bad.csv", content);
  else unlink(Path("bad.csv"));
  last_error[0] = '\0';
  ierr          = PhynnTableReadCSV(Path("bad.csv"), &t);
  CHECK(ierr != 0, "%s: reading should fail", what);
  CHECK(strstr(last_error, want) != NULL, "%s: message '%s' should contain '%s'", what, last_error, want);
  CHECK(!strchr(last_error, '\n'), "%s: message should be one line: '%s'", what, last_error);
  CHECK(t.data == NULL && t.names == NULL && t.rows == 0, "%s: a failed read leaves an empty table", what);
  if (!ierr) PhynnTableDestroy(&t);
  else printf("ok   %s: %s\n", what, last_error);
}

static PetscErrorCode TestRoundTrip(void)
{
  const char *names[] = {"x", "t", "u_exact"};
  PhynnTable  a, b;
  uint64_t    state = 12345;

  PetscFunctionBegin;
  PetscCall(PhynnTableCreate(100, 3, names, &a));
  for (long k = 0; k < a.rows * a.cols; k++) {
    /* xorshift bits reinterpreted as doubles cover every exponent; non-finite ones are skipped. */
    double v;
    do {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      memcpy(&v, &state, sizeof(v));
    } while (!isfinite(v));
    a.data[k] = v;
  }
  /* The awkward values: signed zero, extremes, subnormals, and ones with no short decimal form. */
  const double special[] = {0.0, -0.0, DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 1.0 / 3.0, M_PI, 0.1, -1e-300, 1e300, 123456789012345678.0};
  for (size_t k = 0; k < sizeof(special) / sizeof(special[0]); k++) a.data[k] = special[k];
  PetscCall(PhynnTableWriteCSV(Path("round.csv"), &a));
  PetscCall(PhynnTableReadCSV(Path("round.csv"), &b));
  CHECK(b.rows == a.rows && b.cols == a.cols, "round trip shape %ld x %d, want %ld x %d", b.rows, b.cols, a.rows, a.cols);
  for (int j = 0; j < a.cols && j < b.cols; j++) CHECK(!strcmp(a.names[j], b.names[j]), "column %d name '%s', want '%s'", j, b.names[j], a.names[j]);
  if (b.rows == a.rows && b.cols == a.cols) {
    CHECK(!memcmp(a.data, b.data, sizeof(double) * (size_t)(a.rows * a.cols)), "round trip is not bitwise exact");
    printf("ok   round trip of %ld x %d doubles (incl. -0, subnormals, DBL_MAX) is bitwise exact\n", a.rows, a.cols);
  }
  PetscCall(PhynnTableDestroy(&a));
  PetscCall(PhynnTableDestroy(&b));
  CHECK(a.data == NULL && a.names == NULL, "Destroy zeroes the table");
  PetscCall(PhynnTableDestroy(&a)); /* twice is harmless */
  PetscFunctionReturn(0);
}

static PetscErrorCode TestLenientSyntax(void)
{
  PhynnTable t;
  int        col;

  PetscFunctionBegin;
  /* BOM, comments before and between rows, blank lines, CRLF, spaces and tabs, quoted names,
   * no newline at the end. */
  WriteFile("ok.csv", "\xEF\xBB\xBF# made by hand\r\n\r\n x ,\t\"y\" \r\n1, 2\r\n\r\n  # a comment\r\n3 ,-4.5e-1\r\n0x1p-2,+7");
  PetscCall(PhynnTableReadCSV(Path("ok.csv"), &t));
  CHECK(t.rows == 3 && t.cols == 2, "lenient file: %ld x %d, want 3 x 2", t.rows, t.cols);
  if (t.rows == 3 && t.cols == 2) {
    const double want[] = {1, 2, 3, -0.45, 0.25, 7};
    CHECK(!strcmp(t.names[0], "x") && !strcmp(t.names[1], "y"), "names '%s','%s', want 'x','y'", t.names[0], t.names[1]);
    CHECK(!memcmp(t.data, want, sizeof(want)), "values differ");
    printf("ok   comments, blank lines, CRLF, BOM, spaces and quoted names are accepted\n");
  }
  PetscCall(PhynnTableColumn(&t, "y", &col));
  CHECK(col == 1, "column 'y' is %d, want 1", col);
  last_error[0] = '\0';
  CHECK(PhynnTableColumn(&t, "z", &col) != 0 && col == -1, "missing column is an error");
  CHECK(strstr(last_error, "the columns are: x, y") != NULL, "missing column message lists the columns: '%s'", last_error);
  printf("ok   missing column: %s\n", last_error);
  last_error[0] = '\0';
  CHECK(PhynnTableColumn(&t, "yy", &col) != 0 && strstr(last_error, "did you mean 'y'?"), "near miss suggests the column: '%s'", last_error);
  PetscCall(PhynnTableDestroy(&t));
  PetscFunctionReturn(0);
}

/* The shipped Iris file reads as documented in data/README.md. */
static PetscErrorCode TestIris(void)
{
  const char *src = getenv("PHYNN_SOURCE_DIR");
  char        path[PETSC_MAX_PATH_LEN];
  PhynnTable  t;
  int         species, count[3] = {0, 0, 0};

  PetscFunctionBegin;
  CHECK(src != NULL, "PHYNN_SOURCE_DIR is not set (CTest sets it): the Iris file cannot be found");
  if (!src) PetscFunctionReturn(0);
  snprintf(path, sizeof(path), "%s/data/iris.csv", src);
  PetscCall(PhynnTableReadCSV(path, &t));
  CHECK(t.rows == 150 && t.cols == 5, "iris.csv is %ld x %d, want 150 x 5", t.rows, t.cols);
  PetscCall(PhynnTableColumn(&t, "species", &species));
  CHECK(species == 4, "species is column %d, want 4", species);
  if (t.rows == 150 && t.cols == 5) {
    const double first[] = {5.1, 3.5, 1.4, 0.2, 0};
    CHECK(!memcmp(t.data, first, sizeof(first)), "first row is not 5.1,3.5,1.4,0.2,0");
    for (long i = 0; i < t.rows; i++) {
      double c = t.data[i * t.cols + species];
      if (c == 0 || c == 1 || c == 2) count[(int)c]++;
    }
    CHECK(count[0] == 50 && count[1] == 50 && count[2] == 50, "species counts %d/%d/%d, want 50 each", count[0], count[1], count[2]);
    printf("ok   data/iris.csv: 150 rows, first 5.1,3.5,1.4,0.2,0, 50 of each species\n");
  }
  PetscCall(PhynnTableDestroy(&t));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestReadErrors(void)
{
  PetscFunctionBegin;
  ExpectReadError("missing file", NULL, "bad.csv: no such file");
  ExpectReadError("empty file", "", "bad.csv: the file is empty");
  ExpectReadError("only comments", "# nothing here\n\n", "bad.csv: no header");
  ExpectReadError("no header", "1,2,3\n4,5,6\n", "bad.csv:1: no header");
  ExpectReadError("too few fields", "# c\nx,y,z,u\n1,2,3,4\n1,2,3\n", "bad.csv:4: 3 fields, the header (line 2) has 4");
  ExpectReadError("too many fields", "x,y\n1,2,3\n", "bad.csv:2: 3 fields, the header (line 1) has 2");
  ExpectReadError("not a number", "x,y\n1,2\n\n3, abc\n", "bad.csv:4:4: column 'y' value 'abc' is not a number");
  ExpectReadError("trailing junk", "x,y\n1,2.5kg\n", "column 'y' value '2.5kg' is not a number");
  ExpectReadError("empty field", "x,y,t\n1,,3\n", "bad.csv:2:3: column 'y' is empty");
  ExpectReadError("NaN", "x,t\n1,2\n1,nan\n", "bad.csv:3:3: column 't' is NaN; remove or fix the row");
  ExpectReadError("Inf", "x,t\n-inf,2\n", "bad.csv:2:1: column 'x' is Inf");
  ExpectReadError("overflow", "x,t\n1e999,2\n", "column 'x' is too large for a double");
  ExpectReadError("duplicate names", "x,y,x\n1,2,3\n", "bad.csv:1:5: duplicate column name 'x' (columns 1 and 3)");
  ExpectReadError("empty name", "x,,y\n1,2,3\n", "bad.csv:1:3: column 2 of the header has no name");
  ExpectReadError("zero rows", "# header only\nx,y\n# no data\n", "bad.csv:2: no data rows after the header");
  {
    PhynnTable t;
    last_error[0] = '\0';
    CHECK(PhynnTableReadCSV(dir, &t) != 0 && strstr(last_error, "is a directory"), "reading a directory: '%s'", last_error);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TestWriteErrors(void)
{
  const char *names[] = {"x", "y"};
  PhynnTable  t;

  PetscFunctionBegin;
  PetscCall(PhynnTableCreate(2, 2, names, &t));
  /* A directory that does not exist: an error that says so, and no file. */
  last_error[0] = '\0';
  CHECK(PhynnTableWriteCSV(Path("nodir/out.csv"), &t) != 0, "writing into a missing directory fails");
  CHECK(strstr(last_error, "does not exist") != NULL, "message names the missing directory: '%s'", last_error);
  CHECK(!Exists(Path("nodir/out.csv")), "no output file after a failed write");
  printf("ok   missing directory: %s\n", last_error);
  /* NaN in the data: refused before anything is created. */
  t.data[3]     = NAN;
  last_error[0] = '\0';
  CHECK(PhynnTableWriteCSV(Path("nan.csv"), &t) != 0, "writing NaN fails");
  CHECK(strstr(last_error, "row 2 column 'y' is NaN") != NULL, "message names the row and column: '%s'", last_error);
  CHECK(!Exists(Path("nan.csv")), "no output file after a refused write");
  printf("ok   NaN refused: %s\n", last_error);
  PetscCall(PhynnTableDestroy(&t));
  /* Names the reader would not give back are refused at creation. */
  {
    const char *bad1[] = {"x", "x"}, *bad2[] = {"a,b"}, *bad3[] = {"#x"}, *bad4[] = {" x"};
    CHECK(PhynnTableCreate(1, 2, bad1, &t) != 0, "duplicate names refused");
    CHECK(PhynnTableCreate(1, 1, bad2, &t) != 0, "name with a comma refused");
    CHECK(PhynnTableCreate(1, 1, bad3, &t) != 0, "name starting with '#' refused");
    CHECK(PhynnTableCreate(1, 1, bad4, &t) != 0, "name with a leading space refused");
  }
  /* Writing over an existing file replaces it whole. */
  PetscCall(PhynnTableCreate(1, 2, names, &t));
  WriteFile("old.csv", "a,b,c\n1,2,3\n4,5,6\n");
  PetscCall(PhynnTableWriteCSV(Path("old.csv"), &t));
  PetscCall(PhynnTableDestroy(&t));
  PetscCall(PhynnTableReadCSV(Path("old.csv"), &t));
  CHECK(t.rows == 1 && t.cols == 2 && t.data[0] == 0.0, "overwritten file holds the new table");
  PetscCall(PhynnTableDestroy(&t));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestTextFile(void)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], tmp2[PETSC_MAX_PATH_LEN + 32], text[64] = "";

  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(Path("log.txt"), &fp, tmp, sizeof(tmp)));
  fprintf(fp, "iteration,loss\n");
  CHECK(!Exists(Path("log.txt")) && Exists(tmp), "before commit only the temporary file exists");
  /* A second writer of the same path in the same process gets its own temporary file. */
  FILE *fp2;
  PetscCall(PhynnFileOpenAtomic(Path("log.txt"), &fp2, tmp2, sizeof(tmp2)));
  CHECK(strcmp(tmp, tmp2) != 0, "two temporary names differ: %s", tmp2);
  PetscCall(PhynnFileDiscard(&fp2, tmp2));
  CHECK(fp2 == NULL && !Exists(tmp2), "discard removes the temporary file");
  PetscCall(PhynnFileCommit(&fp, tmp, Path("log.txt")));
  CHECK(fp == NULL && !Exists(tmp) && Exists(Path("log.txt")), "after commit only the final file exists");
  fp = fopen(Path("log.txt"), "r");
  if (fp) {
    CHECK(fgets(text, sizeof(text), fp) && !strcmp(text, "iteration,loss\n"), "content survives: '%s'", text);
    fclose(fp);
  }
  /* Errors: a missing directory, and a path that is a directory. */
  last_error[0] = '\0';
  CHECK(PhynnFileOpenAtomic(Path("missing/log.txt"), &fp, tmp, sizeof(tmp)) != 0 && fp == NULL, "missing directory is an error");
  CHECK(strstr(last_error, "missing' does not exist") != NULL, "message: '%s'", last_error);
  last_error[0] = '\0';
  CHECK(PhynnFileOpenAtomic(dir, &fp, tmp, sizeof(tmp)) != 0, "a directory as the path is an error");
  CHECK(strstr(last_error, "it is a directory") != NULL, "message: '%s'", last_error);
  /* A path under a regular file: its "directory" is not one (works for every user, root too). */
  PetscCall(PhynnFileOpenAtomic(Path("plain.txt"), &fp, tmp, sizeof(tmp)));
  PetscCall(PhynnFileCommit(&fp, tmp, Path("plain.txt")));
  last_error[0] = '\0';
  CHECK(PhynnFileOpenAtomic(Path("plain.txt/log.txt"), &fp, tmp, sizeof(tmp)) != 0 && fp == NULL, "a path under a regular file is an error");
  CHECK(strstr(last_error, "plain.txt' is not a directory") != NULL, "message: '%s'", last_error);
  unlink(Path("plain.txt"));
  /* Not writable. Root may write into any 0555 directory, but not into sysfs, whose directories
   * take no new files even from root (EACCES; EROFS where /sys is mounted read-only): the same
   * check runs either way, so it also runs in CI, which runs as root. */
  {
    const char *ro = "/sys/phynn_test_csv_log.txt";
    if (geteuid() != 0) {
      mkdir(Path("ro"), 0555);
      ro = Path("ro/log.txt");
    }
    last_error[0] = '\0';
    CHECK(PhynnFileOpenAtomic(ro, &fp, tmp, sizeof(tmp)) != 0 && fp == NULL, "%s: a directory without write permission is an error", ro);
    CHECK(strstr(last_error, "is not writable") != NULL || strstr(last_error, "is on a read-only file system") != NULL, "message: '%s'", last_error);
    if (geteuid() != 0) rmdir(Path("ro"));
  }
  /* Error exits clean up whatever is still open. */
  PetscCall(PhynnFileOpenAtomic(Path("pending.txt"), &fp, tmp, sizeof(tmp)));
  PhynnFileDiscardAll();
  CHECK(!Exists(tmp) && !Exists(Path("pending.txt")), "DiscardAll removes pending temporary files");
  PetscFunctionReturn(0);
}

/* Removes the files this test wrote; the directory is then empty unless something (a temporary
 * file of a failed write) was left behind, which rmdir detects. */
static void RemoveDir(void)
{
  const char *files[] = {"bad.csv", "round.csv", "ok.csv", "old.csv", "log.txt"};
  for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) unlink(Path(files[k]));
  CHECK(rmdir(dir) == 0, "scratch directory %s is not empty: a failed write left a file behind", dir);
}

static PetscErrorCode Tests(void)
{
  PetscFunctionBegin;
  PetscCall(TestRoundTrip());
  PetscCall(TestLenientSyntax());
  PetscCall(TestIris());
  PetscCall(TestReadErrors());
  PetscCall(TestWriteErrors());
  PetscCall(TestTextFile());
  PetscFunctionReturn(0);
}

static PetscErrorCode Body(MPI_Comm comm)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  snprintf(dir, sizeof(dir), "csvtest-XXXXXX");
  PetscCheck(mkdtemp(dir), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create a scratch directory in the current directory");
  PetscCall(PetscPushErrorHandler(CaptureError, NULL));
  ierr = Tests();
  PetscCall(PetscPopErrorHandler());
  /* An unexpected error was captured, not printed: show it. */
  if (ierr) fprintf(stderr, "FAIL unexpected error: %s\n", last_error);
  else RemoveDir();
  PetscFunctionReturn(ierr);
}

PHYNN_TEST_MAIN(Body)
