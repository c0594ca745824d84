/* The subcommands of the `phynn` executable.
 *
 * A command is one function. Called in PHYNN_OPTIONS_COLLECT mode it only declares its options
 * (reads them through PhynnOpt*, which then return defaults) and returns; called in
 * PHYNN_OPTIONS_READ mode it reads them, sets up, calls PhynnOptionsCheckUnused(), returns early
 * if PhynnOptionsHelp(), and runs. `args` are the positional arguments after the command words
 * (file names such as `phynn eval MODEL.nc`). */
#ifndef PHYNN_APPS_COMMANDS_H
#define PHYNN_APPS_COMMANDS_H

#include "phynn/options.h"

typedef PetscErrorCode (*PhynnCommandFn)(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args);

typedef struct {
  const char    *name;    /* "train fit", "solve heat", "eval" */
  const char    *usage;   /* positional arguments, e.g. "MODEL.nc" ("" for none) */
  const char    *summary; /* one line */
  PhynnCommandFn run;
} PhynnCommand;

/* Checks the number of positional arguments: an error with the usage line when it is wrong. */
PetscErrorCode PhynnCommandCheckArgs(MPI_Comm comm, const char *name, const char *usage, int nargs, int min, int max);

PetscErrorCode PhynnCmdSolvePendulum(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdSolvePendulumImages(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdSolveHeat(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdSolveHeat2d(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdSolveNls(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainFit(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainAutoencoder(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainOperator(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdCompare(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainSindyAE(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainPerceptronIris(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainLinreg(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdEval(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainPinnHeat(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainPinnPendulum(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainPinnNls(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdTrainPendulumG(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdBench(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdValidate(MPI_Comm, PhynnOptionsMode, int, char **);
PetscErrorCode PhynnCmdPca(MPI_Comm, PhynnOptionsMode, int, char **);

#endif
