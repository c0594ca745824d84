/* The spectral convolution (src/op_spectral.c) by value, against an independent O(M H W) DFT:
 *   y[h, w] = s sum over kept (kh, kw) of c_kw Re(Y[kh, kw] e^{2 pi i (kh h / H + kw w / W)}),
 *   Y_o = sum_i R[m, i, o] V_i,   V_i[kh, kw] = s sum_{h, w} x_i[h, w] e^{-2 pi i (kh h / H + kw w / W)}
 * (s = 1/sqrt(H W), c_kw = 1 at bins 0 and W/2, else 2), for 1-D signals of even and odd length
 * and a 2-D spectrum with negative rows; and the scaling convention: with R = exp(-k kappa^2 T)
 * on a periodic domain of length L the layer IS the heat equation's solution operator (the
 * multiplier a one-layer linear FNO must learn), to 1e-13.
 * Usage: test_spectral */
#include <complex.h>
#include <math.h>

#include "phynn/graph.h"
#include "phynn/random.h"
#include "phynn_test.h"

static PetscErrorCode CheckAgainstDFT(long N, long IC, long OC, long H, long W, long kh, long kw)
{
  const long     rows = kh ? 2 * kh : 1, dims[4] = {N, IC, H, W}, dr[4] = {rows, kw, IC, OC};
  const double   s    = 1.0 / sqrt((double)(H * W));
  PhynnGraph     g;
  PhynnShape     sh;
  int            X, R, y;
  double        *theta, *x, worst = 0, scale = 0;
  const double  *out;
  double complex *Rw;
  long           off, sz;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphParamND(g, "X", 4, dims, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &X));
  PetscCall(PhynnGraphParamND(g, "R", 4, dr, PHYNN_DTYPE_COMPLEX, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &R));
  PetscCall(PhynnGraphSpectralConv(g, X, R, kh, kw, NULL, &y));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
  PetscCall(PhynnGraphParamSlice(g, X, &off, &sz));
  x = theta + off;
  PhynnNormalFill(11, 1, 0, sz, 0, 1, x);
  PetscCall(PhynnGraphParamSlice(g, R, &off, &sz));
  Rw = (double complex *)(theta + off);
  PhynnNormalFill(11, 2, 0, sz, 0, 1, theta + off);
  PetscCall(PhynnGraphForward(g, y));
  PetscCall(PhynnGraphValue(g, y, &out, &sh));
  CHECK(sh.dim[0] == N && sh.dim[1] == OC && sh.dim[2] == H && sh.dim[3] == W, "spectral_conv output is (%ld, %ld, %ld, %ld)", sh.dim[0], sh.dim[1], sh.dim[2], sh.dim[3]);
  for (long n = 0; n < N; n++)
    for (long o = 0; o < OC; o++)
      for (long h = 0; h < H; h++)
        for (long w = 0; w < W; w++) {
          double acc = 0;
          for (long r = 0; r < rows; r++)
            for (long q = 0; q < kw; q++) {
              const long     k1 = H == 1 ? 0 : (r < kh ? r : H - 2 * kh + r);
              double complex Y  = 0;
              for (long i = 0; i < IC; i++) {
                double complex V = 0;
                for (long a = 0; a < H; a++)
                  for (long b = 0; b < W; b++) V += x[((n * IC + i) * H + a) * W + b] * cexp(-2 * M_PI * I * ((double)(k1 * a) / H + (double)(q * b) / W));
                Y += Rw[((r * kw + q) * IC + i) * OC + o] * s * V;
              }
              const double c = q == 0 || (W % 2 == 0 && q == W / 2) ? 1.0 : 2.0;
              acc += s * c * creal(Y * cexp(2 * M_PI * I * ((double)(k1 * h) / H + (double)(q * w) / W)));
            }
          const double got = out[((n * OC + o) * H + h) * W + w];
          worst            = fmax(worst, fabs(got - acc));
          scale            = fmax(scale, fabs(acc));
        }
  CHECK(worst <= 1e-12 * scale, "spectral_conv (%ld, %ld, %ld, %ld) -> %ld channels, %ld x %ld bins: max |FFTW - DFT| %.3g (values up to %.3g)", N, IC, H, W, OC, rows, kw, worst, scale);
  if (worst <= 1e-12 * scale) printf("ok   spectral_conv (%ld, %ld, %ld, %ld) -> %ld channels, %ld x %ld bins kept: equals the naive DFT to %.2g (values up to %.2g)\n", N, IC, H, W, OC, rows, kw, worst, scale);
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* u0 = sum of a few modes on [0, L); the exact u(T) multiplies mode k by exp(-nu (2 pi k / L)^2 T). */
static PetscErrorCode CheckHeatMultiplier(void)
{
  const long    W = 64, K = 33, dims[4] = {1, 1, 1, W}, dr[4] = {1, K, 1, 1};
  const double  L = 2.0, nu = 0.01, T = 1.0;
  PhynnGraph    g;
  PhynnShape    sh;
  int           X, R, y;
  double       *theta, worst = 0;
  const double *out;
  long          off, sz;
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(PhynnGraphParamND(g, "X", 4, dims, PHYNN_DTYPE_REAL, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &X));
  PetscCall(PhynnGraphParamND(g, "R", 4, dr, PHYNN_DTYPE_COMPLEX, (PhynnInitSpec){PHYNN_INIT_ZEROS, 0, 0}, &R));
  PetscCall(PhynnGraphSpectralConv(g, X, R, 0, K, NULL, &y));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphParameters(g, &theta, NULL, NULL));
  PetscCall(PhynnGraphParamSlice(g, R, &off, &sz));
  for (long k = 0; k < K; k++) {
    const double kap = 2 * M_PI * (double)k / L;
    theta[off + 2 * k]     = exp(-nu * kap * kap * T);
    theta[off + 2 * k + 1] = 0;
  }
  PetscCall(PhynnGraphParamSlice(g, X, &off, &sz));
  for (long j = 0; j < W; j++) {
    const double xj = L * (double)j / W;
    theta[off + j]  = 0.3 + sin(2 * M_PI * xj / L) + 0.5 * cos(6 * M_PI * xj / L + 0.4) + 0.2 * cos(2 * M_PI * 32 * xj / L);
  }
  PetscCall(PhynnGraphForward(g, y));
  PetscCall(PhynnGraphValue(g, y, &out, &sh));
  for (long j = 0; j < W; j++) {
    const double xj = L * (double)j / W, k1 = 2 * M_PI / L, k3 = 3 * k1, k32 = 32 * k1;
    const double u  = 0.3 + exp(-nu * k1 * k1 * T) * sin(k1 * xj) + 0.5 * exp(-nu * k3 * k3 * T) * cos(k3 * xj + 0.4) + 0.2 * exp(-nu * k32 * k32 * T) * cos(k32 * xj);
    worst           = fmax(worst, fabs(out[j] - u));
  }
  CHECK(worst <= 1e-13, "spectral_conv with R = exp(-nu kappa^2 T): max error %.3g against the exact heat solution", worst);
  if (worst <= 1e-13) printf("ok   spectral_conv with R_k = exp(-nu (2 pi k/L)^2 T) is the heat solution operator (max error %.2g, Nyquist mode included)\n", worst);
  PetscCall(PhynnGraphDestroy(&g));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  (void)comm;
  PetscFunctionBegin;
  PetscCall(CheckAgainstDFT(2, 2, 3, 1, 8, 0, 5));
  PetscCall(CheckAgainstDFT(3, 1, 2, 1, 7, 0, 3));
  PetscCall(CheckAgainstDFT(2, 2, 2, 6, 5, 2, 3));
  PetscCall(CheckAgainstDFT(1, 2, 1, 4, 6, 2, 4));
  PetscCall(CheckHeatMultiplier());
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
