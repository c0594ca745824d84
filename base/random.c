/* Philox4x32-10: ten rounds of a multiply-xor bijection on a 128-bit counter under a 64-bit key.
 * Counter = (index lo, index hi, stream lo, stream hi), key = seed. Passes BigCrush (Salmon et al.). */
#include "phynn/random.h"

#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

void PhynnPhilox(uint64_t seed, uint64_t stream, uint64_t index, uint32_t out[4])
{
  uint32_t c0 = (uint32_t)index, c1 = (uint32_t)(index >> 32), c2 = (uint32_t)stream, c3 = (uint32_t)(stream >> 32);
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int round = 0; round < 10; round++) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n1 = (uint32_t)p1;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1, n3 = (uint32_t)p0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

static double ToUnit(uint32_t hi, uint32_t lo)
{
  /* 53 bits -> [0, 1) */
  uint64_t bits = ((uint64_t)hi << 21) ^ (uint64_t)(lo >> 11);
  return (double)(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

double PhynnUniform(uint64_t seed, uint64_t stream, uint64_t index)
{
  uint32_t r[4];
  PhynnPhilox(seed, stream, index, r);
  return ToUnit(r[0], r[1]);
}

double PhynnNormal(uint64_t seed, uint64_t stream, uint64_t index)
{
  uint32_t r[4];
  PhynnPhilox(seed, stream, index, r);
  double u1 = 1.0 - ToUnit(r[0], r[1]); /* (0, 1]: log is finite */
  double u2 = ToUnit(r[2], r[3]);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

void PhynnUniformFill(uint64_t seed, uint64_t stream, uint64_t first, long n, double lo, double hi, double *out)
{
  for (long i = 0; i < n; i++) out[i] = lo + (hi - lo) * PhynnUniform(seed, stream, first + (uint64_t)i);
}

void PhynnNormalFill(uint64_t seed, uint64_t stream, uint64_t first, long n, double mean, double stddev, double *out)
{
  for (long i = 0; i < n; i++) out[i] = mean + stddev * PhynnNormal(seed, stream, first + (uint64_t)i);
}
