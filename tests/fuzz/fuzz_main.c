/* libFuzzer's entry points (clang build, -DPHYNN_FUZZ=ON): every input goes to the harness's
 * reader; an error return is the reader doing its job, a crash or sanitizer report is a bug. */
#include <stdlib.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  if (PhynnFuzzInitialize(argc, argv)) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  PhynnFuzzClearError();
  (void)PhynnFuzzRead(data, size);
  return 0;
}
