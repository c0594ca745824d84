/* Jet specifications: which input derivatives ride along with the value rows. */
#include <string.h>

#include "phynn/graph.h"

int PhynnJetBlocks(const PhynnJet *jet) { return 1 + jet->nfirst + jet->nsecond; }

PhynnJet PhynnJetNone(int nin)
{
  PhynnJet jet;
  memset(&jet, 0, sizeof(jet));
  jet.nin = nin;
  return jet;
}

int PhynnJetBlockFirst(const PhynnJet *jet, int coord)
{
  for (int d = 0; d < jet->nfirst; d++)
    if (jet->first[d] == coord) return 1 + d;
  return -1;
}

int PhynnJetBlockSecond(const PhynnJet *jet, int ca, int cb)
{
  for (int p = 0; p < jet->nsecond; p++) {
    int a = jet->first[jet->second[p][0]], b = jet->first[jet->second[p][1]];
    if ((a == ca && b == cb) || (a == cb && b == ca)) return 1 + jet->nfirst + p;
  }
  return -1;
}

PetscErrorCode PhynnJetCheck(MPI_Comm comm, const PhynnJet *jet)
{
  PetscFunctionBegin;
  PetscCheck(jet->nfirst >= 0 && jet->nfirst <= PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "a jet carries 0 to %d first-order directions (PHYNN_JET_MAX), not %d", PHYNN_JET_MAX, jet->nfirst);
  PetscCheck(jet->nsecond >= 0 && jet->nsecond <= PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "a jet carries 0 to %d second-order pairs (PHYNN_JET_MAX), not %d", PHYNN_JET_MAX, jet->nsecond);
  PetscCheck(jet->nin >= 0, comm, PHYNN_ERR_INPUT, "a jet over %d input coordinates", jet->nin);
  for (int d = 0; d < jet->nfirst && jet->nin > 0; d++)
    PetscCheck(jet->first[d] >= 0 && jet->first[d] < jet->nin, comm, PHYNN_ERR_INPUT, "jet direction %d is coordinate %d, outside the %d inputs", d, jet->first[d], jet->nin);
  for (int p = 0; p < jet->nsecond; p++)
    PetscCheck(jet->second[p][0] >= 0 && jet->second[p][0] <= jet->second[p][1] && jet->second[p][1] < jet->nfirst, comm, PHYNN_ERR_INPUT,
               "jet pair %d (%d, %d) must name directions a <= b below %d", p, jet->second[p][0], jet->second[p][1], jet->nfirst);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnJetSeeded(MPI_Comm comm, int nfirst, int nsecond, const int (*pairs)[2], PhynnJet *jet)
{
  PetscFunctionBegin;
  PetscCheck(nfirst >= 0 && nfirst <= PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "a jet carries 0 to %d first-order directions (PHYNN_JET_MAX), not %d", PHYNN_JET_MAX, nfirst);
  PetscCheck(nsecond >= 0 && nsecond <= PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "a jet carries 0 to %d second-order pairs (PHYNN_JET_MAX), not %d", PHYNN_JET_MAX, nsecond);
  *jet        = PhynnJetNone(0);
  jet->nfirst = nfirst;
  for (int d = 0; d < nfirst; d++) jet->first[d] = d;
  for (int p = 0; p < nsecond; p++) {
    int a = pairs[p][0], b = pairs[p][1];
    PetscCheck(a >= 0 && a < nfirst && b >= 0 && b < nfirst, comm, PHYNN_ERR_INPUT, "second-order pair %d (%d, %d) names a direction outside 0..%d", p, a, b, nfirst - 1);
    jet->second[p][0] = a < b ? a : b;
    jet->second[p][1] = a < b ? b : a;
  }
  jet->nsecond = nsecond;
  PetscFunctionReturn(0);
}

static int AddFirst(PhynnJet *jet, int coord)
{
  for (int d = 0; d < jet->nfirst; d++)
    if (jet->first[d] == coord) return d;
  jet->first[jet->nfirst] = coord;
  return jet->nfirst++;
}

/* Finds the input coordinate whose name is a prefix of `s`; returns its length in *len. The
 * longest match wins, so inputs "x" and "xi" parse "xix" as (xi, x). */
static int MatchCoord(int nin, const char (*names)[32], const char *s, size_t *len)
{
  int best = -1;
  *len     = 0;
  for (int c = 0; c < nin; c++) {
    size_t l = strlen(names[c]);
    if (l > *len && !strncmp(s, names[c], l)) { best = c; *len = l; }
  }
  return best;
}

#define JET_REQUEST_MAX 512 /* characters of a derivative request, "t,xx,xt", with its NUL */

PetscErrorCode PhynnJetFromNames(MPI_Comm comm, int nin, const char (*in_names)[32], const char *request, PhynnJet *jet, int *nrequest, int *blocks, char (*request_names)[32])
{
  char  buf[JET_REQUEST_MAX], inputs[256] = "";
  char *save = NULL, *tok;
  int   coords[2 * PHYNN_JET_MAX][2], order[2 * PHYNN_JET_MAX], nreq = 0;

  PetscFunctionBegin;
  *jet = PhynnJetNone(nin);
  for (int c = 0; c < nin; c++) {
    PetscCall(PetscStrlcat(inputs, c ? ", " : "", sizeof(inputs)));
    PetscCall(PetscStrlcat(inputs, in_names[c], sizeof(inputs)));
  }
  PetscCheck(!request || strlen(request) < sizeof(buf), comm, PHYNN_ERR_INPUT, "the derivative request has %zu characters; at most %d", strlen(request), JET_REQUEST_MAX - 1);
  PetscCall(PetscStrncpy(buf, request ? request : "", sizeof(buf)));
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    size_t l1, l2;
    int    c1, c2 = -1;
    PetscCheck(nreq < 2 * PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "too many derivatives requested in '%s'; at most %d", request, 2 * PHYNN_JET_MAX);
    c1 = MatchCoord(nin, in_names, tok, &l1);
    PetscCheck(c1 >= 0, comm, PHYNN_ERR_INPUT, "derivative '%s': '%s' is not an input coordinate; the inputs are %s (write e.g. t, xx, xt)", tok, tok, inputs);
    if (tok[l1]) {
      c2 = MatchCoord(nin, in_names, tok + l1, &l2);
      PetscCheck(c2 >= 0 && !tok[l1 + l2], comm, PHYNN_ERR_INPUT, "derivative '%s' is not a first or second derivative of the inputs %s (write e.g. t, xx, xt)", tok, inputs);
    }
    coords[nreq][0] = c1;
    coords[nreq][1] = c2;
    order[nreq]     = c2 < 0 ? 1 : 2;
    if (request_names) PetscCall(PetscStrncpy(request_names[nreq], tok, 32));
    nreq++;
  }
  /* First-order directions in the order they are first mentioned, then the pairs. */
  for (int r = 0; r < nreq; r++) {
    PetscCheck(jet->nfirst < PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "too many derivative directions in '%s'", request);
    AddFirst(jet, coords[r][0]);
    if (order[r] == 2) AddFirst(jet, coords[r][1]);
  }
  for (int r = 0; r < nreq; r++) {
    if (order[r] != 2 || PhynnJetBlockSecond(jet, coords[r][0], coords[r][1]) > 0) continue;
    int a = AddFirst(jet, coords[r][0]), b = AddFirst(jet, coords[r][1]);
    PetscCheck(jet->nsecond < PHYNN_JET_MAX, comm, PHYNN_ERR_INPUT, "too many second derivatives in '%s'", request);
    jet->second[jet->nsecond][0] = a < b ? a : b;
    jet->second[jet->nsecond][1] = a < b ? b : a;
    jet->nsecond++;
  }
  for (int r = 0; r < nreq; r++)
    if (blocks) blocks[r] = order[r] == 1 ? PhynnJetBlockFirst(jet, coords[r][0]) : PhynnJetBlockSecond(jet, coords[r][0], coords[r][1]);
  if (nrequest) *nrequest = nreq;
  PetscFunctionReturn(0);
}
