/* Text files written atomically: logs, reports, CSV tables.
 *
 * PhynnFileOpenAtomic() opens "<path>.tmp.<pid>" in the destination directory (the same file
 * system, so the final rename is atomic); PhynnFileCommit() flushes, syncs and renames it onto
 * <path>. Readers therefore see either the old file or the complete new one, never half of it,
 * even when the job is killed (Slurm time limit) in the middle of writing.
 *
 *   FILE *fp;
 *   char  tmp[PETSC_MAX_PATH_LEN + 32];
 *   PetscCall(PhynnFileOpenAtomic("out/log.csv", &fp, tmp, sizeof(tmp)));
 *   fprintf(fp, "...");
 *   PetscCall(PhynnFileCommit(&fp, tmp, "out/log.csv"));   // or PhynnFileDiscard(&fp, tmp)
 *
 * Temporary files still open when the program fails are removed by PhynnFileDiscardAll() (call
 * it on error exits, next to PhynnNcDiscardAll()). Only one rank should write a given file. */
#ifndef PHYNN_TEXTFILE_H
#define PHYNN_TEXTFILE_H

#include <stdio.h>

#include "phynn/sys.h"

/* Opens a temporary file next to `path` for writing; its name goes to tmp_path (len bytes; give
 * at least PETSC_MAX_PATH_LEN + 32). Errors, one line each: the directory does not exist, is not
 * writable, `path` is a directory. */
PetscErrorCode PhynnFileOpenAtomic(const char *path, FILE **fp, char *tmp_path, size_t len);
/* Flushes and closes *fp, then renames tmp_path onto path; *fp becomes NULL. A write error
 * (disk full, quota) is reported here and the temporary file is removed. */
PetscErrorCode PhynnFileCommit(FILE **fp, const char *tmp_path, const char *path);
/* Closes *fp (if not NULL) and removes tmp_path (after an error). Safe to call twice. */
PetscErrorCode PhynnFileDiscard(FILE **fp, const char *tmp_path);
/* Removes every temporary file opened by PhynnFileOpenAtomic and not yet committed or discarded
 * (error exits). */
void PhynnFileDiscardAll(void);

#endif
