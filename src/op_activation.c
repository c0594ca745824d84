/* Activations as graph operations: the plain elementwise activation, the fused jet activation,
 * and the row-wise softmax.
 *
 * The fused jet activation (docs/jets.md) maps the stacked blocks of z to those of a = s(z):
 *   a    = s(z)
 *   a_d  = s'(z) z_d                                 (first-order direction d)
 *   a_de = s''(z) z_d z_e + s'(z) z_de               (second-order pair (d, e))
 * and its backward, with upstream gradients A, A_d, A_de:
 *   Z    = A s' + sum_d A_d s'' z_d + sum_(d,e) A_de (s''' z_d z_e + s'' z_de)
 *   Z_d  = A_d s' + sum over pairs containing d of A_de s'' z_other   ((d,d) counts twice)
 *   Z_de = A_de s'
 * Elements are processed in chunks: s', s'', s''' for a chunk go to small stack buffers, then
 * every block streams through once, so each pass is one read of each block. */
#include <math.h>

#include "graph_impl.h"
#include "phynn/vecmath.h"

#define CHUNK 256

/* Values of the activation over n elements: vectorised tanh (sigmoid via tanh). */
static void ActivationValues(PhynnActivation act, double alpha, long n, const double *z, double *a)
{
  if (act == PHYNN_ACT_TANH) {
    PhynnVecTanh(n, z, a);
  } else if (act == PHYNN_ACT_SIGMOID) {
    /* sigmoid(z) = (1 + tanh(z/2)) / 2 */
    for (long i = 0; i < n; i++) a[i] = 0.5 * z[i];
    PhynnVecTanh(n, a, a);
    for (long i = 0; i < n; i++) a[i] = 0.5 * (1.0 + a[i]);
  } else if (act == PHYNN_ACT_IDENTITY) {
    for (long i = 0; i < n; i++) a[i] = z[i];
  } else if (act == PHYNN_ACT_GELU) {
    /* z Phi(z) = z erfc(-z / sqrt 2) / 2 */
    for (long i = 0; i < n; i++) a[i] = -M_SQRT1_2 * z[i];
    PhynnVecErfc(n, a, a);
    for (long i = 0; i < n; i++) a[i] *= 0.5 * z[i];
  } else {
    for (long i = 0; i < n; i++) a[i] = PhynnActivationValue(act, alpha, z[i]);
  }
}

/* s', s'', s''' for a chunk. tanh and sigmoid are polynomials in a (vectorised loops). */
static void ChunkDerivatives(PhynnActivation act, double alpha, long n, const double *z, const double *a, double *s1, double *s2, double *s3)
{
  if (act == PHYNN_ACT_TANH) {
    for (long i = 0; i < n; i++) {
      double t = 1 - a[i] * a[i];
      s1[i] = t; s2[i] = -2 * a[i] * t; s3[i] = -2 * t * t + 4 * a[i] * a[i] * t;
    }
  } else if (act == PHYNN_ACT_SIGMOID) {
    for (long i = 0; i < n; i++) {
      double t = a[i] * (1 - a[i]), u = 1 - 2 * a[i];
      s1[i] = t; s2[i] = t * u; s3[i] = t * u * u - 2 * t * t;
    }
  } else if (act == PHYNN_ACT_GELU) {
    /* Phi = erfc(-z / sqrt 2) / 2, phi = exp(-z^2 / 2) / sqrt(2 pi): s' = Phi + z phi,
     * s'' = phi (2 - z^2), s''' = z phi (z^2 - 4) (src/activation.c) */
    for (long i = 0; i < n; i++) s1[i] = -M_SQRT1_2 * z[i], s2[i] = -0.5 * z[i] * z[i];
    PhynnVecErfc(n, s1, s1);
    PhynnVecExp(n, s2, s2);
    for (long i = 0; i < n; i++) {
      double phi = s2[i] * 0.5 * M_2_SQRTPI * M_SQRT1_2, zz = z[i] * z[i];
      s1[i] = 0.5 * s1[i] + z[i] * phi; s2[i] = phi * (2 - zz); s3[i] = z[i] * phi * (zz - 4);
    }
  } else {
    for (long i = 0; i < n; i++) PhynnActivationDerivatives(act, alpha, z[i], a[i], &s1[i], &s2[i], &s3[i]);
  }
}

PetscErrorCode PhynnOpActivation(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0);
  long       size = PhynnShapeElements(&x->shape);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    n->shape = x->shape;
    break;
  case PHYNN_ACTION_FORWARD:
    (void)PhynnVecMathKernel();
#pragma omp parallel for schedule(static)
    for (long i0 = 0; i0 < size; i0 += CHUNK) ActivationValues(n->act, n->alpha, size - i0 < CHUNK ? size - i0 : CHUNK, x->value + i0, n->value + i0);
    break;
  case PHYNN_ACTION_BACKWARD: { /* Z = A s'(z) */
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
#pragma omp parallel for schedule(static)
    for (long i0 = 0; i0 < size; i0 += CHUNK) {
      double s1[CHUNK], s2[CHUNK], s3[CHUNK];
      long   m = size - i0 < CHUNK ? size - i0 : CHUNK;
      ChunkDerivatives(n->act, n->alpha, m, x->value + i0, n->value + i0, s1, s2, s3);
      if (ow)
        for (long i = 0; i < m; i++) gx[i0 + i] = n->grad[i0 + i] * s1[i];
      else
        for (long i = 0; i < m; i++) gx[i0 + i] += n->grad[i0 + i] * s1[i];
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOpJetActivation(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode      *x   = PhynnIn(g, n, 0);
  const PhynnJet *jet = &n->jet;
  int             K   = PhynnJetBlocks(jet), nf = jet->nfirst, ns = jet->nsecond;
  long            B   = PhynnShapeElements(&x->shape) / K; /* elements per block */

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.dim[0] % K == 0, g->comm, PETSC_ERR_ARG_SIZ, "jet activation: %ld rows are not %d blocks", x->shape.dim[0], K);
    n->shape = x->shape;
    break;
  case PHYNN_ACTION_FORWARD: {
    const double *z = x->value;
    double       *a = n->value;
    (void)PhynnVecMathKernel(); /* resolve the vector kernel before the threads start */
    /* Chunks are independent: threads split them statically (the same split every run). */
#pragma omp parallel for schedule(static)
    for (long i0 = 0; i0 < B; i0 += CHUNK) {
      double s1[CHUNK], s2[CHUNK], s3[CHUNK];
      long   m = B - i0 < CHUNK ? B - i0 : CHUNK;
      ActivationValues(n->act, n->alpha, m, z + i0, a + i0);
      ChunkDerivatives(n->act, n->alpha, m, z + i0, a + i0, s1, s2, s3);
      for (int d = 0; d < nf; d++) { /* a_d = s' z_d */
        const double *zd = z + (1 + d) * B + i0;
        double       *ad = a + (1 + d) * B + i0;
        for (long i = 0; i < m; i++) ad[i] = s1[i] * zd[i];
      }
      for (int p = 0; p < ns; p++) { /* a_de = s'' z_d z_e + s' z_de */
        const double *zd = z + (1 + jet->second[p][0]) * B + i0, *ze = z + (1 + jet->second[p][1]) * B + i0;
        const double *zp = z + (1 + nf + p) * B + i0;
        double       *ap = a + (1 + nf + p) * B + i0;
        for (long i = 0; i < m; i++) ap[i] = s2[i] * zd[i] * ze[i] + s1[i] * zp[i];
      }
    }
  } break;
  case PHYNN_ACTION_BACKWARD: {
    const double *z = x->value, *A = n->grad;
    double       *Z;
    int           ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &Z, &ow));
#pragma omp parallel for schedule(static)
    for (long i0 = 0; i0 < B; i0 += CHUNK) {
      double s1[CHUNK], s2[CHUNK], s3[CHUNK], acc[CHUNK];
      long   m = B - i0 < CHUNK ? B - i0 : CHUNK;
      ChunkDerivatives(n->act, n->alpha, m, z + i0, n->value + i0, s1, s2, s3);
      /* Z (value block) */
      for (long i = 0; i < m; i++) acc[i] = A[i0 + i] * s1[i];
      for (int d = 0; d < nf; d++) {
        const double *Ad = A + (1 + d) * B + i0, *zd = z + (1 + d) * B + i0;
        for (long i = 0; i < m; i++) acc[i] += Ad[i] * s2[i] * zd[i];
      }
      for (int p = 0; p < ns; p++) {
        const double *Ap = A + (1 + nf + p) * B + i0, *zp = z + (1 + nf + p) * B + i0;
        const double *zd = z + (1 + jet->second[p][0]) * B + i0, *ze = z + (1 + jet->second[p][1]) * B + i0;
        for (long i = 0; i < m; i++) acc[i] += Ap[i] * (s3[i] * zd[i] * ze[i] + s2[i] * zp[i]);
      }
      PhynnAccumulate(Z + i0, ow, m, 1.0, acc);
      /* Z_d */
      for (int d = 0; d < nf; d++) {
        const double *Ad = A + (1 + d) * B + i0;
        for (long i = 0; i < m; i++) acc[i] = Ad[i] * s1[i];
        for (int p = 0; p < ns; p++)
          for (int side = 0; side < 2; side++) {
            if (jet->second[p][side] != d) continue;
            const double *Ap = A + (1 + nf + p) * B + i0, *zo = z + (1 + jet->second[p][1 - side]) * B + i0;
            for (long i = 0; i < m; i++) acc[i] += Ap[i] * s2[i] * zo[i];
          }
        PhynnAccumulate(Z + (1 + d) * B + i0, ow, m, 1.0, acc);
      }
      /* Z_de = A_de s' */
      for (int p = 0; p < ns; p++) {
        const double *Ap = A + (1 + nf + p) * B + i0;
        for (long i = 0; i < m; i++) acc[i] = Ap[i] * s1[i];
        PhynnAccumulate(Z + (1 + nf + p) * B + i0, ow, m, 1.0, acc);
      }
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

/* Row-wise softmax a_j = exp(z_j - max z) / sum_k exp(z_k - max z); backward
 * Z_j = a_j (A_j - sum_k A_k a_k). */
PetscErrorCode PhynnOpSoftmax(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PhynnNode *x = PhynnIn(g, n, 0);
  long       R = x->shape.dim[0], C = PhynnShapeCols(&x->shape);

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    n->shape = x->shape;
    break;
  case PHYNN_ACTION_FORWARD:
    for (long r = 0; r < R; r++) {
      const double *z = x->value + r * C;
      double       *a = n->value + r * C, mx = z[0], sum = 0;
      for (long j = 1; j < C; j++) mx = z[j] > mx ? z[j] : mx;
      for (long j = 0; j < C; j++) sum += (a[j] = exp(z[j] - mx));
      for (long j = 0; j < C; j++) a[j] /= sum;
    }
    break;
  case PHYNN_ACTION_BACKWARD: {
    double *gx;
    int     ow;
    PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    for (long r = 0; r < R; r++) {
      const double *a = n->value + r * C, *A = n->grad + r * C;
      double        dot = 0;
      for (long j = 0; j < C; j++) dot += A[j] * a[j];
      for (long j = 0; j < C; j++) {
        double v = a[j] * (A[j] - dot);
        gx[r * C + j] = ow ? v : gx[r * C + j] + v;
      }
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphActivation(PhynnGraph g, int x, PhynnActivation act, double alpha, const PhynnJet *jet, int *id)
{
  PhynnNode *n;
  int        jetted = jet && PhynnJetBlocks(jet) > 1;
  PetscFunctionBegin;
  PetscCheck(x >= 0 && x < g->nnodes, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "graph node %d does not exist", x);
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  if (act == PHYNN_ACT_SOFTMAX) {
    PetscCheck(!jetted, g->comm, PHYNN_ERR_INPUT, "softmax is not elementwise, so input derivatives cannot pass through it; use it only on the output of a classifier");
    PetscCall(PhynnGraphNewNode(g, PHYNN_OP_SOFTMAX, 1, &x, &n, id));
  } else if (jetted) {
    PetscCheck(jet->nsecond == 0 || PhynnActivationSmooth(act), g->comm, PHYNN_ERR_INPUT,
               "activation '%s' has no useful second derivative (it is zero almost everywhere), so second input derivatives would be wrong; use tanh, sigmoid, sine or softplus",
               PhynnActivationNames[act]);
    PetscCall(PhynnGraphNewNode(g, PHYNN_OP_JET_ACTIVATION, 1, &x, &n, id));
    n->jet     = *jet;
    n->has_jet = 1;
  } else {
    PetscCall(PhynnGraphNewNode(g, PHYNN_OP_ACTIVATION, 1, &x, &n, id));
  }
  n->act   = act;
  n->alpha = alpha;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
