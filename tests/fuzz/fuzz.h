/* The fuzz harnesses of phynn's readers of outside data (tests/fuzz/README.md).
 *
 * Each harness (fuzz_<name>.c) defines PhynnFuzzRead: hand the bytes to one reader, exactly as a
 * command would, and return its error code. Two mains drive it: libFuzzer's (fuzz_main.c, the
 * clang build with -DPHYNN_FUZZ=ON) and a replay of kept inputs (replay_main.c, every build), which
 * checks that each seed is read without error and each regression input is refused with one line. */
#ifndef PHYNN_FUZZ_H
#define PHYNN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "phynn/sys.h"

/* Once per process, after PETSc is up: build what every input needs (a model to validate with). */
PetscErrorCode PhynnFuzzSetUp(void);
/* One input: read it, free everything, return the reader's error (0 when it accepted the input). */
PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size);

/* Writes the bytes to this process's scratch file (name ends in `suffix`, e.g. ".nc") and gives
 * its path: the readers under test take paths, as the commands do. */
PetscErrorCode PhynnFuzzFile(const uint8_t *data, size_t size, const char *suffix, const char **path);

/* Starts PETSc for a harness: no signal handler (the sanitizers report crashes), errors recorded
 * rather than printed (PhynnFuzzLastError). */
PetscErrorCode PhynnFuzzInitialize(int *argc, char ***argv);
/* The message of the last error raised (at its first frame), "" when none. */
const char *PhynnFuzzLastError(void);
void        PhynnFuzzClearError(void);

#endif
