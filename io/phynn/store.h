/* A store: the generic container every phynn model file and checkpoint is written through.
 *
 * A store is a NetCDF-4 file seen as named things: text and integer attributes, N-dimensional
 * double arrays with named dimensions (CF practice: a dimension is shared by name), string lists,
 * and groups (a group is a sub-store, e.g. /training). It knows nothing of models, layers or
 * trainers: the model writes its spec and parameter table through it, the trainer its state, and
 * a reader that does not know which command wrote a file can still list what is in it.
 *
 * Writing is atomic (phynn/ncfile.h): PhynnStoreCreate opens "<path>.tmp.<pid>", and only
 * PhynnStoreCommit renames it onto <path>; PhynnStoreDiscard (or an error exit) removes it.
 * Attributes and arrays go to the current group: PhynnStorePushGroup(s, "training") enters (and
 * in a writer creates) a group, PhynnStorePopGroup goes back up. Reading errors are one line
 * naming the file, the group and the missing or malformed entry. */
#ifndef PHYNN_STORE_H
#define PHYNN_STORE_H

#include "phynn/sys.h"

#define PHYNN_STORE_MAX_DIMS 8  /* dimensions of one stored array */
#define PHYNN_STORE_MAX_DEPTH 8 /* nesting of groups */

typedef struct _p_PhynnStore *PhynnStore;

/* Writing: a new file with the provenance attributes (title = `title`). One rank writes. */
PetscErrorCode PhynnStoreCreate(const char *path, const char *title, PhynnStore *s);
/* Reading: a missing or non-NetCDF file is a one-line error. */
PetscErrorCode PhynnStoreOpen(const char *path, PhynnStore *s);
/* Writer: closes and renames onto the final path. Reader: closes. Nulls *s. */
PetscErrorCode PhynnStoreCommit(PhynnStore *s);
/* Writer: closes and removes the temporary file. Reader: closes. Safe on NULL. */
PetscErrorCode PhynnStoreDiscard(PhynnStore *s);
PetscBool      PhynnStoreWriting(PhynnStore s);
const char    *PhynnStorePath(PhynnStore s);

/* Groups: enter (creating it when writing; a missing one is an error when reading) and leave. */
PetscErrorCode PhynnStorePushGroup(PhynnStore s, const char *name);
PetscErrorCode PhynnStorePopGroup(PhynnStore s);
PetscBool      PhynnStoreHasGroup(PhynnStore s, const char *name);

/* Attributes of the current group (`var` NULL) or of one of its arrays. */
PetscErrorCode PhynnStorePutText(PhynnStore s, const char *var, const char *name, const char *text);
PetscErrorCode PhynnStorePutInt(PhynnStore s, const char *var, const char *name, long long value);
PetscBool      PhynnStoreHasAttr(PhynnStore s, const char *var, const char *name);
/* *text is allocated (PetscFree). A missing attribute is an error. */
PetscErrorCode PhynnStoreGetText(PhynnStore s, const char *var, const char *name, char **text);
PetscErrorCode PhynnStoreGetInt(PhynnStore s, const char *var, const char *name, long long *value);

/* A double array over named dimensions (dims[k] values along dimnames[k]); ndim 0 is a scalar.
 * A dimension already defined in the group is reused when its length agrees (an error when not);
 * a length-0 dimension is stored as an unlimited one of current length 0. long_name may be NULL. */
PetscErrorCode PhynnStorePutArray(PhynnStore s, const char *name, int ndim, const char *const *dimnames, const long *dims, const double *data, const char *long_name);
/* Same for 64-bit integers (offsets, shapes). */
PetscErrorCode PhynnStorePutIntArray(PhynnStore s, const char *name, int ndim, const char *const *dimnames, const long *dims, const long *data, const char *long_name);
/* A list of n strings over dimension dimname (NetCDF strings: Python reads them as str). */
PetscErrorCode PhynnStorePutStrings(PhynnStore s, const char *name, const char *dimname, int n, const char *const *strings, const char *long_name);
PetscBool      PhynnStoreHasArray(PhynnStore s, const char *name);
/* Reads an array: its shape (at most PHYNN_STORE_MAX_DIMS) and its values into a new array
 * (PetscFree; not allocated when it is empty, *data NULL). With `finite`, NaN or Inf is an error
 * naming the file, the array and the flat index. want_size >= 0 checks the element count. */
PetscErrorCode PhynnStoreGetArray(PhynnStore s, const char *name, PetscBool finite, long want_size, int *ndim, long *dims, double **data);
PetscErrorCode PhynnStoreGetIntArray(PhynnStore s, const char *name, long want_size, long *count, long **data);
/* Reads a string list: *strings is an array of n allocated strings (PhynnStoreFreeStrings). */
PetscErrorCode PhynnStoreGetStrings(PhynnStore s, const char *name, int *n, char ***strings);
PetscErrorCode PhynnStoreFreeStrings(int n, char ***strings);

#endif
