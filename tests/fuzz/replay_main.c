/* Replays kept inputs through a harness's reader (every build; no libFuzzer needed):
 *
 *   replay_<name> accept DIR|FILE...   every input must be read without error (the seed corpus:
 *                                      proves the harness reaches the reader's success path)
 *   replay_<name> reject DIR|FILE...   every input must be refused with a one-line message (the
 *                                      regression inputs: each once crashed or misbehaved)
 *
 * Prints one line per input and exits 1 when any input does not behave. A crash is a failure too
 * (the test dies), and under the sanitizer build so is any memory error. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int failures, count;

static void ReplayFile(const char *path, int accept)
{
  FILE          *f = fopen(path, "rb");
  long           n;
  uint8_t       *buf;
  PetscErrorCode ierr;
  const char    *msg;

  count++;
  if (!f) {
    printf("FAIL %s: cannot read\n", path);
    failures++;
    return;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  PhynnFuzzClearError();
  ierr = PhynnFuzzRead(buf, (size_t)n);
  free(buf);
  msg = PhynnFuzzLastError();
  if (accept && ierr) {
    printf("FAIL %s: refused: %s\n", path, msg);
    failures++;
  } else if (!accept && (!ierr || !msg[0] || strchr(msg, '\n') || !strncmp(msg, "(no message", 11))) {
    printf("FAIL %s: %s: '%s'\n", path, ierr ? "error without one clear line" : "accepted", msg);
    failures++;
  } else printf("ok   %s: %s\n", path, accept ? "read" : msg);
}

static int CompareNames(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void Replay(const char *path, int accept)
{
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    DIR           *d = opendir(path);
    struct dirent *e;
    char         **names = NULL;
    int            n = 0;
    while (d && (e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      names        = realloc(names, sizeof(*names) * (size_t)(n + 1));
      names[n]     = malloc(strlen(path) + strlen(e->d_name) + 2);
      sprintf(names[n++], "%s/%s", path, e->d_name);
    }
    if (d) closedir(d);
    qsort(names, (size_t)n, sizeof(*names), CompareNames);
    for (int i = 0; i < n; i++) {
      ReplayFile(names[i], accept);
      free(names[i]);
    }
    free(names);
  } else ReplayFile(path, accept);
}

int main(int argc, char **argv)
{
  int accept;
  if (argc < 3 || (strcmp(argv[1], "accept") && strcmp(argv[1], "reject"))) {
    fprintf(stderr, "usage: %s accept|reject DIR|FILE...\n", argv[0]);
    return 2;
  }
  accept = !strcmp(argv[1], "accept");
  if (PhynnFuzzInitialize(&argc, &argv)) return 1;
  for (int i = 2; i < argc; i++) Replay(argv[i], accept);
  if (!count) {
    printf("FAIL: no inputs under %s\n", argv[2]);
    failures++;
  }
  printf("%d of %d input(s) behaved\n", count - failures, count);
  PetscFinalize();
  return failures ? 1 : 0;
}
