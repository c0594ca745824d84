/* Numeric tables in CSV files: data sets, training logs, evaluation outputs.
 *
 * The format phynn reads and writes:
 *
 *   # comment lines start with '#'; they and blank lines are skipped anywhere in the file
 *   x, t, u                      <- header: column names, comma separated, spaces trimmed
 *   0.5, 0.0, 1.2e-3             <- one row per line, exactly one number per column
 *
 * Line endings LF or CRLF. Numbers are anything strtod() reads completely (decimal or hex
 * floats); NaN and Inf are rejected, because a NaN in a training set poisons every loss. There is
 * no quoting: a column name must not contain a comma, quote or line break, and must not start
 * with '#'. Every error is one line naming file:line (and the column) and how to fix it.
 *
 * Files are written atomically (PhynnFileOpenAtomic) with %.17g, so a write/read round trip
 * returns the same doubles bit for bit. */
#ifndef PHYNN_CSV_H
#define PHYNN_CSV_H

#include "phynn/sys.h"

typedef struct {
  long   rows;
  int    cols;
  char **names; /* cols column names */
  double *data; /* row-major rows x cols: entry (i, j) is data[i * cols + j] */
} PhynnTable;

/* Reads a whole CSV file into a new table (free it with PhynnTableDestroy). Errors: missing or
 * unreadable file, empty file, no header (the first line is numbers), a row with the wrong
 * number of fields, a field that is not a number, NaN or Inf, duplicate or empty column names,
 * no data rows. */
PetscErrorCode PhynnTableReadCSV(const char *path, PhynnTable *t);
/* Writes the table atomically, numbers as %.17g. Refuses NaN/Inf (the reader would reject the
 * file) and column names the reader would not read back unchanged. */
PetscErrorCode PhynnTableWriteCSV(const char *path, const PhynnTable *t);
/* A new rows x cols table with zeroed data and copies of the names (rows may be 0). */
PetscErrorCode PhynnTableCreate(long rows, int cols, const char *const *names, PhynnTable *t);
/* The index of the column called `name`; a missing one is an error listing the columns. */
PetscErrorCode PhynnTableColumn(const PhynnTable *t, const char *name, int *col);
/* Frees names and data and zeroes the struct. Safe on a zeroed or already destroyed table. */
PetscErrorCode PhynnTableDestroy(PhynnTable *t);

#endif
