/* Vectorised elementwise functions (SLEEF), picked at run time for the CPU: AVX-512, AVX2, or
 * the C library. About 8 million tanh per NLS PINN step: libm takes 0.15 s, SLEEF's AVX-512
 * version 0.02 s. Accuracy: SLEEF's 1-ulp variants. */
#ifndef PHYNN_VECMATH_H
#define PHYNN_VECMATH_H

/* y[i] = tanh(x[i]); x and y may be the same array. */
void PhynnVecTanh(long n, const double *x, double *y);
/* y[i] = erfc(x[i]) (SLEEF's 1.5-ulp variant) and y[i] = exp(x[i]): GELU's Phi and phi. */
void PhynnVecErfc(long n, const double *x, double *y);
void PhynnVecExp(long n, const double *x, double *y);
/* Which implementation runs: "avx512", "avx2" or "libm". */
const char *PhynnVecMathKernel(void);

#endif
