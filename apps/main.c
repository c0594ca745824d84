/* phynn: one executable, subcommands.
 *
 *   phynn solve pendulum|pendulum-images|heat|heat2d|nls [options]   reference solutions as NetCDF
 *   phynn train fit|perceptron-iris|linreg ...   train a network (mpirun -np N for data parallelism)
 *   phynn pca FRAMES.nc -k K -o PCA.nc           principal components of image frames (a linear autoencoder)
 *   phynn eval MODEL.nc -in POINTS -o OUT        outputs and input derivatives of a trained model
 *   phynn bench [options]                        time a training step against this machine's DGEMM
 *   phynn options                                every option name of every command
 *
 * Options come from the PETSc options database (command line, -options_file FILE). Every
 * command lists its options with `-help`. */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "phynn/ncfile.h"
#include "phynn/textfile.h"

/* `phynn version`: the version and git revision (also in every file phynn writes). */
static PetscErrorCode PhynnCmdVersion(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  PetscFunctionBegin;
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) PetscFunctionReturn(0);
  PetscCall(PhynnCommandCheckArgs(comm, "version", "", nargs, 0, 0));
  PetscCall(PhynnOptionsCheckUnused(comm));
  PetscCall(PhynnPrintf(comm, "phynn %s (git %s)\n", PHYNN_VERSION, PhynnGitRevision()));
  PetscFunctionReturn(0);
}

/* `phynn options`: every option name some command declares, one a line (for shell completion,
 * and for the test that no phynn option shadows one of PETSc's: tests/infra/petsc_options.sh). */
static PetscErrorCode PhynnCmdOptions(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  PetscFunctionBegin;
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) PetscFunctionReturn(0);
  PetscCall(PhynnCommandCheckArgs(comm, "options", "", nargs, 0, 0));
  PetscCall(PhynnOptionsCheckUnused(comm));
  PetscCall(PhynnOptionsViewKnown(comm));
  PetscFunctionReturn(0);
}

/* The command table: one line per command (its function lives in apps/cmd_*.c). */
static const PhynnCommand phynn_commands[] = {
  {"version", "", "print the version and git revision", PhynnCmdVersion},
  {"options", "", "list every option of every command, one name a line", PhynnCmdOptions},
  {"solve pendulum", "", "reference trajectories of the pendulum (PETSc TS, RK5(4))", PhynnCmdSolvePendulum},
  {"solve pendulum-images", "", "frames of the pendulum (rod or Champion blob) with exact image_t, image_tt", PhynnCmdSolvePendulumImages},
  {"solve heat", "", "reference solutions of the 1D heat equation (PETSc TS + DMDA, FFTW)", PhynnCmdSolveHeat},
  {"solve heat2d", "", "reference solutions of the 2D periodic heat equation (FFTW MPI slabs, exact in time)", PhynnCmdSolveHeat2d},
  {"solve nls", "", "reference solutions of the nonlinear Schrodinger equation (FFTW split-step)", PhynnCmdSolveNls},
  {"train fit", "", "fit a network to a CSV table (last column = target; mpirun for data parallelism)", PhynnCmdTrainFit},
  {"train sindy-ae", "", "discover the latent dynamics of image frames: a SINDy autoencoder (tutorial Example 4; mpirun splits the minibatches, -runs sweeps seeds)", PhynnCmdTrainSindyAE},
  {"train operator", "", "learn the solution operator of a solver family: FNO, DeepONet or a CNN U-Net (mpirun splits the minibatches)", PhynnCmdTrainOperator},
  {"train autoencoder", "", "learn a latent coordinate of image frames (tutorial Example 3; mpirun splits the minibatches)", PhynnCmdTrainAutoencoder},
  {"train perceptron-iris", "", "the tutorial's perceptron: Iris setosa vs virginica, one sigmoid unit", PhynnCmdTrainPerceptronIris},
  {"train linreg", "", "the tutorial's linear regression: v = 0.5 t with one ReLU unit", PhynnCmdTrainLinreg},
  {"train pinn-heat", "", "PINN for the heat equation u_t = k u_xx (DeepXDE's example)", PhynnCmdTrainPinnHeat},
  {"train pinn-pendulum", "", "PINN for the pendulum (tutorial Example 2; -linear for small angles)", PhynnCmdTrainPinnPendulum},
  {"train pinn-nls", "", "PINN for the nonlinear Schrodinger equation (Raissi et al. 2019)", PhynnCmdTrainPinnNls},
  {"train pendulum-g", "", "estimate g from pendulum data (tutorial Example 1)", PhynnCmdTrainPendulumG},
  {"pca", "FRAMES.nc", "principal components of image frames (ScaLAPACK; mpirun for more ranks): a linear autoencoder model", PhynnCmdPca},
  {"eval", "MODEL.nc", "a model's outputs and input derivatives at points (CSV or NetCDF)", PhynnCmdEval},
  {"bench", "", "time a PINN training step against this machine's DGEMM", PhynnCmdBench},
  {"compare", "MODEL.nc [MODEL.nc ...]", "PINNs and neural operators of one problem against its solver: errors, fields, training and answer seconds (-reference REF.nc -report DIR)", PhynnCmdCompare},
  {"validate", "MODEL.nc REFERENCE.nc", "compare a model with a reference solution: metrics, plots, HTML report; exit 1 on a failed -threshold", PhynnCmdValidate},
};
static const int phynn_ncommands = (int)(sizeof(phynn_commands) / sizeof(phynn_commands[0]));

static void PrintUsage(FILE *out)
{
  fprintf(out, "phynn %s (%s): physics-informed machine learning on MPI clusters\n\n", PHYNN_VERSION, PhynnGitRevision());
  fprintf(out, "usage: [mpirun -np N] phynn COMMAND [ARGS] [-option value ...] [-options_file FILE]\n\ncommands:\n");
  for (int i = 0; i < phynn_ncommands; i++) {
    char head[96];
    snprintf(head, sizeof(head), "%s %s", phynn_commands[i].name, phynn_commands[i].usage);
    fprintf(out, "  %-34s %s\n", head, phynn_commands[i].summary);
  }
  fprintf(out, "\n'phynn COMMAND -help' lists the command's options with their defaults.\n");
}

/* Matches argv[1] (and argv[2] for two-word commands) against the table. Returns the index
 * or -1, and the number of argv words the command name used. */
static int FindCommand(int argc, char **argv, int *words)
{
  for (int i = 0; i < phynn_ncommands; i++) {
    const char *name  = phynn_commands[i].name;
    const char *space = strchr(name, ' ');
    if (!space) {
      if (argc > 1 && !strcmp(argv[1], name)) { *words = 1; return i; }
    } else if (argc > 2 && strlen(argv[1]) == (size_t)(space - name) && !strncmp(argv[1], name, (size_t)(space - name)) && !strcmp(argv[2], space + 1)) {
      *words = 2;
      return i;
    }
  }
  return -1;
}

PetscErrorCode PhynnCommandCheckArgs(MPI_Comm comm, const char *name, const char *usage, int nargs, int min, int max)
{
  PetscFunctionBegin;
  PetscCheck(nargs >= min && nargs <= max, comm, PHYNN_ERR_INPUT, "'phynn %s' takes %d to %d file argument(s) before the options, got %d; usage: phynn %s %s [options]", name, min, max,
             nargs, name, usage);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  int            words = 0, index, nargs = 0, pargc = 0;
  char         **args, **pargv;
  PetscErrorCode ierr;

  index = FindCommand(argc, argv, &words);
  if (index < 0) {
    int asked = argc < 2 || !strcmp(argv[1], "-help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help");
    if (!asked) fprintf(stderr, "phynn: error: unknown command '%s%s%s'; the commands are listed below\n", argv[1], argc > 2 && argv[2][0] != '-' ? " " : "",
                        argc > 2 && argv[2][0] != '-' ? argv[2] : "");
    PrintUsage(asked ? stdout : stderr);
    return asked ? 0 : 1;
  }
  /* Positional arguments come right after the command words; options (and their values) after
   * them go to PETSc. -help becomes -phynn_help so PETSc does not print its own option list. */
  args  = (char **)calloc((size_t)argc, sizeof(char *));
  pargv = (char **)calloc((size_t)argc + 2, sizeof(char *));
  pargv[pargc++] = argv[0];
  int i = 1 + words;
  for (; i < argc && argv[i][0] != '-'; i++) args[nargs++] = argv[i];
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) pargv[pargc++] = "-phynn_help";
    else pargv[pargc++] = argv[i];
  }
  pargv[pargc] = NULL;
  PhynnSetCommandLine(argc, argv);

  ierr = PetscInitialize(&pargc, &pargv, NULL, NULL);
  if (ierr) return 1;
  /* `phynn ... | head` should end quietly, not with PETSc's crash banner. */
  signal(SIGPIPE, SIG_DFL);
  /* OpenMP's threads (elementwise passes) follow OpenBLAS's unless OMP_NUM_THREADS is set, so
   * `OPENBLAS_NUM_THREADS=1 mpirun -np 2` does not start two threads per rank. */
  if (!getenv("OMP_NUM_THREADS")) {
    const char *b = getenv("OPENBLAS_NUM_THREADS");
    if (b && atoi(b) > 0) omp_set_num_threads(atoi(b));
  }
  ierr = PhynnErrorHandlerPush();
  /* Every command declares its options once, so the unused-option check can tell a typo from an
   * option of another command. */
  for (int c = 0; c < phynn_ncommands && !ierr; c++) {
    ierr = PhynnOptionsBegin(PETSC_COMM_WORLD, phynn_commands[c].name, PHYNN_OPTIONS_COLLECT);
    if (!ierr) ierr = phynn_commands[c].run(PETSC_COMM_WORLD, PHYNN_OPTIONS_COLLECT, 0, NULL);
    if (!ierr) ierr = PhynnOptionsEnd();
  }
  if (!ierr) ierr = PhynnOptionsBegin(PETSC_COMM_WORLD, phynn_commands[index].name, PHYNN_OPTIONS_READ);
  if (!ierr) ierr = phynn_commands[index].run(PETSC_COMM_WORLD, PHYNN_OPTIONS_READ, nargs, args);
  if (!ierr) ierr = PhynnOptionsCheckUnused(PETSC_COMM_WORLD); /* for commands without a long phase */
  free(args);
  if (ierr) {
    /* An error on one rank may leave the others waiting in a collective: abort the whole job. */
    PhynnNcDiscardAll();
    PhynnFileDiscardAll();
    if (PhynnSize(PETSC_COMM_WORLD) > 1) MPI_Abort(PETSC_COMM_WORLD, 1);
    PhynnOptionsFinalize();
    PetscFinalize();
    free(pargv);
    return 1;
  }
  PhynnOptionsFinalize();
  ierr = PetscFinalize();
  free(pargv);
  return ierr ? 1 : 0;
}
