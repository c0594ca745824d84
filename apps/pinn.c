/* The PINN runner: `phynn train pinn-*`. Options, model, point sets split across ranks,
 * sampling, trainer, model file. The problems (apps/problem_*.c) supply only their physics. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "phynn/mlp.h"
#include "phynn/modelfile.h"
#include "phynn/random.h"
#include "pinn.h"
#include "pinn_track.h"

static const char *const sampler_names[] = {"uniform", "lhs", NULL};

PetscErrorCode PhynnPinnAddSet(PhynnPinn *p, const char *name, long nglobal, int naux, PetscBool resample, PhynnPointSet **out)
{
  PhynnPointSet *set;
  char           auxname[48];
  PetscFunctionBegin;
  PetscCheck(p->nsets < PHYNN_PINN_MAX_SETS, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d point sets", PHYNN_PINN_MAX_SETS);
  PetscCheck(nglobal >= 1, p->comm, PHYNN_ERR_INPUT, "point set '%s' needs at least one point, got %ld; raise its -n_ option", name, nglobal);
  set = &p->sets[p->nsets++];
  PetscCall(PetscMemzero(set, sizeof(*set)));
  PetscCall(PetscStrncpy(set->name, name, sizeof(set->name)));
  set->nglobal  = nglobal;
  set->dim      = p->io.nin;
  set->naux     = naux;
  set->resample = resample;
  PhynnSplitRange(nglobal, PhynnRank(p->comm), PhynnSize(p->comm), &set->start, &set->count);
  PetscCall(PetscCalloc1(set->count * set->dim + 1, &set->x));
  PetscCall(PhynnGraphInput(p->g, name, set->dim, &set->node));
  set->aux_node = -1;
  if (naux) {
    PetscCall(PetscCalloc1(set->count * naux + 1, &set->aux));
    PetscCall(PetscSNPrintf(auxname, sizeof(auxname), "%s_values", name));
    PetscCall(PhynnGraphInput(p->g, auxname, naux, &set->aux_node));
  }
  *out = set;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPinnApply(PhynnPinn *p, PhynnPointSet *set, const char *derivs, PhynnJet *jet, int *out)
{
  PetscFunctionBegin;
  if (derivs && derivs[0]) PetscCall(PhynnJetFromNames(p->comm, p->io.nin, (const char(*)[32])p->io.in_names, derivs, jet, NULL, NULL, NULL));
  else *jet = PhynnJetNone(p->io.nin);
  PetscCall(PhynnModelApply(p->model, p->g, &set->node, jet, out));
  PetscFunctionReturn(0);
}

/* The input coordinate whose name starts `s` (longest match), or -1. */
static int MatchInput(const PhynnPinnIO *m, const char *s, size_t *len)
{
  int best = -1;
  *len     = 0;
  for (int c = 0; c < m->nin; c++) {
    size_t l = strlen(m->in_names[c]);
    if (l > *len && !strncmp(s, m->in_names[c], l)) { best = c; *len = l; }
  }
  return best;
}

PetscErrorCode PhynnPinnField(PhynnPinn *p, const PhynnJet *jet, int out, const char *name, int *node)
{
  const PhynnPinnIO *m = &p->io;
  const char       *us = strchr(name, '_');
  size_t            olen = us ? (size_t)(us - name) : strlen(name), l1 = 0, l2 = 0;
  int               o = -1, block = 0;
  PetscFunctionBegin;
  for (int k = 0; k < m->nout; k++)
    if (strlen(m->out_names[k]) == olen && !strncmp(name, m->out_names[k], olen)) o = k;
  PetscCheck(o >= 0, p->comm, PETSC_ERR_ARG_WRONG, "'%s' names no output of the model", name);
  if (us) {
    int c1 = MatchInput(m, us + 1, &l1), c2 = -1;
    PetscCheck(c1 >= 0, p->comm, PETSC_ERR_ARG_WRONG, "'%s': unknown coordinate", name);
    if (us[1 + l1]) c2 = MatchInput(m, us + 1 + l1, &l2);
    block = c2 < 0 ? PhynnJetBlockFirst(jet, c1) : PhynnJetBlockSecond(jet, c1, c2);
    PetscCheck(block > 0, p->comm, PETSC_ERR_ARG_WRONG, "'%s' is not carried by this jet; request it in PhynnPinnApply", name);
  }
  PetscCall(PhynnGraphSlice(p->g, out, PhynnJetBlocks(jet), block, o, node));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPinnAux(PhynnPinn *p, PhynnPointSet *set, int column, int *node)
{
  PetscFunctionBegin;
  PetscCheck(column < set->naux, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "set '%s' has %d values per point", set->name, set->naux);
  PetscCall(PhynnGraphSlice(p->g, set->aux_node, 1, 0, column, node));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPinnAddTerm(PhynnPinn *p, const char *name, PhynnPointSet *set, int residual, double weight)
{
  int term;
  PetscFunctionBegin;
  PetscCall(PhynnGraphMeanSquare(p->g, residual, &term));
  PetscCall(PhynnGraphSetName(p->g, term, name));
  PetscCall(PhynnTrainerAddTerm(p->trainer, name, term, weight, set->count));
  PetscFunctionReturn(0);
}

/* Splits "a,b" into at most max names of 32 characters. */
static int SplitNames(const char *list, char (*names)[32], int max)
{
  int n = 0;
  for (const char *s = list; *s && n < max; n++) {
    size_t l = strcspn(s, ",");
    snprintf(names[n], 32, "%.*s", (int)l, s);
    s += l + (s[l] == ',');
  }
  return n;
}

PetscErrorCode PhynnPinnSpaceTime(PhynnPinn *p, double xmin, double xmax, double tf, const char *outs, const char *refs)
{
  PetscFunctionBegin;
  p->io.nin = 2;
  PetscCall(PetscStrncpy(p->io.in_names[0], "x", 32));
  PetscCall(PetscStrncpy(p->io.in_names[1], "t", 32));
  p->io.nout = SplitNames(outs, p->io.out_names, PHYNN_PINN_MAX_IO);
  PetscCheck(SplitNames(refs, p->io.out_ref, PHYNN_PINN_MAX_IO) == p->io.nout, p->comm, PETSC_ERR_ARG_WRONG, "one reference name per output");
  p->io.in_lb[0] = xmin;
  p->io.in_ub[0] = xmax;
  p->io.in_lb[1] = 0;
  p->io.in_ub[1] = tf;
  if (PhynnOptionsGetMode() == PHYNN_OPTIONS_READ) {
    PetscCheck(xmax > xmin, p->comm, PHYNN_ERR_INPUT, "options -xmin %g -xmax %g: the domain is empty; give xmin < xmax", xmin, xmax);
    PetscCheck(tf > 0, p->comm, PHYNN_ERR_INPUT, "option -tf: %g is not positive", tf);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPinnFillPeriodicPair(PhynnPinn *p, PhynnPointSet *set, long round, double xmin, double xmax, double tf)
{
  PhynnPointSet *left = NULL;
  double         lb[2] = {xmin, 0}, ub[2] = {xmin, tf};
  PetscFunctionBegin;
  for (int k = 0; k < p->nsets; k++)
    if (!strcmp(p->sets[k].name, "boundary_left")) left = &p->sets[k];
  PetscCheck(left, p->comm, PETSC_ERR_ARG_WRONG, "a periodic pair needs a set named boundary_left");
  PetscCall(PhynnPinnSampleBox(p, left, round, lb, ub));
  if (set != left) /* same global indices as the left set: same times */
    for (long i = 0; i < set->count; i++) {
      set->x[2 * i]     = xmax;
      set->x[2 * i + 1] = left->x[2 * i + 1];
    }
  PetscFunctionReturn(0);
}

/* Streams: one per (set, resampling round, purpose), above PHYNN_STREAM_POINTS. */
static uint64_t SetStream(PhynnPinn *p, PhynnPointSet *set, long round, int purpose)
{
  uint64_t idx = (uint64_t)(set - p->sets);
  return PHYNN_STREAM_POINTS + ((idx * 65536u + (uint64_t)round) * 64u + (uint64_t)purpose);
}

PetscErrorCode PhynnPinnSampleBox(PhynnPinn *p, PhynnPointSet *set, long round, const double *lb, const double *ub)
{
  long *perm = NULL;
  PetscFunctionBegin;
  if (p->sampler == PHYNN_SAMPLER_LHS) PetscCall(PetscMalloc1(set->nglobal, &perm));
  for (int d = 0; d < set->dim; d++) {
    if (lb[d] == ub[d]) {
      for (long i = 0; i < set->count; i++) set->x[i * set->dim + d] = lb[d];
      continue;
    }
    if (p->sampler == PHYNN_SAMPLER_UNIFORM) {
      for (long i = 0; i < set->count; i++) set->x[i * set->dim + d] = lb[d] + (ub[d] - lb[d]) * PhynnUniform(p->seed, SetStream(p, set, round, d), (uint64_t)(set->start + i));
    } else {
      /* Latin hypercube: stratum perm[i] of nglobal equal strata per coordinate, a uniform
       * offset inside it. The permutation (Fisher-Yates from the generator) is the same on every
       * rank; each rank reads its slice. */
      for (long i = 0; i < set->nglobal; i++) perm[i] = i;
      for (long i = set->nglobal - 1; i > 0; i--) {
        long j = (long)(PhynnUniform(p->seed, SetStream(p, set, round, 16 + d), (uint64_t)i) * (double)(i + 1));
        long s = perm[i];
        perm[i] = perm[j];
        perm[j] = s;
      }
      for (long i = 0; i < set->count; i++) {
        double u = PhynnUniform(p->seed, SetStream(p, set, round, d), (uint64_t)(set->start + i));
        set->x[i * set->dim + d] = lb[d] + (ub[d] - lb[d]) * ((double)perm[set->start + i] + u) / (double)set->nglobal;
      }
    }
  }
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(0);
}

static PetscErrorCode FillSets(PhynnPinn *p, PetscBool only_resampled, long round)
{
  PetscFunctionBegin;
  for (int k = 0; k < p->nsets; k++) {
    PhynnPointSet *set = &p->sets[k];
    if (only_resampled && !set->resample) continue;
    PetscCall(p->problem->fill(p, set, set->resample ? round : 0));
    PetscCall(PhynnGraphSetInput(p->g, set->node, set->count, set->x));
    if (set->naux) PetscCall(PhynnGraphSetInput(p->g, set->aux_node, set->count, set->aux));
  }
  PetscFunctionReturn(0);
}

/* Before each evaluation: the resampling round is a function of the iteration only (and
 * frozen once L-BFGS starts, which needs a fixed objective), so a resumed run draws exactly
 * the points the uninterrupted run drew. */
static PetscErrorCode Prepare(void *ctx, long iteration)
{
  PhynnPinn *p = (PhynnPinn *)ctx;
  long       max_it, round;
  PetscFunctionBegin;
  if (p->resample_every <= 0) PetscFunctionReturn(0);
  PetscCall(PhynnTrainerGetSchedule(p->trainer, &max_it, NULL));
  round = (iteration < max_it ? iteration : (max_it > 0 ? max_it - 1 : 0)) / p->resample_every;
  if (round != p->round) {
    p->round = round;
    PetscCall(FillSets(p, PETSC_TRUE, round));
  }
  PetscFunctionReturn(0);
}

/* -points_out: every point set as the last evaluation saw it, gathered on rank 0, as CSV
 * "set,round,index,<coordinates>" (round: the resampling round the set was drawn for, 0 for the
 * sets that are never redrawn; index: the global point index). The points do not depend on the
 * rank count, so the file does not either. */
static PetscErrorCode OpenPoints(PhynnPinn *p, const char *path, FILE **f)
{
  int ok = 1;
  PetscFunctionBegin;
  *f = NULL;
  if (PhynnRank(p->comm) == 0) {
    *f = fopen(path, "w");
    ok = *f != NULL;
  }
  /* every rank learns rank 0's outcome, so all of them stop together */
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, p->comm));
  PetscCheck(ok, p->comm, PHYNN_ERR_FILE, "option -points_out: cannot write %s; check that its directory exists and is writable", path);
  PetscFunctionReturn(0);
}

/* f: opened by OpenPoints (rank 0), closed here */
static PetscErrorCode WritePoints(PhynnPinn *p, const char *path, FILE *f)
{
  int     size = PhynnSize(p->comm), rank = PhynnRank(p->comm);
  int    *counts = NULL, *displs = NULL;
  double *all = NULL;
  int     ok = 1;
  PetscFunctionBegin;
  if (rank == 0) {
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    fprintf(f, "set,round,index");
    for (int c = 0; c < p->io.nin; c++) fprintf(f, ",%s", p->io.in_names[c]);
    fputc('\n', f);
  }
  for (int k = 0; k < p->nsets; k++) {
    PhynnPointSet *set = &p->sets[k];
    int            mine = (int)(set->count * set->dim);
    PetscCheck(set->nglobal * set->dim < 2147483647L, p->comm, PETSC_ERR_SUP, "option -points_out: set '%s' is too large to gather", set->name);
    if (rank == 0) PetscCall(PetscMalloc1(set->nglobal * set->dim + 1, &all));
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, p->comm));
    if (rank == 0)
      for (int r = 0; r < size; r++) displs[r] = r ? displs[r - 1] + counts[r - 1] : 0;
    PetscCallMPI(MPI_Gatherv(set->x, mine, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0, p->comm));
    if (rank == 0) {
      for (long i = 0; i < set->nglobal; i++) {
        fprintf(f, "%s,%ld,%ld", set->name, set->resample ? p->round : 0L, i);
        for (int d = 0; d < set->dim; d++) fprintf(f, ",%.17g", all[i * set->dim + d]);
        fputc('\n', f);
      }
      PetscCall(PetscFree(all));
    }
  }
  if (rank == 0) {
    ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    PetscCall(PetscFree2(counts, displs));
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, p->comm));
  PetscCheck(ok, p->comm, PHYNN_ERR_FILE, "option -points_out: cannot write %s; free space or choose another path", path);
  PetscFunctionReturn(0);
}

typedef struct {
  PhynnPinn  *p;
  PhynnTrack *track;
} Monitor;

static PetscErrorCode TrackMonitor(void *ctx, long iteration, double loss, PetscBool *stop)
{
  Monitor *mon = (Monitor *)ctx;
  PetscFunctionBegin;
  (void)loss;
  *stop = PETSC_FALSE;
  PetscCall(PhynnTrackUpdate(mon->track, mon->p->model, mon->p->g, iteration, PhynnTrainerFirstIteration(mon->p->trainer), PhynnTrainerElapsed(mon->p->trainer), PETSC_FALSE));
  PetscFunctionReturn(0);
}

/* The network as a spec: the problem's coordinates scaled to [-1, 1] over its domain, an mlp,
 * its output fields with their reference variables. */
static PetscErrorCode CreateModel(PhynnPinn *p, int nsizes, const long *sizes, PhynnActivation act, PhynnInit init, const char *spec_path)
{
  PhynnText           t = {NULL, 0, 0};
  const PhynnPinnIO  *io = &p->io;
  const PhynnInitSpec spec = PhynnInitFromChoice(init); /* not {init, 0, 0}: all zeros for normal, uniform, constant */
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(&t, "input points dims=%d names=", io->nin));
  for (int c = 0; c < io->nin; c++) PetscCall(PhynnTextAppend(&t, "%s%s", c ? "," : "", io->in_names[c]));
  PetscCall(PhynnTextAppendReals(&t, "lb", io->nin, io->in_lb));
  PetscCall(PhynnTextAppendReals(&t, "ub", io->nin, io->in_ub));
  PetscCall(PhynnTextAppend(&t, "\nmlp net(points)"));
  PetscCall(PhynnTextAppendInts(&t, "sizes", nsizes, sizes));
  PetscCall(PhynnTextAppend(&t, " act=%s out=identity bias=1\noutput net names=", PhynnActivationNames[act]));
  for (int k = 0; k < io->nout; k++) PetscCall(PhynnTextAppend(&t, "%s%s", k ? "," : "", io->out_names[k]));
  PetscCall(PhynnTextAppend(&t, " ref="));
  for (int k = 0; k < io->nout; k++) PetscCall(PhynnTextAppend(&t, "%s%s", k ? "," : "", io->out_ref[k][0] ? io->out_ref[k] : "-"));
  PetscCall(PhynnTextAppend(&t, "\n"));
  PetscCall(PhynnModelCreate(p->comm, &p->model));
  PetscCall(PhynnModelSetProblem(p->model, p->problem->name));
  PetscErrorCode ierr = PhynnModelSetSpec(p->model, t.s, p->problem->name);
  PetscCall(PhynnTextFree(&t));
  PetscCall(ierr);
  if (spec_path[0]) {
    /* any architecture, as long as it takes the problem's coordinates and gives its fields */
    const PhynnModelVar *in, *out;
    PetscCall(PhynnModelSetSpecFromFile(p->model, spec_path));
    PetscCall(PhynnModelGetPointIO(p->model, "-model_spec", &in, &out));
    PetscBool same = in->ncomp == io->nin && out->ncomp == io->nout;
    for (int c = 0; same && c < io->nin; c++) same = !strcmp(in->comp[c], io->in_names[c]);
    for (int k = 0; same && k < io->nout; k++) same = !strcmp(out->comp[k], io->out_names[k]);
    PetscCheck(same, p->comm, PHYNN_ERR_INPUT, "option -model_spec: %s needs one input with names=%s%s%s and one output with the problem's fields (%s%s%s); %s has other names", p->problem->name,
               io->in_names[0], io->nin > 1 ? "," : "", io->nin > 1 ? io->in_names[1] : "", io->out_names[0], io->nout > 1 ? "," : "", io->nout > 1 ? io->out_names[1] : "", spec_path);
  }
  PetscCall(PhynnModelSetUp(p->model, p->g, &spec));
  PetscFunctionReturn(0);
}

static PetscErrorCode PinnDestroy(PhynnPinn *p)
{
  PetscFunctionBegin;
  for (int k = 0; k < p->nsets; k++) {
    PetscCall(PetscFree(p->sets[k].x));
    PetscCall(PetscFree(p->sets[k].aux));
  }
  PetscCall(PhynnTrainerDestroy(&p->trainer));
  PetscCall(PhynnGraphDestroy(&p->g));
  PetscCall(PhynnModelDestroy(&p->model));
  if (p->ctx && p->ctx_destroy) PetscCall(p->ctx_destroy(p->ctx));
  PetscCall(PetscFree(p->ctx));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPinnRun(const PhynnPinnProblem *problem, MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  PhynnPinn *p;
  long       sizes[PHYNN_MLP_MAX_LAYERS + 1], seed;
  int        nsizes, act, init, sampler;
  char       out_path[PETSC_MAX_PATH_LEN], what[64], ref_path[PETSC_MAX_PATH_LEN], spec_path[PETSC_MAX_PATH_LEN], points_path[PETSC_MAX_PATH_LEN];
  long       ref_every;
  Monitor    mon = {NULL, NULL};
  FILE      *points_file = NULL;
  PetscBool  collect = mode == PHYNN_OPTIONS_COLLECT;

  PetscFunctionBegin;
  PetscCall(PetscNew(&p));
  p->comm    = comm;
  p->problem = problem;
  p->default_activation = PHYNN_ACT_TANH;
  p->default_lr         = 1e-3;
  p->round              = 0;
  PetscCall(PhynnGraphCreate(comm, &p->g));
  PetscCall(PhynnTrainerCreate(comm, p->g, &p->trainer));
  /* the problem's options first: they set the defaults of the generic ones */
  PetscCall(problem->options(p));
  PetscCall(PhynnOptIntList("layers", p->default_layers, "layer sizes, input to output", sizes, PHYNN_MLP_MAX_LAYERS + 1, &nsizes, NULL));
  PetscCall(PhynnOptChoice("activation", PhynnActivationNames, PhynnActivationNames[p->default_activation], "hidden-layer activation", &act, NULL));
  PetscCall(PhynnOptChoice("init", PhynnInitNames, "xavier_normal", "weight initialiser (normal: N(0, 0.1^2), uniform: [-0.1, 0.1), constant: 0.1; biases start at 0)", &init, NULL));
  PetscCall(PhynnOptInt("seed", 1234, "random seed: weights and points", &seed, NULL));
  PetscCall(PhynnOptChoice("sampler", sampler_names, "lhs", "collocation sampling: uniform random or Latin hypercube", &sampler, NULL));
  PetscCall(PhynnOptInt("resample_every", 0, "redraw the collocation points every N iterations of the first optimiser (0: never)", &p->resample_every, NULL));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s.nc", problem->name));
  PetscCall(PhynnOptString("o", what, "model file to write", out_path, sizeof(out_path), NULL));
  PetscCall(PhynnOptString("model_spec", "", "architecture spec file replacing the -layers/-activation network (docs/model-file.md)", spec_path, sizeof(spec_path), NULL));
  PetscCall(PhynnOptString("reference", "", "reference solution (phynn solve ...) to track the error on its grid during training", ref_path, sizeof(ref_path), NULL));
  PetscCall(PhynnOptString("points_out", "", "write the point sets of the last evaluation (CSV: set,round,index,coordinates) to FILE", points_path, sizeof(points_path), NULL));
  PetscCall(PhynnOptInt("reference_every", 100, "iterations between error evaluations against -reference", &ref_every, NULL));
  PetscCall(PhynnTrainerSetDefaults(p->trainer, PHYNN_OPTIM_ADAM, p->default_adam_it, p->default_lr, p->default_lbfgs_it));
  PetscCall(PhynnTrainerSetFromOptions(p->trainer));
  if (collect) {
    PetscCall(PinnDestroy(p));
    PetscCall(PetscFree(p));
    PetscFunctionReturn(0);
  }
  PetscCall(PhynnCommandCheckArgs(comm, problem->name, "", nargs, 0, 0));
  (void)args;
  PetscCheck(nsizes >= 2, comm, PHYNN_ERR_INPUT, "option -layers: give at least input and output sizes, e.g. -layers %s", p->default_layers);
  PetscCheck(sizes[0] == p->io.nin && sizes[nsizes - 1] == p->io.nout, comm, PHYNN_ERR_INPUT,
             "option -layers: %s has %d input(s) and %d output(s), so the layers must start with %d and end with %d (e.g. -layers %s)", problem->name, p->io.nin, p->io.nout, p->io.nin,
             p->io.nout, p->default_layers);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative", seed);
  PetscCheck(p->resample_every >= 0, comm, PHYNN_ERR_INPUT, "option -resample_every: %ld is negative", p->resample_every);
  p->seed         = (uint64_t)seed;
  p->sampler      = (PhynnSampler)sampler;
  PetscCall(CreateModel(p, nsizes, sizes, (PhynnActivation)act, (PhynnInit)init, spec_path));
  PetscCall(problem->build(p));
  PetscCall(PhynnTrainerSetModel(p->trainer, p->model));
  PetscCall(PhynnTrainerSetPrepare(p->trainer, Prepare, p));
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) {
    PetscCall(PinnDestroy(p));
    PetscCall(PetscFree(p));
    PetscFunctionReturn(0);
  }
  PetscCheck(ref_every >= 1, comm, PHYNN_ERR_INPUT, "option -reference_every: %ld must be >= 1", ref_every);
  PetscCall(PhynnTrainerSetUp(p->trainer));
  PetscCall(PhynnTrainerInitParameters(p->trainer, p->seed));
  if (ref_path[0]) {
    mon.p = p;
    PetscCall(PhynnTrackCreate(comm, p->model, ref_path, ref_every, &mon.track));
    PetscCall(PhynnTrainerSetMonitor(p->trainer, TrackMonitor, &mon));
  }
  PetscCall(FillSets(p, PETSC_FALSE, 0));
  {
    char layers[256] = "";
    for (int l = 0; l < nsizes; l++) {
      char one[24];
      PetscCall(PetscSNPrintf(one, sizeof(one), "%s%ld", l ? "," : "", sizes[l]));
      PetscCall(PetscStrlcat(layers, one, sizeof(layers)));
    }
    long nparams;
    PetscCall(PhynnModelGetParameterCount(p->model, &nparams));
    PetscCall(PhynnPrintf(comm, "phynn train %s: %s\n  network %s (%s), %ld parameters, %d rank(s)\n", problem->name, problem->equation, layers, PhynnActivationNames[act],
                          nparams, PhynnSize(comm)));
  }
  if (points_path[0]) PetscCall(OpenPoints(p, points_path, &points_file)); /* a bad path fails before training */
  PetscCall(PhynnTrainerTrain(p->trainer));
  if (points_path[0]) PetscCall(WritePoints(p, points_path, points_file));
  {
    long   its;
    double loss, secs;
    PetscCall(PhynnTrainerGetResult(p->trainer, &its, &loss, &secs));
    if (!PhynnTrainerStoppedBySignal(p->trainer)) {
      PhynnRecord rec;
      PhynnRecordInit(&rec);
      rec.seed = p->seed;
      PetscCall(PhynnTrainerStoreInModel(p->trainer, p->model, &rec));
      if (PhynnRank(comm) == 0) PetscCall(PhynnModelSave(p->model, &rec, out_path));
      PetscCall(PhynnRecordReset(&rec));
      PetscCall(PhynnPrintf(comm, "final_loss: %.6e\niterations: %ld\nseconds: %.2f\nmodel: %s\n", loss, its, secs, out_path));
      if (mon.track) {
        PetscCall(PhynnTrackUpdate(mon.track, p->model, p->g, its, PhynnTrainerFirstIteration(p->trainer), secs, PETSC_TRUE));
        PetscCall(PhynnTrackReport(mon.track, p->model));
      }
    }
  }
  PetscCall(PhynnTrackDestroy(&mon.track));
  PetscCall(PinnDestroy(p));
  PetscCall(PetscFree(p));
  PetscFunctionReturn(0);
}
