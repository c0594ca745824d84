/* The vectorised kernels (src/vecmath*.c: SLEEF, picked at run time) against the C library, over
 * the ranges activations meet, with odd lengths so the padded tails run: tanh and exp to 1e-15
 * relative (SLEEF's 1-ulp variants), erfc to 1e-15 relative where it is above 1e-300 (1.5 ulp).
 * Usage: test_vecmath */
#include <string.h>

#include "phynn/vecmath.h"
#include "phynn_test.h"

static PetscErrorCode Run(MPI_Comm comm)
{
  enum { N = 1001 };
  static double x[N], y[N];
  const char   *names[3] = {"tanh", "erfc", "exp"};
  (void)comm;
  PetscFunctionBegin;
  for (int f = 0; f < 3; f++) {
    double worst = 0;
    for (int i = 0; i < N; i++) x[i] = -20 + 40.0 * i / (N - 1) + 1e-3 * (i % 7);
    if (f == 0) PhynnVecTanh(N - 2, x, y);
    else if (f == 1) PhynnVecErfc(N - 2, x, y);
    else PhynnVecExp(N - 2, x, y);
    for (int i = 0; i < N - 2; i++) {
      double want = f == 0 ? tanh(x[i]) : f == 1 ? erfc(x[i]) : exp(x[i]);
      if (fabs(want) > 1e-300) worst = fmax(worst, fabs(y[i] - want) / fabs(want));
    }
    CHECK(worst <= 1e-15, "%s (%s kernel): worst relative difference from libm %.3g > 1e-15", names[f], PhynnVecMathKernel(), worst);
    if (worst <= 1e-15) printf("ok   %s (%s kernel) on %d values in [-20, 20]: worst relative difference from libm %.2g\n", names[f], PhynnVecMathKernel(), N - 2, worst);
  }
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
