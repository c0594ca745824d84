/* phynn train fit: plain regression of a CSV table's last column on the other columns.
 *
 *   mpirun -np 2 phynn train fit -data FILE.csv -layers 2,32,32,1 -activation tanh \
 *       -optimizer adam -lr 1e-3 -max_it 100 -seed 7 -loss_log LOG.csv -o MODEL.nc
 *
 * The header names the columns: the inputs are the first cols-1 names, the output the last.
 * Rank 0 reads the file and broadcasts it (data sets are small; one reader means one error line);
 * every rank keeps the whole table and the trainer's minibatches (PhynnTrainerSetMinibatch) say
 * which rows it uses in each step:
 *   - full batch (-batch_size 0): every step all N rows, each rank its PhynnSplitRange share;
 *   - minibatches of B rows: each epoch visits the GLOBAL rows in an order drawn from the seed,
 *     ceil(N/B) steps of B rows, the last one the N - (steps - 1) B left over; each rank takes its
 *     PhynnSplitRange share of every batch, and the loss divides by the batch's global row count.
 *     The batches are the same for every rank count (and after a resume), and the final loss is
 *     reported over all rows.
 * The trainer sums each rank's loss and gradient in one allreduce, so np=1 and np=N differ only
 * by the order of floating-point sums. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "phynn/csv.h"
#include "phynn/mlp.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"
#include "phynn/trainer.h"

#define FIT_MAX_INPUTS 64 /* input columns of the data file */

typedef struct {
  PhynnGraph    g;
  int           x, target;
  int           nin, nout;
  long          N;         /* global rows */
  const double *X, *Y;     /* whole table, row-major: N x nin and N x nout */
  double       *Xb, *Yb;   /* this rank's rows of the current batch */
} FitCtx;

/* Rank 0 reads the CSV and broadcasts it, so a bad file gives one error line, not one per rank.
 * If rank 0 fails, main() aborts the job (the other ranks are waiting in the broadcast). */
static PetscErrorCode ReadTableShared(MPI_Comm comm, const char *path, PhynnTable *t)
{
  long   dims[2] = {0, 0};
  size_t lens[64];
  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    PetscCall(PhynnTableReadCSV(path, t));
    dims[0] = t->rows;
    dims[1] = t->cols;
  }
  PetscCallMPI(MPI_Bcast(dims, 2, MPI_LONG, 0, comm));
  PetscCheck(dims[1] <= FIT_MAX_INPUTS + 1, comm, PHYNN_ERR_INPUT, "%s has %ld columns; train fit takes at most %d inputs and one output", path, dims[1], FIT_MAX_INPUTS);
  if (PhynnRank(comm) == 0)
    for (int c = 0; c < t->cols; c++) lens[c] = strlen(t->names[c]) + 1;
  PetscCallMPI(MPI_Bcast(lens, (int)dims[1] * (int)sizeof(size_t), MPI_BYTE, 0, comm));
  if (PhynnRank(comm) != 0) { /* the same layout PhynnTableDestroy frees */
    PetscCall(PetscMemzero(t, sizeof(*t)));
    PetscCall(PetscCalloc1((size_t)dims[1], &t->names));
    t->cols = (int)dims[1];
    for (int c = 0; c < t->cols; c++) PetscCall(PetscMalloc1(lens[c], &t->names[c]));
    PetscCall(PetscMalloc1(dims[0] * dims[1] + 1, &t->data));
    t->rows = dims[0];
  }
  for (int c = 0; c < dims[1]; c++) PetscCallMPI(MPI_Bcast(t->names[c], (int)lens[c], MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(t->data, (int)(dims[0] * dims[1]), MPI_DOUBLE, 0, comm));
  PetscFunctionReturn(0);
}

/* The trainer's batch function: this rank's rows of the step's batch, by global row index. */
static PetscErrorCode FitBatch(void *ctx, long count, const long *rows)
{
  FitCtx *f = (FitCtx *)ctx;
  PetscFunctionBegin;
  for (long r = 0; r < count; r++) {
    PetscCall(PetscArraycpy(f->Xb + r * f->nin, f->X + rows[r] * f->nin, f->nin));
    PetscCall(PetscArraycpy(f->Yb + r * f->nout, f->Y + rows[r] * f->nout, f->nout));
  }
  PetscCall(PhynnGraphSetInput(f->g, f->x, count, f->Xb));
  PetscCall(PhynnGraphSetInput(f->g, f->target, count, f->Yb));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdTrainFit(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char  *cmd = "train fit";
  char         data[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], layers_text[512];
  long         layers[PHYNN_MLP_MAX_LAYERS + 2], seed, batch;
  int          nlayers = 0, hidden, output, loss, init;
  PetscBool    layers_set, scale;
  PhynnGraph   g = NULL;
  PhynnTrainer t = NULL;
  PhynnTable   tab = {0};
  PhynnModel   m = NULL;
  FitCtx       f = {0};

  PetscFunctionBegin;
  PetscCall(PhynnOptString("data", NULL, "training data: CSV with a header; the last column is the target, the others the inputs (required)", data, sizeof(data), NULL));
  /* Read as text: the default depends on the data (PhynnOptIntList needs a literal default). */
  PetscCall(PhynnOptString("layers", NULL, "layer sizes input,hidden...,output (default: ninputs,32,32,1); the first must be the number of input columns, the last 1", layers_text, sizeof(layers_text), &layers_set));
  PetscCall(PhynnOptChoice("activation", PhynnActivationNames, "tanh", "activation of the hidden layers", &hidden, NULL));
  PetscCall(PhynnOptChoice("output_activation", PhynnActivationNames, "identity", "activation of the output layer", &output, NULL));
  PetscCall(PhynnOptChoice("loss", PhynnLossNames, "mse", "data loss (bce/cce expect probabilities: use a sigmoid/softmax output)", &loss, NULL));
  PetscCall(PhynnOptChoice("init", PhynnInitNames, "xavier_normal", "weight initialiser (normal: N(0, 0.1^2), uniform: [-0.1, 0.1), constant: 0.1; biases start at 0)", &init, NULL));
  PetscCall(PhynnOptInt("seed", 7, "seed of the initial weights and of the minibatch shuffles", &seed, NULL));
  PetscCall(PhynnOptBool("scale_inputs", PETSC_TRUE, "map each input to [-1, 1] from the data's min and max", &scale, NULL));
  PetscCall(PhynnOptInt("batch_size", 0, "rows per minibatch (0: full batch); -max_it counts minibatch steps", &batch, NULL));
  PetscCall(PhynnOptString("o", "model.nc", "output model file (NetCDF)", out, sizeof(out), NULL));
  /* The trainer's own options (-optimizer, -lr, -max_it, -loss_log, ...) are read here too, so that
   * -help lists them and a typo in them is caught before any work. */
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnTrainerCreate(comm, g, &t));
  PetscCall(PhynnTrainerSetDefaults(t, PHYNN_OPTIM_ADAM, 1000, 1e-3, 0));
  PetscCall(PhynnTrainerSetFromOptions(t));
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) {
    if (mode == PHYNN_OPTIONS_READ) PetscCall(PhynnOptionsCheckUnused(comm));
    PetscCall(PhynnTrainerDestroy(&t));
    PetscCall(PhynnGraphDestroy(&g));
    PetscFunctionReturn(0);
  }

  /* ---- validate ---- */
  PetscCall(PhynnCommandCheckArgs(comm, cmd, "", nargs, 0, 0));
  (void)args;
  PetscCheck(data[0], comm, PHYNN_ERR_INPUT, "no training data given; pass -data FILE.csv (a CSV with a header, the target in the last column)");
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCheck(batch >= 0, comm, PHYNN_ERR_INPUT, "option -batch_size: %ld is negative; give 0 (full batch) or the rows per minibatch", batch);
  if (layers_set) {
    char *save = NULL, *tok;
    for (tok = strtok_r(layers_text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      char what[64];
      PetscCheck(nlayers < PHYNN_MLP_MAX_LAYERS + 1, comm, PHYNN_ERR_INPUT, "option -layers: more than %d sizes; give input, hidden..., output, e.g. -layers 2,32,32,1", PHYNN_MLP_MAX_LAYERS + 1);
      PetscCall(PetscSNPrintf(what, sizeof(what), "option -layers (entry %d)", nlayers + 1));
      PetscCall(PhynnParseInt(comm, what, tok, &layers[nlayers]));
      PetscCheck(layers[nlayers] >= 1, comm, PHYNN_ERR_INPUT, "option -layers: size %ld at position %d is not positive; every layer needs at least one unit", layers[nlayers], nlayers + 1);
      nlayers++;
    }
    PetscCheck(nlayers >= 2, comm, PHYNN_ERR_INPUT, "option -layers: %d size(s) given; give 2 to %d (input, hidden..., output), e.g. -layers 2,32,32,1", nlayers, PHYNN_MLP_MAX_LAYERS + 1);
  }
  PetscCheck(hidden != PHYNN_ACT_SOFTMAX, comm, PHYNN_ERR_INPUT, "option -activation: softmax is for the output layer only; choose another hidden activation");
  PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(ReadTableShared(comm, data, &tab));
  PetscCheck(tab.cols >= 2, comm, PHYNN_ERR_INPUT, "%s has %d column(s); train fit needs at least one input column and the target column (last)", data, tab.cols);
  PetscCheck(tab.cols - 1 <= FIT_MAX_INPUTS, comm, PHYNN_ERR_INPUT, "%s has %d input columns; at most %d are supported", data, tab.cols - 1, FIT_MAX_INPUTS);
  f.nin  = tab.cols - 1;
  f.nout = 1;
  f.N    = tab.rows;
  if (!layers_set) {
    nlayers   = 4;
    layers[0] = f.nin;
    layers[1] = layers[2] = 32;
    layers[3] = 1;
  }
  PetscCheck(layers[0] == f.nin, comm, PHYNN_ERR_INPUT, "option -layers: the first size is %ld but %s has %d input columns (all but the last); start -layers with %d", layers[0], data, f.nin, f.nin);
  PetscCheck(layers[nlayers - 1] == f.nout, comm, PHYNN_ERR_INPUT, "option -layers: the last size is %ld but train fit has one output (the last column of %s); end -layers with 1", layers[nlayers - 1], data);
  PetscCheck(batch <= f.N, comm, PHYNN_ERR_INPUT, "option -batch_size: %ld is larger than the %ld rows of %s; give at most %ld (or 0 for full batch)", batch, f.N, data, f.N);
  PetscCheck(batch == 0 || batch >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -batch_size: %ld rows cannot be shared by %d ranks; give at least one row per rank", batch, PhynnSize(comm));
  PetscCheck(f.N >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "%s has %ld rows, fewer than the %d ranks; run with fewer ranks", data, f.N, PhynnSize(comm));

  /* ---- the model: its spec from the CSV's columns and the options ---- */
  {
    PhynnText t = {NULL, 0, 0};
    double    lb[FIT_MAX_INPUTS], ub[FIT_MAX_INPUTS];
    for (int c = 0; c < tab.cols; c++) {
      PetscCheck(strlen(tab.names[c]) < 32, comm, PHYNN_ERR_INPUT, "%s: column name '%s' is longer than 31 characters; shorten it", data, tab.names[c]);
      PetscCheck(!strchr(tab.names[c], ','), comm, PHYNN_ERR_INPUT, "%s: column name '%s' contains a comma", data, tab.names[c]);
    }
    for (int c = 0; c < f.nin; c++) {
      double lo = INFINITY, hi = -INFINITY;
      for (long i = 0; i < f.N; i++) {
        lo = PetscMin(lo, tab.data[i * tab.cols + c]);
        hi = PetscMax(hi, tab.data[i * tab.cols + c]);
      }
      if (hi == lo) { /* a constant column cannot be mapped to [-1, 1]: widen it (it maps to 0) */
        lo -= 1;
        hi += 1;
      }
      lb[c] = lo;
      ub[c] = hi;
    }
    PetscCall(PhynnTextAppend(&t, "input points dims=%d names=", f.nin));
    for (int c = 0; c < f.nin; c++) PetscCall(PhynnTextAppend(&t, "%s%s", c ? "," : "", tab.names[c]));
    if (scale) {
      PetscCall(PhynnTextAppendReals(&t, "lb", f.nin, lb));
      PetscCall(PhynnTextAppendReals(&t, "ub", f.nin, ub));
    }
    PetscCall(PhynnTextAppend(&t, "\nmlp net(points)"));
    PetscCall(PhynnTextAppendInts(&t, "sizes", nlayers, layers));
    PetscCall(PhynnTextAppend(&t, " act=%s out=%s bias=1\noutput net names=%s\n", PhynnActivationNames[hidden], PhynnActivationNames[output], tab.names[f.nin]));
    PetscCall(PhynnModelCreate(comm, &m));
    PetscCall(PhynnModelSetProblem(m, "fit"));
    PetscErrorCode ierr = PhynnModelSetSpec(m, t.s, "train fit");
    PetscCall(PhynnTextFree(&t));
    PetscCall(ierr);
  }

  /* Inputs and targets as separate contiguous arrays (the graph reads rows of nin doubles). */
  double *X, *Y;
  PetscCall(PetscMalloc2(f.N * f.nin, &X, f.N * f.nout, &Y));
  for (long i = 0; i < f.N; i++) {
    for (int c = 0; c < f.nin; c++) X[i * f.nin + c] = tab.data[i * tab.cols + c];
    Y[i] = tab.data[i * tab.cols + f.nin];
  }
  f.X = X;
  f.Y = Y;

  /* ---- the graph: inputs -> network -> loss against the target rows ---- */
  PhynnInitSpec spec = PhynnInitFromChoice((PhynnInit)init);
  int y, L;
  f.g = g;
  PetscCall(PhynnModelSetUp(m, g, &spec));
  PetscCall(PhynnGraphInput(g, "x", f.nin, &f.x));
  PetscCall(PhynnModelApply(m, g, &f.x, NULL, &y));
  PetscCall(PhynnGraphInput(g, "target", f.nout, &f.target));
  PetscCall(PhynnGraphLoss(g, (PhynnLoss)loss, y, f.target, &L));
  PetscCall(PhynnGraphSetName(g, L, "data"));
  {
    long B = batch > 0 ? batch : f.N, s, c; /* a rank holds at most its share of a full batch */
    PhynnSplitRange(B, PhynnRank(comm), PhynnSize(comm), &s, &c);
    PetscCall(PetscMalloc2(c * f.nin + 1, &f.Xb, c * f.nout + 1, &f.Yb));
    PetscCall(PhynnTrainerAddBatchTerm(t, "data", L, 1.0, f.nout));
    PetscCall(PhynnTrainerSetMinibatch(t, f.N, B, (uint64_t)seed, FitBatch, &f));
  }
  PetscCall(PhynnTrainerSetUp(t));
  PetscCall(PhynnOptionsCheckUnused(comm));

  /* ---- run ---- */
  long   iterations;
  double final_loss, seconds;
  PetscCall(PhynnTrainerInitParameters(t, (uint64_t)seed));
  PetscCall(PhynnTrainerSetModel(t, m)); /* for -checkpoint */
  PetscCall(PhynnTrainerTrain(t));
  PetscCall(PhynnTrainerGetResult(t, &iterations, &final_loss, &seconds));
  if (PhynnTrainerStoppedBySignal(t)) goto cleanup; /* the checkpoint holds the state; no model file */
  /* The trainer's last loss is that of a minibatch: report the loss over all rows instead. */
  if (batch > 0) PetscCall(PhynnTrainerEvaluateDataset(t, &final_loss, NULL));
  {
    PhynnRecord rec;
    PhynnRecordInit(&rec);
    PetscCall(PhynnTrainerStoreInModel(t, m, &rec));
    PetscErrorCode ierr = PhynnRank(comm) == 0 ? PhynnModelSave(m, &rec, out) : 0;
    PetscCall(PhynnRecordReset(&rec));
    PetscCall(ierr);
  }
  PetscCall(PhynnPrintf(comm, "final_loss: %.17g\n", final_loss));
  PetscCall(PhynnPrintf(comm, "iterations: %ld\n", iterations));
  {
    long steps;
    PetscCall(PhynnTrainerGetMinibatch(t, NULL, NULL, &steps));
    PetscCall(PhynnPrintf(comm, "batch_rows: %ld\nsteps_per_epoch: %ld\n", batch > 0 ? batch : f.N, steps));
  }
  PetscCall(PhynnPrintf(comm, "seconds: %.3f\n", seconds));
  PetscCall(PhynnPrintf(comm, "wrote %s\n", out));

cleanup:
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PetscFree2(f.Xb, f.Yb));
  PetscCall(PetscFree2(X, Y));
  PetscCall(PhynnTableDestroy(&tab));
  PetscCall(PhynnTrainerDestroy(&t));
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}
