/* The model object (phynn/model.h): the spec's inputs, blocks and outputs, parameters created in
 * any number of graphs, the weights, and a cached evaluation graph. */
#include <string.h>

#include "phynn/model.h"
#include "phynn/options.h"

/* The blocks' state in one graph (node ids of their parameters). */
typedef struct {
  PhynnGraph g;
  void     **state; /* one per block */
  int       *value; /* the node of each block in the last PhynnModelApply on g (-1 before) */
} Binding;

struct _p_PhynnModel {
  MPI_Comm      comm;
  char          prefix[64];
  char          problem[64];
  char         *canonical;
  int           nin, nout, nblocks;
  PhynnModelVar in[PHYNN_MODEL_MAX_VARS], out[PHYNN_MODEL_MAX_VARS];
  PhynnBlock   *blocks;
  long          nparams; /* -1 until known */
  double       *theta;   /* the weights (NULL until set) */
  long          theta_version; /* counts the changes of theta */
  Binding      *bind;
  int           nbind, bind_cap;
  /* the cached evaluation graph (built for one jet layout) and the parameter-table graph */
  PhynnGraph    eval_g, table_g;
  PhynnJet      eval_jet;
  long          eval_version; /* theta_version of the weights in eval_g (-1: none yet) */
  int           eval_in[PHYNN_MODEL_MAX_VARS], eval_out[PHYNN_MODEL_MAX_VARS];
};

PetscErrorCode PhynnModelCreate(MPI_Comm comm, PhynnModel *m)
{
  PetscFunctionBegin;
  PetscCall(PhynnBlockRegisterAll());
  PetscCall(PetscNew(m));
  (*m)->comm    = comm;
  (*m)->nparams = -1;
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeVar(PhynnModelVar *v)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(v->comp));
  PetscCall(PetscFree(v->ref));
  PetscCall(PetscFree2(v->lb, v->ub));
  PetscCall(PetscMemzero(v, sizeof(*v)));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeBinding(PhynnModel m, Binding *b)
{
  PetscFunctionBegin;
  for (int k = 0; k < m->nblocks; k++)
    if (b->state[k] && m->blocks[k]->type->free_state) PetscCall(m->blocks[k]->type->free_state(&b->state[k]));
  PetscCall(PetscFree(b->state));
  PetscCall(PetscFree(b->value));
  b->g = NULL;
  PetscFunctionReturn(0);
}

/* Drops everything the spec defined (before a new spec, and at Destroy). */
static PetscErrorCode ClearSpec(PhynnModel m)
{
  PetscFunctionBegin;
  for (int i = 0; i < m->nbind; i++) PetscCall(FreeBinding(m, &m->bind[i]));
  m->nbind = 0;
  PetscCall(PhynnGraphDestroy(&m->eval_g));
  PetscCall(PhynnGraphDestroy(&m->table_g));
  for (int k = 0; k < m->nblocks; k++) {
    if (m->blocks[k]->type->destroy) PetscCall(m->blocks[k]->type->destroy(m->blocks[k]));
    PetscCall(PetscFree(m->blocks[k]));
  }
  PetscCall(PetscFree(m->blocks));
  m->nblocks = 0;
  for (int k = 0; k < m->nin; k++) PetscCall(FreeVar(&m->in[k]));
  for (int k = 0; k < m->nout; k++) PetscCall(FreeVar(&m->out[k]));
  m->nin = m->nout = 0;
  PetscCall(PetscFree(m->canonical));
  PetscCall(PetscFree(m->theta));
  m->nparams = -1;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelDestroy(PhynnModel *m)
{
  PetscFunctionBegin;
  if (!*m) PetscFunctionReturn(0);
  PetscCall(ClearSpec(*m));
  PetscCall(PetscFree((*m)->bind));
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetOptionsPrefix(PhynnModel m, const char *prefix)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->prefix, prefix ? prefix : "", sizeof(m->prefix)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetProblem(PhynnModel m, const char *problem)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->problem, problem, sizeof(m->problem)));
  PetscFunctionReturn(0);
}

const char *PhynnModelGetProblem(PhynnModel m) { return m->problem; }
const char *PhynnModelGetSpec(PhynnModel m) { return m->canonical ? m->canonical : ""; }

/* ---- parsing --------------------------------------------------------------------------------- */

/* Where a name is defined: input k (>= 0) or block k (encoded as -2 - k); -1 if nowhere. */
static int Lookup(PhynnModel m, const char *name)
{
  for (int k = 0; k < m->nin; k++)
    if (!strcmp(m->in[k].name, name)) return k;
  for (int k = 0; k < m->nblocks; k++)
    if (!strcmp(m->blocks[k]->name, name)) return -2 - k;
  return -1;
}

static PetscErrorCode AllocNames(int n, char (**names)[PHYNN_MODEL_NAME_MAX])
{
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n ? n : 1, names));
  PetscFunctionReturn(0);
}

#define PHYNN_MODEL_MAX_COMP 4096 /* named components of one variable */

static PetscErrorCode ParseInput(PhynnModel m, PhynnSpecStatement *st)
{
  PhynnModelVar *v = &m->in[m->nin];
  long           dims[PHYNN_VAR_MAX_DIMS];
  int            nd = 0, n, nl = 0, nu = 0;
  PetscBool      have_names, have_lb, have_ub;
  PetscFunctionBegin;
  PhynnSpecCheck(st, st->nargs == 0, "an input takes no arguments");
  PhynnSpecCheck(st, m->nin < PHYNN_MODEL_MAX_VARS, "more than %d inputs", PHYNN_MODEL_MAX_VARS);
  PetscCall(PetscStrncpy(v->name, st->name, sizeof(v->name)));
  PetscCall(PhynnSpecGetIntList(st, "dims", PETSC_TRUE, PHYNN_VAR_MAX_DIMS, dims, &nd, NULL));
  v->shape.ndim = nd;
  for (int d = 0; d < nd; d++) {
    PhynnSpecCheck(st, dims[d] >= 1, "dims: %ld is not positive", dims[d]);
    v->shape.dim[d] = dims[d];
  }
  m->nin++; /* from here on FreeVar cleans up on error */
  n = (int)PhynnVarShapeSize(&v->shape);
  /* the lists are read into arrays of the shape's size: no more entries than that (a longer list
   * overflowed them: tests/fuzz/regressions/spec) */
  PetscCall(AllocNames(n <= PHYNN_MODEL_MAX_COMP ? n : 1, &v->comp));
  PetscCall(PhynnSpecGetNameList(st, "names", PETSC_FALSE, n <= PHYNN_MODEL_MAX_COMP ? n : 1, PHYNN_MODEL_NAME_MAX, (char *)v->comp, &v->ncomp, &have_names));
  PhynnSpecCheck(st, !have_names || (nd == 1 && v->ncomp == n), "names lists %d components but dims=%ld gives %d; name every component of a 1-D input", v->ncomp, dims[0], n);
  for (int i = 0; i < v->ncomp; i++)
    for (int j = 0; j < i; j++) PhynnSpecCheck(st, strcmp(v->comp[i], v->comp[j]), "the component name '%s' appears twice", v->comp[i]);
  PetscCall(PetscMalloc2(n, &v->lb, n, &v->ub));
  PetscCall(PhynnSpecGetRealList(st, "lb", PETSC_FALSE, n, v->lb, &nl, &have_lb));
  PetscCall(PhynnSpecGetRealList(st, "ub", PETSC_FALSE, n, v->ub, &nu, &have_ub));
  PhynnSpecCheck(st, have_lb == have_ub, "give both lb and ub (the scaling to [-1, 1]) or neither");
  if (have_lb) {
    PhynnSpecCheck(st, nl == n && nu == n, "lb and ub need one value per component (%d)", n);
    for (int i = 0; i < n; i++) PhynnSpecCheck(st, v->ub[i] > v->lb[i], "component %d has ub %g <= lb %g, so it cannot be scaled", i + 1, v->ub[i], v->lb[i]);
    v->scaled = PETSC_TRUE;
  }
  PetscCall(PhynnSpecCheckUsed(st, "dims, names, lb, ub"));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseBlock(PhynnModel m, PhynnSpecStatement *st)
{
  const PhynnBlockType *type = PhynnBlockFind(st->kind);
  PhynnBlock            b;
  char                  kinds[256];
  PetscFunctionBegin;
  PhynnBlockKinds(kinds, sizeof(kinds));
  PhynnSpecCheck(st, type, "unknown kind '%s'; the kinds are input, output and the blocks %s", st->kind, kinds);
  PhynnSpecCheck(st, st->nargs >= type->min_args && st->nargs <= type->max_args, "a %s takes %d to %d arguments, got %d", type->kind, type->min_args, type->max_args, st->nargs);
  PetscCall(PetscNew(&b));
  b->type  = type;
  b->nargs = st->nargs;
  PetscCall(PetscStrncpy(b->name, st->name, sizeof(b->name)));
  {
    PhynnBlock *grown;
    PetscCall(PetscMalloc1(m->nblocks + 1, &grown));
    if (m->nblocks) PetscCall(PetscArraycpy(grown, m->blocks, m->nblocks));
    PetscCall(PetscFree(m->blocks));
    m->blocks              = grown;
    m->blocks[m->nblocks++] = b;
  }
  for (int a = 0; a < st->nargs; a++) {
    int where = Lookup(m, st->args[a]);
    PhynnSpecCheck(st, where != -1 && where != -2 - (m->nblocks - 1), "argument '%s' is not an input or a block defined above it", st->args[a]);
    PetscCall(PetscStrncpy(b->args[a], st->args[a], sizeof(b->args[a])));
    b->in_shape[a] = where >= 0 ? m->in[where].shape : m->blocks[-2 - where]->out_shape;
  }
  PetscCall(type->parse(b, st));
  PetscCall(type->shape(b, b->in_shape, &b->out_shape));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOutput(PhynnModel m, PhynnSpecStatement *st)
{
  PhynnModelVar *v = &m->out[m->nout];
  int            where = Lookup(m, st->name), nref = 0, n;
  PetscBool      have_names, have_ref;
  PetscFunctionBegin;
  PhynnSpecCheck(st, st->nargs == 0, "write 'output BLOCK names=... ref=...'");
  PhynnSpecCheck(st, m->nout < PHYNN_MODEL_MAX_VARS, "more than %d outputs", PHYNN_MODEL_MAX_VARS);
  PhynnSpecCheck(st, where <= -2, "'%s' is not a block defined above; an output names the block whose value it is", st->name);
  for (int k = 0; k < m->nout; k++) PhynnSpecCheck(st, strcmp(m->out[k].name, st->name), "block '%s' is already an output", st->name);
  v->block = -2 - where;
  v->shape = m->blocks[v->block]->out_shape;
  PhynnSpecCheck(st, v->shape.ndim >= 1, "block '%s' is the same for every sample (a param), so it is not an output; use it in a block that is", st->name);
  PetscCall(PetscStrncpy(v->name, st->name, sizeof(v->name)));
  m->nout++;
  n = (int)PhynnVarShapeSize(&v->shape);
  /* as for inputs: lists no longer than the arrays they are read into */
  PetscCall(AllocNames(n <= PHYNN_MODEL_MAX_COMP ? n : 1, &v->comp));
  PetscCall(AllocNames(n <= PHYNN_MODEL_MAX_COMP ? n : 1, &v->ref));
  PetscCall(PhynnSpecGetNameList(st, "names", PETSC_FALSE, n <= PHYNN_MODEL_MAX_COMP ? n : 1, PHYNN_MODEL_NAME_MAX, (char *)v->comp, &v->ncomp, &have_names));
  PhynnSpecCheck(st, !have_names || (v->shape.ndim == 1 && v->ncomp == n), "names lists %d components but block '%s' gives %d per sample", v->ncomp, st->name, n);
  PetscCall(PhynnSpecGetNameList(st, "ref", PETSC_FALSE, n <= PHYNN_MODEL_MAX_COMP ? n : 1, PHYNN_MODEL_NAME_MAX, (char *)v->ref, &nref, &have_ref));
  PhynnSpecCheck(st, !have_ref || nref == (have_names ? v->ncomp : 1), "ref lists %d reference variables; give one per component ('-' for none)", nref);
  for (int c = 0; c < nref; c++)
    if (!strcmp(v->ref[c], "-")) v->ref[c][0] = '\0';
  PetscCall(PhynnSpecCheckUsed(st, "names, ref"));
  PetscFunctionReturn(0);
}

static PetscErrorCode AppendNames(PhynnText *t, const char *key, int n, char (*names)[PHYNN_MODEL_NAME_MAX], PetscBool dash_empty)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, " %s=", key));
  for (int i = 0; i < n; i++) PetscCall(PhynnTextAppend(t, "%s%s", i ? "," : "", dash_empty && !names[i][0] ? "-" : names[i]));
  PetscFunctionReturn(0);
}

/* The canonical form: the statements in their order, every key written out. */
static PetscErrorCode PrintCanonical(PhynnModel m, const PhynnSpec *spec)
{
  PhynnText t = {NULL, 0, 0};
  int       ki = 0, kb = 0, ko = 0;
  PetscFunctionBegin;
  for (int i = 0; i < spec->n; i++) {
    const char *kind = spec->st[i].kind;
    if (!strcmp(kind, "input")) {
      PhynnModelVar *v = &m->in[ki++];
      PetscCall(PhynnTextAppend(&t, "input %s", v->name));
      PetscCall(PhynnTextAppendInts(&t, "dims", v->shape.ndim, v->shape.dim));
      if (v->ncomp) PetscCall(AppendNames(&t, "names", v->ncomp, v->comp, PETSC_FALSE));
      if (v->scaled) {
        PetscCall(PhynnTextAppendReals(&t, "lb", (int)PhynnVarShapeSize(&v->shape), v->lb));
        PetscCall(PhynnTextAppendReals(&t, "ub", (int)PhynnVarShapeSize(&v->shape), v->ub));
      }
    } else if (!strcmp(kind, "output")) {
      PhynnModelVar *v    = &m->out[ko++];
      PetscBool      refs = PETSC_FALSE;
      int            nref = v->ncomp ? v->ncomp : 1;
      for (int c = 0; c < nref; c++) refs = refs || v->ref[c][0];
      PetscCall(PhynnTextAppend(&t, "output %s", v->name));
      if (v->ncomp) PetscCall(AppendNames(&t, "names", v->ncomp, v->comp, PETSC_FALSE));
      if (refs) PetscCall(AppendNames(&t, "ref", nref, v->ref, PETSC_TRUE));
    } else {
      PhynnBlock b = m->blocks[kb++];
      PetscCall(PhynnTextAppend(&t, "%s %s", b->type->kind, b->name));
      for (int a = 0; a < b->nargs; a++) PetscCall(PhynnTextAppend(&t, "%s%s", a ? "," : "(", b->args[a]));
      if (b->nargs) PetscCall(PhynnTextAppend(&t, ")"));
      PetscCall(b->type->print(b, &t));
    }
    PetscCall(PhynnTextAppend(&t, "\n"));
  }
  m->canonical = t.s;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAll(PhynnModel m, PhynnSpec *spec, const char *origin)
{
  PetscFunctionBegin;
  for (int i = 0; i < spec->n; i++) {
    PhynnSpecStatement *st = &spec->st[i];
    if (strcmp(st->kind, "output")) PhynnSpecCheck(st, Lookup(m, st->name) == -1, "the name '%s' is already used above; every input and block needs its own name", st->name);
    if (!strcmp(st->kind, "input")) PetscCall(ParseInput(m, st));
    else if (!strcmp(st->kind, "output")) PetscCall(ParseOutput(m, st));
    else PetscCall(ParseBlock(m, st));
  }
  PetscCheck(m->nin >= 1 && m->nout >= 1 && m->nblocks >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: a model needs at least one input, one block and one output (it has %d, %d and %d)", origin, m->nin, m->nblocks,
             m->nout);
  PetscCall(PrintCanonical(m, spec));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetSpec(PhynnModel m, const char *text, const char *origin)
{
  PhynnSpec      spec;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCall(ClearSpec(m));
  PetscCall(PhynnSpecParse(text, origin, &spec));
  ierr = ParseAll(m, &spec, origin);
  PetscCall(PhynnSpecDestroy(&spec));
  if (ierr) PetscCall(ClearSpec(m));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetSpecFromFile(PhynnModel m, const char *path)
{
  FILE          *f = fopen(path, "r");
  char          *text, origin[PETSC_MAX_PATH_LEN + 16];
  long           n;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PHYNN_ERR_FILE, "cannot read the spec file %s; check the file name", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  ierr = PetscMalloc1(n + 1, &text);
  if (ierr) fclose(f);
  PetscCall(ierr);
  n       = (long)fread(text, 1, (size_t)n, f);
  text[n] = '\0';
  fclose(f);
  PetscCall(PetscSNPrintf(origin, sizeof(origin), "spec file %s", path));
  ierr = PhynnModelSetSpec(m, text, origin);
  PetscCall(PetscFree(text));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetFromOptions(PhynnModel m)
{
  char      path[PETSC_MAX_PATH_LEN], name[96];
  PetscBool set;
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%smodel_spec", m->prefix));
  PetscCall(PhynnOptString(name, "", "architecture spec file replacing the command's default network (docs/model-file.md)", path, sizeof(path), &set));
  if (set && path[0] && PhynnOptionsGetMode() == PHYNN_OPTIONS_READ) PetscCall(PhynnModelSetSpecFromFile(m, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetInputs(PhynnModel m, int *n, const PhynnModelVar **vars)
{
  *n    = m->nin;
  *vars = m->in;
  return 0;
}

PetscErrorCode PhynnModelGetOutputs(PhynnModel m, int *n, const PhynnModelVar **vars)
{
  *n    = m->nout;
  *vars = m->out;
  return 0;
}

PetscBool PhynnModelTakesImages(PhynnModel m)
{
  int                  n;
  const PhynnModelVar *v;
  if (PhynnModelGetInputs(m, &n, &v)) return PETSC_FALSE;
  return n == 1 && v[0].shape.ndim == 3 ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode PhynnModelGetPointIO(PhynnModel m, const char *what, const PhynnModelVar **in, const PhynnModelVar **out)
{
  PetscFunctionBegin;
  PetscCheck(m->canonical, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the model has no spec");
  PetscCheck(m->nin == 1 && m->nout == 1 && m->in[0].shape.ndim == 1 && m->in[0].ncomp >= 1 && m->out[0].ncomp >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "%s works on point models (one input with named coordinates, one output with named components); this model has %d input(s) and %d output(s)", what, m->nin, m->nout);
  if (in) *in = &m->in[0];
  if (out) *out = &m->out[0];
  PetscFunctionReturn(0);
}

/* ---- graphs ---------------------------------------------------------------------------------- */

static Binding *FindBinding(PhynnModel m, PhynnGraph g)
{
  for (int i = 0; i < m->nbind; i++)
    if (m->bind[i].g == g) return &m->bind[i];
  return NULL;
}

PetscErrorCode PhynnModelSetUp(PhynnModel m, PhynnGraph g, const PhynnInitSpec *weight_init)
{
  const PhynnInitSpec xavier = {PHYNN_INIT_XAVIER_NORMAL, 0, 0};
  Binding            *b      = FindBinding(m, g);
  PetscFunctionBegin;
  PetscCheck(m->canonical, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "PhynnModelSetUp: set a spec first");
  if (b) PetscCall(FreeBinding(m, b)); /* a graph at the address of a destroyed one */
  else {
    if (m->nbind == m->bind_cap) {
      Binding *grown;
      m->bind_cap = m->bind_cap ? 2 * m->bind_cap : 4;
      PetscCall(PetscCalloc1(m->bind_cap, &grown));
      if (m->nbind) PetscCall(PetscArraycpy(grown, m->bind, m->nbind));
      PetscCall(PetscFree(m->bind));
      m->bind = grown;
    }
    b = &m->bind[m->nbind++];
  }
  b->g = g;
  PetscCall(PetscCalloc1(m->nblocks, &b->state));
  PetscCall(PetscMalloc1(m->nblocks, &b->value));
  for (int k = 0; k < m->nblocks; k++) b->value[k] = -1;
  for (int k = 0; k < m->nblocks; k++) PetscCall(m->blocks[k]->type->create(m->blocks[k], g, weight_init ? weight_init : &xavier, &b->state[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelApply(PhynnModel m, PhynnGraph g, const int *in, const PhynnJet *jet, int *out)
{
  Binding *b = FindBinding(m, g);
  int     *val, scaled[PHYNN_MODEL_MAX_VARS];
  PetscFunctionBegin;
  PetscCheck(b, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "PhynnModelApply: call PhynnModelSetUp on this graph first");
  PetscCheck(!jet || PhynnJetBlocks(jet) == 1 || m->nin == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "input derivatives need a model with one input; this one has %d", m->nin);
  /* The jet input layer: x' = (x - shift) * scale with its chain rule in the derivative rows;
   * x' = 2 (x - lb) / (ub - lb) - 1 = (x - (lb + ub)/2) * 2 / (ub - lb). Made only for inputs
   * that some block reads scaled. */
  for (int k = 0; k < m->nin; k++) {
    PhynnModelVar *v       = &m->in[k];
    long           w       = PhynnVarShapeSize(&v->shape);
    PetscBool      needed  = PETSC_FALSE;
    PhynnJet       none    = PhynnJetNone((int)w);
    double        *shift, *scale;
    for (int j = 0; j < m->nblocks; j++)
      for (int a = 0; a < m->blocks[j]->nargs; a++) needed = needed || (!m->blocks[j]->type->raw_inputs && !strcmp(m->blocks[j]->args[a], v->name));
    scaled[k] = -1;
    if (!needed) continue;
    PetscCall(PetscMalloc2(w, &shift, w, &scale));
    for (long c = 0; c < w; c++) {
      shift[c] = v->scaled ? 0.5 * (v->lb[c] + v->ub[c]) : 0.0;
      scale[c] = v->scaled ? 2.0 / (v->ub[c] - v->lb[c]) : 1.0;
    }
    PetscErrorCode ierr = PhynnGraphJetInput(g, in[k], jet && m->nin == 1 ? jet : &none, shift, scale, &scaled[k]);
    PetscCall(PetscFree2(shift, scale));
    PetscCall(ierr);
  }
  PetscCall(PetscMalloc1(m->nblocks, &val));
  for (int j = 0; j < m->nblocks; j++) {
    PhynnBlock blk = m->blocks[j];
    int        args[PHYNN_SPEC_MAX_ARGS];
    for (int a = 0; a < blk->nargs; a++) {
      int where = Lookup(m, blk->args[a]);
      args[a]   = where >= 0 ? (blk->type->raw_inputs ? in[where] : scaled[where]) : val[-2 - where];
    }
    PetscErrorCode ierr = blk->type->apply(blk, b->state[j], g, args, jet, &val[j]);
    if (ierr) PetscCall(PetscFree(val));
    PetscCall(ierr);
  }
  for (int k = 0; k < m->nout; k++) out[k] = val[m->out[k].block];
  PetscCall(PetscArraycpy(b->value, val, m->nblocks));
  PetscCall(PetscFree(val));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelApplyBlock(PhynnModel m, PhynnGraph g, const char *name, const int *in, const PhynnJet *jet, int *out)
{
  Binding *b = FindBinding(m, g);
  PetscFunctionBegin;
  PetscCheck(b, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "PhynnModelApplyBlock: call PhynnModelSetUp on this graph first");
  for (int j = 0; j < m->nblocks; j++) {
    if (strcmp(m->blocks[j]->name, name)) continue;
    PetscCall(m->blocks[j]->type->apply(m->blocks[j], b->state[j], g, in, jet, out));
    b->value[j] = *out;
    PetscFunctionReturn(0);
  }
  SETERRQ(PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the model has no block named '%s'", name);
}

PetscErrorCode PhynnModelGetBlocks(PhynnModel m, int *n, const PhynnBlock **blocks)
{
  PetscFunctionBegin;
  *n      = m->nblocks;
  *blocks = m->blocks;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetBlockNode(PhynnModel m, PhynnGraph g, const char *name, int *node)
{
  Binding *b     = FindBinding(m, g);
  int      where = Lookup(m, name);
  PetscFunctionBegin;
  PetscCheck(b && where <= -2 && b->value[-2 - where] >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the model has no block '%s' applied in this graph", name);
  *node = b->value[-2 - where];
  PetscFunctionReturn(0);
}

/* A graph holding only the parameters: the table of names, offsets and shapes. */
static PetscErrorCode EnsureTable(PhynnModel m)
{
  PetscFunctionBegin;
  PetscCheck(m->canonical, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the model has no spec");
  if (m->table_g) PetscFunctionReturn(0);
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &m->table_g));
  PetscCall(PhynnModelSetUp(m, m->table_g, NULL));
  PetscCall(PhynnGraphSetUp(m->table_g));
  PetscCall(PhynnGraphParameters(m->table_g, NULL, NULL, &m->nparams));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetTableGraph(PhynnModel m, PhynnGraph *g)
{
  PetscFunctionBegin;
  PetscCall(EnsureTable(m));
  *g = m->table_g;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetParameterCount(PhynnModel m, long *n)
{
  PetscFunctionBegin;
  PetscCall(EnsureTable(m));
  *n = m->nparams;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetParamNode(PhynnModel m, PhynnGraph g, const char *name, int *node)
{
  PetscFunctionBegin;
  (void)m;
  for (int k = 0; k < PhynnGraphParamCount(g); k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(g, k, &info));
    if (!strcmp(info.name, name)) {
      *node = info.node;
      PetscFunctionReturn(0);
    }
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the model has no parameter '%s'", name);
}

PetscErrorCode PhynnModelGetWeights(PhynnModel m, PhynnGraph g)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  PetscCall(PhynnModelSetTheta(m, n, theta));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetTheta(PhynnModel m, long n, const double *theta)
{
  long need;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetParameterCount(m, &need));
  PetscCheck(n == need, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%ld weights given but the model's spec needs %ld", n, need);
  if (!m->theta) PetscCall(PetscMalloc1(need ? need : 1, &m->theta));
  PetscCall(PetscArraycpy(m->theta, theta, n));
  m->theta_version++;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGetTheta(PhynnModel m, long *n, const double **theta)
{
  PetscFunctionBegin;
  PetscCall(PhynnModelGetParameterCount(m, n));
  *theta = m->theta;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelSetWeights(PhynnModel m, PhynnGraph g)
{
  double *theta;
  long    n;
  PetscFunctionBegin;
  PetscCheck(m->theta, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the model has no weights yet (train it or load a file)");
  PetscCall(PhynnGraphParameters(g, &theta, NULL, &n));
  PetscCheck(n == m->nparams, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the model holds %ld parameters but the graph has %ld; build the graph from the same spec", m->nparams, n);
  PetscCall(PetscArraycpy(theta, m->theta, n));
  PetscFunctionReturn(0);
}

/* Forgets graph g (about to be destroyed): its blocks' state is freed. */
static PetscErrorCode DropBinding(PhynnModel m, PhynnGraph g)
{
  Binding *b = FindBinding(m, g);
  PetscFunctionBegin;
  if (!b) PetscFunctionReturn(0);
  PetscCall(FreeBinding(m, b));
  *b = m->bind[--m->nbind];
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelRelease(PhynnModel m, PhynnGraph g)
{
  PetscFunctionBegin;
  PetscCall(DropBinding(m, g));
  PetscFunctionReturn(0);
}

static PetscBool SameJet(const PhynnJet *a, const PhynnJet *b) { return memcmp(a, b, sizeof(*a)) ? PETSC_FALSE : PETSC_TRUE; }

PetscErrorCode PhynnModelEvaluate(PhynnModel m, long n, const double *const *in, const PhynnJet *jet, double **out)
{
  PhynnJet none;
  PetscFunctionBegin;
  PetscCall(EnsureTable(m));
  PetscCall(PetscMemzero(&none, sizeof(none)));
  none = PhynnJetNone(m->nin == 1 ? (int)PhynnVarShapeSize(&m->in[0].shape) : 0);
  if (!jet) jet = &none;
  if (m->eval_g && !SameJet(jet, &m->eval_jet)) {
    PetscCall(DropBinding(m, m->eval_g));
    PetscCall(PhynnGraphDestroy(&m->eval_g));
  }
  if (!m->eval_g) {
    PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &m->eval_g));
    PetscCall(PhynnModelSetUp(m, m->eval_g, NULL));
    for (int k = 0; k < m->nin; k++) PetscCall(PhynnGraphInput(m->eval_g, m->in[k].name, PhynnVarShapeSize(&m->in[k].shape), &m->eval_in[k]));
    PetscCall(PhynnModelApply(m, m->eval_g, m->eval_in, jet, m->eval_out));
    PetscCall(PhynnGraphSetUp(m->eval_g));
    PetscCall(PhynnGraphSetTraining(m->eval_g, PETSC_FALSE)); /* dropout off, batch norm on its running statistics */
    /* evaluations repeat with the same weights: the parts that depend on the weights alone (a
     * DeepONet's trunk on its grid) are computed once, not for every sample or chunk */
    PetscCall(PhynnGraphSetConstantCache(m->eval_g, PETSC_TRUE));
    m->eval_jet     = *jet;
    m->eval_version = -1;
  }
  /* the weights reach the graph only when they changed, which keeps its constant cache */
  if (m->eval_version != m->theta_version) {
    PetscCall(PhynnModelSetWeights(m, m->eval_g));
    m->eval_version = m->theta_version;
  }
  for (int k = 0; k < m->nin; k++) PetscCall(PhynnGraphSetInput(m->eval_g, m->eval_in[k], n, in[k]));
  for (int k = 0; k < m->nout; k++) {
    const double *v;
    PhynnShape    shape;
    PetscCall(PhynnGraphForward(m->eval_g, m->eval_out[k]));
    PetscCall(PhynnGraphValue(m->eval_g, m->eval_out[k], &v, &shape));
    PetscCall(PetscMalloc1(PhynnShapeElements(&shape) ? PhynnShapeElements(&shape) : 1, &out[k]));
    PetscCall(PetscArraycpy(out[k], v, PhynnShapeElements(&shape)));
  }
  PetscFunctionReturn(0);
}
