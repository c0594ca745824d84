/* Frames of the pendulum as images, with the exact first and second time derivatives of every
 * pixel (chain rule through theta, theta', theta''). See solvers/pendulum_render.c and
 * docs/image-data.md. */
#ifndef PHYNN_PENDULUM_RENDER_H
#define PHYNN_PENDULUM_RENDER_H

#include "phynn/sys.h"

typedef enum {
  PHYNN_RENDER_ROD,  /* the tutorial's picture: a rod from the pivot and a round bob, 1 on 0 */
  PHYNN_RENDER_BLOB, /* Champion et al. (2019): a Gaussian blob at (sin theta, -cos theta) */
} PhynnRenderKind;

typedef struct {
  PhynnRenderKind kind;
  long            nx, ny;     /* pixels left to right (x) and top to bottom (y) */
  double          xmin, xmax; /* window: x of the first and last column */
  double          ymin, ymax; /* window: the top row is at ymax, the bottom row at ymin */
  double          l;          /* rod: pendulum length (m), the bob is at l (sin theta, -cos theta) */
  double          rod_width;  /* rod: full width at half maximum of the rod's profile, pixels */
  double          bob_diameter; /* rod: bob diameter at the half-intensity edge, pixels */
  double          edge;       /* rod: scale of the logistic edge of the bob and rod ends, pixels */
} PhynnPendulumRender;

/* Defaults: blob 51 x 51 on [-1.5, 1.5]^2; rod 160 x 160 on x in [-0.5 l, 0.5 l],
 * y in [-1.1 l, 0.05 l], rod 2 pixels wide, bob 10 pixels across, edge 0.5 pixel. */
void PhynnPendulumRenderDefaults(PhynnRenderKind kind, double l, PhynnPendulumRender *r);
/* Pixel-centre coordinates x[nx], y[ny] (y[0] is the top row). Blob: Champion's grid points,
 * x_j = xmin + (xmax - xmin) j/(nx - 1); rod: cell centres, x_j = xmin + (j + 1/2)(xmax - xmin)/nx. */
void PhynnPendulumRenderCoords(const PhynnPendulumRender *r, double *x, double *y);
/* The frame at angle theta with angular velocity omega = theta' and acceleration alpha = theta'':
 * img[i nx + j] (row i from the top, column j), and when not NULL its exact time derivatives
 * img_t = I_theta omega and img_tt = I_thetatheta omega^2 + I_theta alpha. */
PetscErrorCode PhynnPendulumRenderFrame(const PhynnPendulumRender *r, double theta, double omega, double alpha, double *img, double *img_t, double *img_tt);

#endif
