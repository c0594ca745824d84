/* phynn eval on an operator model (phynn train operator): every sample of a family file through
 * the model, written as a family file, so a prediction file reads like the solver's:
 *   OUT(sample, x) or OUT(sample, y, x)   the prediction of each output field at the model's time
 *   sample, x (, y) coordinates, and the time as the attribute output_time
 * (OUT: the model's -output names, with "_pred" appended to each.) The inputs are the family's
 * -input variables, as the model's training record names them. The model evaluates on the
 * family's grid (an FNO on another resolution with its weights). Rank 0 does it all. */
#include <string.h>

#include "eval_operator.h"
#include "phynn/ncfile.h"
#include "phynn/operator_eval.h"

PetscErrorCode PhynnEvalOperatorModel(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *in, const char *out)
{
  char              input[256] = "u0", output[256] = "u", otime[64] = "last", inames[PHYNN_OPERATOR_MAX_VARS][64], onames[PHYNN_OPERATOR_MAX_VARS][64];
  int               nin, nout;
  PhynnOperatorData d;
  PhynnModel        regrid = NULL, use = m;
  long             *idx;
  double           *pred;
  PetscFunctionBegin;
  if (rec && rec->options) {
    PhynnRecordedOption(rec->options, "input", input, sizeof(input));
    PhynnRecordedOption(rec->options, "output", output, sizeof(output));
    PhynnRecordedOption(rec->options, "output_time", otime, sizeof(otime));
  }
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "input", input, &nin, inames));
  PetscCall(PhynnOperatorParseNames(PETSC_COMM_SELF, "output", output, &nout, onames));
  PetscCall(PhynnOperatorDataLoad(PETSC_COMM_SELF, in, nin, inames, nout, onames, otime, &d));
  PetscCall(PhynnOperatorRegrid(PETSC_COMM_SELF, m, &d, &regrid));
  if (regrid) use = regrid;
  PetscCall(PhynnOperatorCheckModel(PETSC_COMM_SELF, use, model_path, &d));
  PetscCall(PetscMalloc1(d.nsamples, &idx));
  for (long s = 0; s < d.nsamples; s++) idx[s] = s;
  PetscCall(PhynnOperatorPredict(use, &d, d.nsamples, idx, &pred));
  {
    PhynnNcWriter  w;
    int            ds, dy = -1, dx, vs, vy, vx, dims[3];
    double        *buf, *ys;
    const long     HW = d.H * d.W;
    PetscErrorCode ierr;
    PetscCall(PetscMalloc2(d.nsamples * HW, &buf, d.H, &ys));
    for (long i = 0; i < d.H; i++) ys[i] = (double)i;
    PetscCall(PhynnNcCreate(out, &w));
    ierr = PhynnNcPutProvenance(&w, "phynn eval: predictions of an operator model on a family");
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "model", model_path);
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "source_data", in);
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "output_time", otime);
    if (!ierr) ierr = PhynnNcDefCoord(&w, "sample", (size_t)d.nsamples, "1", "sample index of the source family", &ds, &vs);
    if (!ierr && d.H > 1) ierr = PhynnNcDefCoord(&w, "y", (size_t)d.H, "1", "grid row", &dy, &vy);
    if (!ierr) ierr = PhynnNcDefCoord(&w, "x", (size_t)d.W, "1", "position", &dx, &vx);
    for (long c = 0; !ierr && c < d.cout; c++) {
      char name[80], lname[160];
      int  v;
      snprintf(name, sizeof(name), "%s_pred", d.ntimes > 1 ? "u" : onames[c % nout]);
      if (d.ntimes > 1) snprintf(name, sizeof(name), "%s_pred_t%ld", onames[c % nout], c / nout);
      snprintf(lname, sizeof(lname), "the operator's prediction of %s", onames[c % nout]);
      dims[0] = ds, dims[1] = d.H > 1 ? dy : dx, dims[2] = dx;
      ierr = PhynnNcDefVar(&w, name, d.H > 1 ? 3 : 2, dims, "1", lname, &v);
      for (long s = 0; !ierr && s < d.nsamples; s++) PetscCall(PetscArraycpy(buf + s * HW, pred + (s * d.cout + c) * HW, HW));
      if (!ierr) ierr = PhynnNcPutVarDoubles(&w, v, buf);
    }
    for (long s = 0; !ierr && s < d.nsamples; s++) buf[s] = (double)s;
    if (!ierr) ierr = PhynnNcPutVarDoubles(&w, vs, buf);
    if (!ierr && d.H > 1) ierr = PhynnNcPutVarDoubles(&w, vy, ys);
    if (!ierr) ierr = PhynnNcPutVarDoubles(&w, vx, d.x);
    if (!ierr) ierr = PhynnNcCommit(&w);
    if (ierr) PetscCall(PhynnNcDiscard(&w));
    PetscCall(PetscFree2(buf, ys));
    PetscCall(ierr);
  }
  PetscCall(PhynnPrintf(PETSC_COMM_SELF, "phynn eval: %ld sample(s) of %s through %s (%ld -> %ld channel(s) on %ld x %ld points); wrote %s\n", d.nsamples, in, model_path, d.cin, d.cout, d.H, d.W, out));
  PetscCall(PetscFree(pred));
  PetscCall(PetscFree(idx));
  PetscCall(PhynnModelDestroy(&regrid));
  PetscCall(PhynnOperatorDataFree(&d));
  PetscFunctionReturn(0);
}
