/* Spatial ops for autoencoders that see where things are (docs/autoencoder.md):
 *
 * spatial_softargmax: x (N, C, H, W) -> y (N, 2C), the expected pixel position of each channel
 *   under the softmax of its values (Levine, Finn et al. 2016, "deep spatial autoencoders"):
 *     p_k = exp(x_k) / sum_l exp(x_l)  over the H W pixels k of one channel,
 *     y = (sum_k p_k u_k, sum_k p_k v_k),  u_k = (2 j + 1)/W - 1 (left -1, right +1),
 *                                          v_k = 1 - (2 i + 1)/H (top +1, bottom -1).
 *   A position is a smooth function of the picture, so frames between two training frames get
 *   positions between theirs. Backward: d y_u / d x_k = p_k (u_k - y_u), so
 *     dx_k = p_k (g_u (u_k - y_u) + g_v (v_k - y_v)).
 *   With linear weights p_k = x_k / Z, Z = sum_l x_l (the intensity centroid, for non-negative
 *   input): d y_u / d x_k = (u_k - y_u)/Z. The centroid of a smoothly rendered object moves with
 *   it to far below a pixel (a sampled sum of a smooth function), where a sharp softmax of a
 *   coarse image snaps to pixel centres.
 *
 * rigid_warp: a template T (C, TH, TW) moved rigidly per sample and sampled on the output grid
 *   (a spatial-transformer decoder; Jaderberg et al. 2015):
 *     inputs T, pose (N, 1) = (phi), (N, 2) = a direction (p0, p1) with phi = atan2(p1, p0) (the
 *     whole circle without a cut: dphi/dp = (-p1, p0)/|p|^2), or (N, 3) = (phi, tx, ty), optional
 *     pivot shift (2 values); the
 *     pivot c is a fixed c0 plus the shift;
 *     output pixel p (from the image centre, y up, in units of a pixel's width; a pixel is
 *     `aspect` widths tall, so that the rotation is rigid in the picture's own coordinates when
 *     its pixels are not square) comes from the template point
 *       q = R(-phi) (p - c - t) + c,   c and t in units of s = min(W, aspect H)/2,
 *     y = bilinear(T, q) with zeros outside T. The template is `factor` times finer than the
 *   output (TH = factor H, TW = factor W, same window), so a sharp edge moved by a fraction of a
 *   pixel is still resolved. Backward, with v the bilinear value and (dv/dqx, dv/dqy) its slopes:
 *     dT: the bilinear weights times dy, scattered back (the adjoint of the sampling);
 *     dphi += dy (dv/dqx (q_y - c_y) - dv/dqy (q_x - c_x))      (dq/dphi = (q_y - c_y, -(q_x - c_x)));
 *     dt   += -s dy R(phi) (dv/dqx, dv/dqy);   dc += s dy (I - R(phi)) (dv/dqx, dv/dqy).
 *   The value is continuous in q and piecewise bilinear, so its gradient jumps where q crosses a
 *   template grid line (a set of measure zero for real-valued poses).
 * polar_angle: positions y (N, 2C) in the normalised coordinates of spatial_softargmax -> (N, C),
 *   the angle of each position about a pivot c, measured from straight down (the angle of a
 *   pendulum hanging from c), counter-clockwise positive:
 *     X = sx u, Y = sy v (units of s, as rigid_warp's pivot),  a = X - cx, b = -(Y - cy),
 *     phi = atan2(a, b) in (-pi, pi], the cut straight above the pivot.
 *   A pendulum's keypoint (the centre of its bright pixels) lies on the line from the pivot
 *   through the bob, so its angle is the pendulum's, for any amplitude below pi: a code that an
 *   MLP on (X, Y) would have to unwrap from a folded arc. Backward:
 *     du += g sx b / (a^2 + b^2),   dv += g sy a / (a^2 + b^2).
 * None of these carries jets (the softmax weights, the sampling and atan2 are not linear). */
#include <math.h>

#include "graph_impl.h"

typedef struct {
  int linear; /* weights x_k / sum x (the intensity centroid) instead of the softmax */
} SoftArgmaxCtx;

PetscErrorCode PhynnOpSpatialSoftArgmax(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0);
  const SoftArgmaxCtx *k = (const SoftArgmaxCtx *)n->ctx;
  PhynnNode           *x = PhynnIn(g, n, 0);
  long                 N = x->shape.dim[0], C = x->shape.dim[1], H = x->shape.dim[2], W = x->shape.dim[3], P = H * W;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "spatial_softargmax '%s': input '%s' must be images (N, C, H, W), not %d-dimensional", n->name, x->name, x->shape.ndim);
    n->shape = PhynnShape2(N, 2 * C);
    break;
  case PHYNN_ACTION_FORWARD:
  case PHYNN_ACTION_BACKWARD: {
    double *gx = NULL;
    int     ow = 0;
    if (action == PHYNN_ACTION_BACKWARD) PetscCall(PhynnNodeGradForWrite(g, x, &gx, &ow));
    for (long pl = 0; pl < N * C; pl++) {
      const double *xp = x->value + pl * P;
      double        mx = 0, Z = 0, eu = 0, ev = 0;
      if (!k->linear) {
        mx = xp[0];
        for (long q = 1; q < P; q++) mx = PetscMax(mx, xp[q]);
      }
      for (long i = 0; i < H; i++) {
        double v = 1.0 - (2.0 * (double)i + 1.0) / (double)H;
        for (long j = 0; j < W; j++) {
          double e = k->linear ? xp[i * W + j] : exp(xp[i * W + j] - mx), u = (2.0 * (double)j + 1.0) / (double)W - 1.0;
          Z += e;
          eu += e * u;
          ev += e * v;
        }
      }
      PetscCheck(Z > 0, PETSC_COMM_SELF, PETSC_ERR_FP, "spatial centroid '%s': a channel of sample %ld has no positive total (the intensity weights need a non-negative input with some signal)", n->name, pl / C);
      eu /= Z;
      ev /= Z;
      if (action == PHYNN_ACTION_FORWARD) {
        n->value[2 * pl]     = eu;
        n->value[2 * pl + 1] = ev;
      } else {
        double gu = n->grad[2 * pl], gv = n->grad[2 * pl + 1], *gp = gx + pl * P;
        for (long i = 0; i < H; i++) {
          double v = 1.0 - (2.0 * (double)i + 1.0) / (double)H;
          for (long j = 0; j < W; j++) {
            /* softmax: d y / d x_k = p_k (u_k - y); linear weights: (u_k - y) / Z */
            double p = k->linear ? 1.0 / Z : exp(xp[i * W + j] - mx) / Z, u = (2.0 * (double)j + 1.0) / (double)W - 1.0;
            double d = p * (gu * (u - eu) + gv * (v - ev));
            gp[i * W + j] = ow ? d : gp[i * W + j] + d;
          }
        }
      }
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSpatialSoftArgmax(PhynnGraph g, int x, PetscBool linear, int *id)
{
  PhynnNode     *n;
  SoftArgmaxCtx *k;
  PetscFunctionBegin;
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_SPATIAL_SOFTARGMAX, 1, &x, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(SoftArgmaxCtx), (void **)&k));
  k->linear = linear ? 1 : 0;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

typedef struct {
  double sx, sy, cx, cy; /* X = sx u, Y = sy v; the pivot (cx, cy) */
} PolarCtx;

PetscErrorCode PhynnOpPolarAngle(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0);
  const PolarCtx *k = (const PolarCtx *)n->ctx;
  PhynnNode      *y = PhynnIn(g, n, 0);
  long            N = y->shape.dim[0], C = y->shape.ndim == 2 ? y->shape.dim[1] / 2 : 0;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(y->shape.ndim == 2 && y->shape.dim[1] % 2 == 0, g->comm, PETSC_ERR_ARG_SIZ, "polar_angle '%s': input '%s' must be positions (N, 2C)", n->name, y->name);
    n->shape = PhynnShape2(N, C);
    break;
  case PHYNN_ACTION_FORWARD:
  case PHYNN_ACTION_BACKWARD: {
    double *gy = NULL;
    int     ow = 0;
    if (action == PHYNN_ACTION_BACKWARD) PetscCall(PhynnNodeGradForWrite(g, y, &gy, &ow));
    for (long m = 0; m < N * C; m++) {
      double a = k->sx * y->value[2 * m] - k->cx, b = -(k->sy * y->value[2 * m + 1] - k->cy);
      if (action == PHYNN_ACTION_FORWARD) {
        n->value[m] = atan2(a, b);
        continue;
      }
      double r2 = a * a + b * b, go = n->grad[m];
      PetscCheck(r2 > 0, PETSC_COMM_SELF, PETSC_ERR_FP, "polar_angle '%s': a position of sample %ld lies on the pivot, where the angle has no derivative", n->name, m / C);
      double du = go * k->sx * b / r2, dv = go * k->sy * a / r2; /* d atan2(a, b) = (b da - a db)/r^2, db/dv = -sy */
      gy[2 * m]     = ow ? du : gy[2 * m] + du;
      gy[2 * m + 1] = ow ? dv : gy[2 * m + 1] + dv;
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphPolarAngle(PhynnGraph g, int y, const double *scale, const double *pivot, int *id)
{
  PhynnNode *n;
  PolarCtx  *k;
  PetscFunctionBegin;
  PetscCheck(scale[0] > 0 && scale[1] > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "polar_angle: the scales %g, %g must be positive", scale[0], scale[1]);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_POLAR_ANGLE, 1, &y, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(PolarCtx), (void **)&k));
  k->sx = scale[0];
  k->sy = scale[1];
  k->cx = pivot[0];
  k->cy = pivot[1];
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}

typedef struct {
  long   H, W, factor;
  double c0[2];  /* the pivot is c0 + the pivot input */
  double aspect; /* pixel height / pixel width */
} WarpCtx;

/* The bilinear value of plane T (TH x TW) at fractional index (a, b) (row, column), with its
 * slopes along a and b; with dT != NULL it adds w dy to the four taps instead. */
static double Bilinear(const double *T, long TH, long TW, double a, double b, double *da, double *db, double *dT, double dy)
{
  long   a0 = (long)floor(a), b0 = (long)floor(b);
  double fa = a - (double)a0, fb = b - (double)b0, t[2][2];
  for (int r = 0; r < 2; r++)
    for (int s = 0; s < 2; s++) {
      long ar = a0 + r, bs = b0 + s;
      int  in = ar >= 0 && ar < TH && bs >= 0 && bs < TW;
      t[r][s] = in ? T[ar * TW + bs] : 0.0;
      if (dT && in) dT[ar * TW + bs] += dy * (r ? fa : 1 - fa) * (s ? fb : 1 - fb);
    }
  if (da) *da = (1 - fb) * (t[1][0] - t[0][0]) + fb * (t[1][1] - t[0][1]);
  if (db) *db = (1 - fa) * (t[0][1] - t[0][0]) + fa * (t[1][1] - t[1][0]);
  return (1 - fa) * ((1 - fb) * t[0][0] + fb * t[0][1]) + fa * ((1 - fb) * t[1][0] + fb * t[1][1]);
}

PetscErrorCode PhynnOpRigidWarp(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  PetscFunctionBegin;
  if (action == PHYNN_ACTION_ALLOC || action == PHYNN_ACTION_DESTROY) PetscFunctionReturn(0);
  const WarpCtx *k = (const WarpCtx *)n->ctx;
  PhynnNode     *T = PhynnIn(g, n, 0), *pose = PhynnIn(g, n, 1), *piv = n->nin > 2 ? PhynnIn(g, n, 2) : NULL;
  long           C = T->shape.dim[0], TH = T->shape.dim[1], TW = T->shape.dim[2], H = k->H, W = k->W, N = pose->shape.dim[0];
  long           np = pose->shape.ndim == 2 ? pose->shape.dim[1] : 0, r = k->factor;
  double         asp = k->aspect, s = 0.5 * PetscMin((double)W, asp * (double)H);
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCall(PhynnOpRequireReal(g, n));
    PetscCheck(T->shape.ndim == 3 && TH == r * H && TW == r * W, g->comm, PETSC_ERR_ARG_SIZ, "rigid_warp '%s': template '%s' must be (C, %ld, %ld) for %ld x %ld output at factor %ld", n->name, T->name, r * H, r * W, H, W, r);
    PetscCheck(pose->shape.ndim == 2 && (np == 1 || np == 2 || np == 3), g->comm, PETSC_ERR_ARG_SIZ, "rigid_warp '%s': pose '%s' must be (N, 1) (angle), (N, 2) (direction) or (N, 3) (angle, tx, ty)", n->name, pose->name);
    PetscCheck(!piv || (PhynnShapeElements(&piv->shape) == 2 && !piv->batched), g->comm, PETSC_ERR_ARG_SIZ, "rigid_warp '%s': pivot '%s' must hold 2 values", n->name, piv->name);
    n->shape.ndim   = 4;
    n->shape.dtype  = PHYNN_DTYPE_REAL;
    n->shape.dim[0] = N;
    n->shape.dim[1] = C;
    n->shape.dim[2] = H;
    n->shape.dim[3] = W;
    break;
  case PHYNN_ACTION_FORWARD:
  case PHYNN_ACTION_BACKWARD: {
    const int bwd = action == PHYNN_ACTION_BACKWARD;
    double   *gT = NULL, *gpose = NULL, *gpiv = NULL, gc[2] = {0, 0};
    int       owT = 0, owp = 0, owc = 0;
    double    cx = s * (k->c0[0] + (piv ? piv->value[0] : 0)), cy = s * (k->c0[1] + (piv ? piv->value[1] : 0));
    if (bwd) {
      if (T->requires_grad) {
        PetscCall(PhynnNodeGradForWrite(g, T, &gT, &owT));
        if (owT) PetscCall(PetscArrayzero(gT, C * TH * TW));
      }
      if (pose->requires_grad) {
        PetscCall(PhynnNodeGradForWrite(g, pose, &gpose, &owp));
        if (owp) PetscCall(PetscArrayzero(gpose, N * np));
      }
      if (piv && piv->requires_grad) PetscCall(PhynnNodeGradForWrite(g, piv, &gpiv, &owc));
    }
    for (long m = 0; m < N; m++) {
      const double *pm = pose->value + m * np, r2 = np == 2 ? pm[0] * pm[0] + pm[1] * pm[1] : 1;
      double        phi = np == 2 ? atan2(pm[1], pm[0]) : pm[0], tx = np == 3 ? s * pose->value[m * np + 1] : 0, ty = np == 3 ? s * pose->value[m * np + 2] : 0;
      double cs = cos(phi), sn = sin(phi), gphi = 0, gt[2] = {0, 0};
      for (long i = 0; i < H; i++)
        for (long j = 0; j < W; j++) {
          double px = (double)j + 0.5 - 0.5 * (double)W, py = asp * (0.5 * (double)H - ((double)i + 0.5));
          double dx = px - cx - tx, dy = py - cy - ty;
          double qx = cs * dx + sn * dy + cx, qy = -sn * dx + cs * dy + cy;
          double b = (double)r * (qx + 0.5 * (double)W) - 0.5, a = (double)r * (0.5 * (double)H - qy / asp) - 0.5;
          for (long c = 0; c < C; c++) {
            const double *Tc  = T->value + c * TH * TW;
            long          out = ((m * C + c) * H + i) * W + j;
            if (!bwd) {
              n->value[out] = Bilinear(Tc, TH, TW, a, b, NULL, NULL, NULL, 0);
              continue;
            }
            double go = n->grad[out], da, db;
            if (go == 0) continue;
            Bilinear(Tc, TH, TW, a, b, &da, &db, gT ? gT + c * TH * TW : NULL, go);
            double vx = go * (double)r * db, vy = -go * (double)r * da / asp; /* dL/dq */
            gphi += vx * (qy - cy) - vy * (qx - cx);
            /* dq/dt = -R(-phi): dL/dt = -R(phi) dL/dq; dq/dc = I - R(-phi): dL/dc = (I - R(phi)) dL/dq */
            double rx = cs * vx - sn * vy, ry = sn * vx + cs * vy;
            gt[0] -= s * rx;
            gt[1] -= s * ry;
            gc[0] += s * (vx - rx);
            gc[1] += s * (vy - ry);
          }
        }
      if (gpose && np == 2) { /* phi = atan2(p1, p0): dphi/dp0 = -p1 / r^2, dphi/dp1 = p0 / r^2 */
        gpose[m * np] += -gphi * pm[1] / r2;
        gpose[m * np + 1] += gphi * pm[0] / r2;
      } else if (gpose) {
        gpose[m * np] += gphi;
        if (np == 3) {
          gpose[m * np + 1] += gt[0];
          gpose[m * np + 2] += gt[1];
        }
      }
    }
    if (gpiv) {
      gpiv[0] = owc ? gc[0] : gpiv[0] + gc[0];
      gpiv[1] = owc ? gc[1] : gpiv[1] + gc[1];
    }
  } break;
  default: break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphRigidWarp(PhynnGraph g, int T, int pose, int pivot, const double *pivot0, double aspect, long H, long W, long factor, int *id)
{
  PhynnNode *n;
  WarpCtx   *k;
  int        in[3] = {T, pose, pivot};
  PetscFunctionBegin;
  PetscCheck(H >= 1 && W >= 1 && factor >= 1 && aspect > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "rigid_warp: output %ld x %ld at factor %ld (all must be positive)", H, W, factor);
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_RIGID_WARP, pivot >= 0 ? 3 : 2, in, &n, id));
  PetscCall(PhynnNodeCtx(n, sizeof(WarpCtx), (void **)&k));
  k->H      = H;
  k->W      = W;
  k->factor = factor;
  k->aspect = aspect;
  k->c0[0]  = pivot0 ? pivot0[0] : 0.0;
  k->c0[1]  = pivot0 ? pivot0[1] : 0.0;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
