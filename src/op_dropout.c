/* Dropout (Srivastava et al. 2014), inverted: in training, each element is kept with probability
 * 1 - p and scaled by 1 / (1 - p), so evaluation is the identity:
 *   y = m x / (1 - p),   m in {0, 1},   dx = m dy / (1 - p)        (evaluation, or p = 0: y = x, dx = dy)
 * The mask is counter-based, a pure function of (seed, step, global sample id, element), never of
 * the rank or of the order the rows come in, so a batch split over any number of ranks (or
 * shuffled into other positions) drops the same elements, and a rerun drops them again:
 *   key  = splitmix64(seed ^ splitmix64(step))
 *   bits = Philox4x32(key, stream PHYNN_STREAM_DROPOUT + layer, counter s ceil(E / 4) + e / 4)[e % 4]
 *   m    = bits >= p 2^32      (element e of the E = C H W values of sample s's row)
 * with `layer` the dropout's ordinal among the graph's dropout nodes (0 for the first): two
 * layers draw independent masks, and adding other ops to a graph leaves the masks as they were.
 * The sample id s of a row comes from PhynnGraphSetSampleIds, or is the row's position in the
 * batch's rank order (PhynnGraphSampleRows). The mask of the last training forward is kept for
 * the backward, so the gradient belongs to the mask that made the value.
 * Linear in x with a mask that depends on the sample only: with a jet, the K blocks of a sample
 * share its mask (row r of the K N rows is sample r mod N), so the derivatives are dropped like
 * the value. */
#include "graph_impl.h"
#include "phynn/random.h"

typedef struct {
  double         p;
  uint64_t       stream;
  int            masked; /* the last forward applied a mask (training, p > 0) */
  unsigned char *keep;   /* its mask, one byte per element of x */
  long           cap;
} DropoutCtx;

/* Steele, Lea & Flood's splitmix64 finaliser: a bijection of 64 bits that mixes every bit. */
static uint64_t SplitMix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* The mask of the E elements of sample s's row into keep[0..E). */
static void RowMask(uint64_t key, uint64_t stream, uint64_t threshold, uint64_t s, long E, unsigned char *keep)
{
  uint64_t words = (uint64_t)(E + 3) / 4;
  for (long e = 0; e < E; e += 4) {
    uint32_t r[4];
    PhynnPhilox(key, stream, s * words + (uint64_t)e / 4, r);
    for (long j = 0; j < 4 && e + j < E; j++) keep[e + j] = (uint64_t)r[j] >= threshold;
  }
}

PetscErrorCode PhynnOpDropout(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  DropoutCtx *k = (DropoutCtx *)n->ctx;
  PhynnNode  *x = PhynnIn(g, n, 0);
  long        size = PhynnShapeElements(&x->shape), R = x->shape.dim[0], E = PhynnShapeCols(&x->shape);
  int         K = n->has_jet ? PhynnJetBlocks(&n->jet) : 1;
  double      scale = 1.0 / (1.0 - k->p);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE: {
    int carried = PhynnNodeJetBlocks(g, x);
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim >= 2, g->comm, PETSC_ERR_ARG_SIZ, "dropout '%s': input '%s' must have a batch dimension (N, ...), not be %d-dimensional", n->name, x->name, x->shape.ndim);
    PetscCheck(carried == 1 || carried == K, g->comm, PETSC_ERR_ARG_SIZ, "dropout '%s': input '%s' carries %d jet blocks but the dropout was given %d; pass the input's jet, so every block of a sample gets its mask", n->name, x->name, carried, K);
    PetscCall(PhynnJetLinearShape(g, n, R));
    n->shape = x->shape;
  } break;
  case PHYNN_ACTION_ALLOC:
    if (size > k->cap) {
      PetscCall(PetscFree(k->keep));
      PetscCall(PetscMalloc1(size ? size : 1, &k->keep));
      k->cap = size;
    }
    break;
  case PHYNN_ACTION_FORWARD: {
    const long *ids;
    long        N = R / K, first;
    uint64_t    key, threshold = (uint64_t)(k->p * 4294967296.0);
    k->masked = g->training && k->p > 0;
    if (!k->masked) {
      PetscCall(PetscArraycpy(n->value, x->value, size));
      break;
    }
    PetscCall(PhynnGraphSampleRows(g, n, N, &ids, &first));
    key = SplitMix64(g->seed ^ SplitMix64((uint64_t)g->step));
    for (long i = 0; i < N; i++) RowMask(key, k->stream, threshold, (uint64_t)(ids ? ids[i] : first + i), E, k->keep + i * E);
    for (int b = 1; b < K; b++) PetscCall(PetscArraycpy(k->keep + b * N * E, k->keep, N * E)); /* a sample's blocks share its mask */
    for (long i = 0; i < size; i++) n->value[i] = k->keep[i] ? x->value[i] * scale : 0.0;
  } break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    if (!k->masked) PhynnAccumulate(gx, ow, size, 1.0, n->grad);
    else if (ow)
      for (long i = 0; i < size; i++) gx[i] = k->keep[i] ? n->grad[i] * scale : 0.0;
    else
      for (long i = 0; i < size; i++) gx[i] += k->keep[i] ? n->grad[i] * scale : 0.0;
  } break;
  case PHYNN_ACTION_DESTROY:
    if (n->ctx) PetscCall(PetscFree(((DropoutCtx *)n->ctx)->keep));
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphDropout(PhynnGraph g, int x, double p, const PhynnJet *jet, int *id)
{
  PhynnNode  *n;
  DropoutCtx *k;
  PetscFunctionBegin;
  PetscCheck(p >= 0 && p < 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "dropout: the probability p = %g must lie in [0, 1) (kept elements are scaled by 1 / (1 - p))", p);
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_DROPOUT, 1, &x, &n, id));
  if (jet) {
    n->jet     = *jet;
    n->has_jet = 1;
  }
  PetscCall(PhynnNodeCtx(n, sizeof(DropoutCtx), (void **)&k));
  k->p      = p;
  k->stream = PHYNN_STREAM_DROPOUT; /* + the layer's ordinal among the graph's dropouts, so other nodes do not change it */
  for (int i = 0; i < *id; i++) k->stream += g->nodes[i].op == PHYNN_OP_DROPOUT;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
