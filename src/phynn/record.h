/* The training record: what a trainer writes beside the model so a run can be resumed bitwise
 * and its history shown (iteration, seed, optimiser and its full state, the loss history with
 * its columns, term names, the options used). It lives in the group /training of a model file,
 * written and read through the generic store; a model can exist without one (an untrained or
 * hand-made model). */
#ifndef PHYNN_RECORD_H
#define PHYNN_RECORD_H

#include "phynn/store.h"

#define PHYNN_RECORD_NAME_MAX 32

typedef struct {
  uint64_t seed;
  long     iteration;
  int      ranks;     /* MPI ranks of the run that wrote it (0: unknown; older files do not record it) */
  char     optimizer[32];
  long     nopt_state;
  double  *opt_state;
  int      nterms;
  char   (*term_names)[PHYNN_RECORD_NAME_MAX];
  long     nhistory;  /* rows of history */
  double  *history;   /* nhistory x (3 + nterms): iteration, elapsed_s, loss, one column per term */
  char    *options;   /* the options used, "-name value ..." */
} PhynnRecord;

void           PhynnRecordInit(PhynnRecord *r);
PetscErrorCode PhynnRecordReset(PhynnRecord *r);
/* Term names and history rows (copied). */
PetscErrorCode PhynnRecordSetTerms(PhynnRecord *r, int nterms, char (*names)[PHYNN_RECORD_NAME_MAX]);
PetscErrorCode PhynnRecordSetHistory(PhynnRecord *r, long nrows, const double *rows);
PetscErrorCode PhynnRecordSetOptimizer(PhynnRecord *r, const char *name, long nstate, const double *state);
/* The PETSc options database of this run, for provenance. */
PetscErrorCode PhynnRecordCaptureOptions(PhynnRecord *r);
/* The value after the last token "-<name>" in a recorded option string ("-a 1 -b x "), as a
 * report or eval reads what a model was trained with; PETSC_FALSE when it is not there. */
PetscBool PhynnRecordedOption(const char *options, const char *name, char *value, size_t len);
/* Group /training of a store. */
PetscErrorCode PhynnRecordView(const PhynnRecord *r, PhynnStore s);
PetscErrorCode PhynnRecordLoad(PhynnRecord *r, PhynnStore s);

#endif
