/* Rendering the pendulum as images, with exact time derivatives.
 *
 * Every pixel is a smooth function I(theta) of the angle alone, so by the chain rule
 *   I_t  = I_theta theta',
 *   I_tt = I_thetatheta theta'^2 + I_theta theta''.
 * Each I is built from second-order jets (v, v_theta, v_thetatheta) of a few smooth pieces.
 *
 * Blob (Champion et al. 2019): I = exp(A), A = -((Y1 - sin theta)^2 + (Y2 + cos theta)^2)/0.05,
 *   A_theta = 2 (Y1 cos theta + Y2 sin theta)/0.05, A_thetatheta = 2 (Y2 cos theta - Y1 sin theta)/0.05,
 *   so I_theta = I A_theta and I_thetatheta = I (A_theta^2 + A_thetatheta).
 *
 * Rod (the tutorial's picture), pixel at p = (px, py), bob at b = l (sin theta, -cos theta):
 *   a = p . b/l = px sin theta - py cos theta        (position along the rod; a_theta = c, a_thth = -a)
 *   c = px cos theta + py sin theta                  (signed distance across the rod; c_theta = -a)
 *   rod  R = exp(-c^2/(2 s^2)) S(a/e) S((l - a)/e)   (Gaussian cross-section, logistic ends)
 *   bob  B = S((r^2 - |p - b|^2)/(2 r e)), |p - b|^2 = |p|^2 + l^2 - 2 l a
 *   I = 1 - (1 - R)(1 - B)                           (bright 1 on dark 0, a smooth "union")
 * with S(z) = 1/(1 + e^-z), S' = S(1 - S), S'' = S(1 - S)(1 - 2S); s, e, r from the pixel sizes.
 * The squared distance to the bob centre (not the distance) keeps B smooth at the centre, and the
 * infinite-line distance with logistic ends (not the distance to the segment) keeps R smooth where
 * the segment's nearest point would switch to an end point. */
#include "phynn/pendulum_render.h"

#include <math.h>

typedef struct {
  double v, d, dd; /* value, d/dtheta, d2/dtheta2 */
} Jet;

static Jet JetMul(Jet a, Jet b) { return (Jet){a.v * b.v, a.d * b.v + a.v * b.d, a.dd * b.v + 2 * a.d * b.d + a.v * b.dd}; }
/* f(a) from f, f', f'' at a.v */
static Jet JetApply(Jet a, double f, double f1, double f2) { return (Jet){f, f1 * a.d, f2 * a.d * a.d + f1 * a.dd}; }
static Jet JetExp(Jet a)
{
  double e = exp(a.v);
  return JetApply(a, e, e, e);
}
static Jet JetLogistic(Jet a)
{
  double s = 1.0 / (1.0 + exp(-a.v));
  return JetApply(a, s, s * (1 - s), s * (1 - s) * (1 - 2 * s));
}
static Jet JetScale(Jet a, double k, double shift) { return (Jet){k * a.v + shift, k * a.d, k * a.dd}; }

void PhynnPendulumRenderDefaults(PhynnRenderKind kind, double l, PhynnPendulumRender *r)
{
  r->kind         = kind;
  r->l            = l;
  r->rod_width    = 2.0;
  r->bob_diameter = 10.0;
  r->edge         = 0.5;
  if (kind == PHYNN_RENDER_BLOB) {
    r->nx = r->ny = 51;
    r->xmin = r->ymin = -1.5;
    r->xmax = r->ymax = 1.5;
  } else {
    r->nx = r->ny = 160;
    r->xmin       = -0.5 * l;
    r->xmax       = 0.5 * l;
    r->ymin       = -1.1 * l;
    r->ymax       = 0.05 * l;
  }
}

void PhynnPendulumRenderCoords(const PhynnPendulumRender *r, double *x, double *y)
{
  for (long j = 0; j < r->nx; j++)
    x[j] = r->kind == PHYNN_RENDER_BLOB ? r->xmin + (r->xmax - r->xmin) * (double)j / (double)(r->nx - 1) : r->xmin + ((double)j + 0.5) * (r->xmax - r->xmin) / (double)r->nx;
  for (long i = 0; i < r->ny; i++)
    y[i] = r->kind == PHYNN_RENDER_BLOB ? r->ymax - (r->ymax - r->ymin) * (double)i / (double)(r->ny - 1) : r->ymax - ((double)i + 0.5) * (r->ymax - r->ymin) / (double)r->ny;
}

PetscErrorCode PhynnPendulumRenderFrame(const PhynnPendulumRender *r, double theta, double omega, double alpha, double *img, double *img_t, double *img_tt)
{
  const double sn = sin(theta), cs = cos(theta), l = r->l;
  const double h  = 0.5 * ((r->xmax - r->xmin) / (double)r->nx + (r->ymax - r->ymin) / (double)r->ny);
  const double sg = r->rod_width * h / (2.0 * sqrt(2.0 * log(2.0))); /* FWHM = 2 sqrt(2 ln 2) sigma */
  const double e = r->edge * h, rb = 0.5 * r->bob_diameter * h;
  double      *x, *y;

  PetscFunctionBegin;
  PetscCheck(r->nx >= 2 && r->ny >= 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "pendulum render: need at least 2 x 2 pixels (got %ld x %ld)", r->nx, r->ny);
  PetscCall(PetscMalloc2(r->nx, &x, r->ny, &y));
  PhynnPendulumRenderCoords(r, x, y);
  for (long i = 0; i < r->ny; i++) {
    for (long j = 0; j < r->nx; j++) {
      const double px = x[j], py = y[i];
      Jet          px_jet;
      if (r->kind == PHYNN_RENDER_BLOB) {
        const double u = px - sn, v = py + cs;
        Jet          A = {-(u * u + v * v) / 0.05, 2 * (px * cs + py * sn) / 0.05, 2 * (py * cs - px * sn) / 0.05};
        px_jet         = JetExp(A);
      } else {
        const Jet a = {px * sn - py * cs, px * cs + py * sn, -(px * sn - py * cs)};
        const Jet c = {a.d, -a.v, -a.d};
        Jet       R = JetExp(JetScale(JetMul(c, c), -1.0 / (2 * sg * sg), 0.0));
        R           = JetMul(R, JetLogistic(JetScale(a, 1.0 / e, 0.0)));
        R           = JetMul(R, JetLogistic(JetScale(a, -1.0 / e, l / e)));
        /* (r^2 - |p|^2 - l^2 + 2 l a)/(2 r e) */
        const Jet B = JetLogistic(JetScale(a, l / (rb * e), (rb * rb - px * px - py * py - l * l) / (2 * rb * e)));
        const Jet R1 = JetScale(R, -1.0, 1.0), B1 = JetScale(B, -1.0, 1.0);
        px_jet = JetScale(JetMul(R1, B1), -1.0, 1.0);
      }
      const long k = i * r->nx + j;
      img[k]       = px_jet.v;
      if (img_t) img_t[k] = px_jet.d * omega;
      if (img_tt) img_tt[k] = px_jet.dd * omega * omega + px_jet.d * alpha;
    }
  }
  PetscCall(PetscFree2(x, y));
  PetscFunctionReturn(0);
}
