/* `phynn bench`: times the training step of a PINN and reads it against this machine's DGEMM.
 *
 *   phynn bench [-bench_layers 2,100,100,100,100,2] [-bench_points 20000] [-bench_activation tanh]
 *               [-bench_derivs x,t,xx] [-bench_steps 10] [-bench_warmup 2] [-seed 7]
 *   OPENBLAS_NUM_THREADS=1 mpirun -np 2 phynn bench           (each rank takes points/size)
 *
 * The step is built exactly as the NLS PINN builds it (Raissi et al. 2019): inputs (x, t) in
 * [-5, 5] x [0, pi/2] scaled to [-1, 1] and stacked into the jet [value; d/dx; d/dt; d2/dx2], the
 * MLP, the slices u, v, u_t, v_t, u_xx, v_xx, the residuals
 *   f_u = u_t + 0.5 v_xx + (u^2 + v^2) v,   f_v = v_t - 0.5 u_xx - (u^2 + v^2) u,
 * their mean squares (divided by the GLOBAL point count) and their sum. A step is forward,
 * backward, one MPI_Allreduce of [gradient | loss] when there are several ranks, and an Adam
 * update (PhynnOptimizer). Output: `key: value` lines on rank 0 (bench/README.md lists them). */
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_blas.h"
#include "bench_autoencoder.h"
#include "bench_sindy.h"
#include "commands.h"
#include "pinn.h"
#include "phynn/graph.h"
#include "phynn/mlp.h"
#include "phynn/optim.h"
#include "phynn/random.h"
#include "phynn/vecmath.h"

#define BENCH_MAX_STEPS 100000

typedef struct {
  MPI_Comm   comm;
  PhynnGraph g;
  int        root;
  long       n;        /* parameters */
  double    *dtheta;   /* the graph's gradient buffer */
  double    *red;      /* n + 1 doubles: [gradient | loss] for the allreduce */
  double     t_fwd, t_bwd, t_red; /* seconds of the last evaluation */
} BenchCtx;

/* The objective the optimiser calls: forward, backward and (several ranks) one allreduce. */
static PetscErrorCode BenchObjective(void *ctx, const double *theta, double *loss, double *grad)
{
  BenchCtx *b = (BenchCtx *)ctx;
  double    t0, t1, t2;

  PetscFunctionBegin;
  (void)theta; /* the graph reads its own parameter buffer, which the optimiser updates in place */
  t0 = PhynnTime();
  PetscCall(PhynnGraphForward(b->g, b->root));
  t1 = PhynnTime();
  PetscCall(PhynnGraphBackward(b->g, b->root));
  t2 = PhynnTime();
  if (PhynnSize(b->comm) > 1) {
    PetscCall(PetscArraycpy(b->red, b->dtheta, b->n));
    b->red[b->n] = PhynnGraphScalar(b->g, b->root);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, b->red, (int)(b->n + 1), MPI_DOUBLE, MPI_SUM, b->comm));
    PetscCall(PetscArraycpy(grad, b->red, b->n));
    *loss = b->red[b->n];
  } else {
    PetscCall(PetscArraycpy(grad, b->dtheta, b->n));
    *loss = PhynnGraphScalar(b->g, b->root);
  }
  b->t_fwd = t1 - t0;
  b->t_bwd = t2 - t1;
  b->t_red = PhynnTime() - t2;
  PetscFunctionReturn(0);
}

/* The NLS residual loss on the network output `out` (K N x 2 in jet blocks). */
static PetscErrorCode BuildNlsLoss(PhynnGraph g, int out, int K, int bt, int bxx, double global_points, int *root)
{
  int u, v, ut, vt, uxx, vxx, fu, fv, terms[2];

  PetscFunctionBegin;
  PetscCall(PhynnGraphSlice(g, out, K, 0, 0, &u));
  PetscCall(PhynnGraphSlice(g, out, K, 0, 1, &v));
  PetscCall(PhynnGraphSlice(g, out, K, bt, 0, &ut));
  PetscCall(PhynnGraphSlice(g, out, K, bt, 1, &vt));
  PetscCall(PhynnGraphSlice(g, out, K, bxx, 0, &uxx));
  PetscCall(PhynnGraphSlice(g, out, K, bxx, 1, &vxx));
  PetscCall(PhynnNlsResidual(g, u, v, ut, vt, uxx, vxx, &fu, &fv));
  PetscCall(PhynnGraphSetName(g, fu, "f_u"));
  PetscCall(PhynnGraphSetName(g, fv, "f_v"));
  PetscCall(PhynnGraphMeanSquare(g, fu, &terms[0]));
  PetscCall(PhynnGraphMeanSquare(g, fv, &terms[1]));
  PetscCall(PhynnGraphSetLossNorm(g, terms[0], global_points));
  PetscCall(PhynnGraphSetLossNorm(g, terms[1], global_points));
  PetscCall(PhynnGraphWeightedSum(g, 2, terms, NULL, root));
  PetscCall(PhynnGraphSetName(g, *root, "loss"));
  PetscFunctionReturn(0);
}

/* GEMM flops of one step over R stacked rows: per dense layer forward Z = X W^T, backward
 * dW = dZ^T X, and dX = dZ W except for the first layer (its input is data). */
static double GemmFlops(int nsizes, const long *sizes, double R)
{
  double f = 0;
  for (int l = 0; l + 1 < nsizes; l++) {
    double layer = 2.0 * R * (double)sizes[l] * (double)sizes[l + 1];
    f += layer * (l > 0 ? 3 : 2);
  }
  return f;
}

static double PeakRssMB(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru)) return 0;
  return (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

/* Warns when the ranks on one node times the BLAS threads exceed its cores: they would fight
 * over the cores and the times would mean little. */
static PetscErrorCode CheckOversubscription(MPI_Comm comm, int threads)
{
  MPI_Comm node;
  int      local, worst, cores = (int)sysconf(_SC_NPROCESSORS_ONLN);

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  local = PhynnSize(node) * threads;
  PetscCallMPI(MPI_Comm_free(&node));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &local, 1, MPI_INT, MPI_MAX, comm));
  worst = local;
  if (cores > 0 && worst > cores)
    PetscCall(PhynnWarn(comm, "%d rank(s) per node x %d BLAS thread(s) = %d threads on %d cores: the times will be slow and noisy; set OPENBLAS_NUM_THREADS=%d", worst / threads, threads,
                        worst, cores, cores / (worst / threads) > 0 ? cores / (worst / threads) : 1));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdBench(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char         in_names[2][32] = {"x", "t"};
  long               sizes[PHYNN_MLP_MAX_LAYERS + 1], points, steps, warmup, seed;
  PetscBool          profile;
  int                nsizes = 0, act_index = 0, nreq = 0, rank = PhynnRank(comm), size = PhynnSize(comm);
  char               derivs[256], layers_text[512] = "", arch[64];
  long               frames, size_px;
  PetscBool          size_set = PETSC_FALSE;
  int                model = 0;
  static const char *const BenchModels[] = {"pinn", "autoencoder", "sindy-ae", NULL};
  long               bench_widths[8];
  int                nbench_widths = 0;
  PhynnActivation    act;
  PhynnJet           jet;
  PhynnBenchBlasInfo blas;

  PetscFunctionBegin;
  PetscCall(PhynnOptIntList("bench_layers", "2,100,100,100,100,2", "layer widths: 2 inputs (x, t), hidden..., 2 outputs (u, v)", sizes, PHYNN_MLP_MAX_LAYERS + 1, &nsizes, NULL));
  PetscCall(PhynnOptInt("bench_points", 20000, "collocation points in total (each rank takes points/size)", &points, NULL));
  PetscCall(PhynnOptChoice("bench_activation", PhynnActivationNames, "tanh", "hidden activation", &act_index, NULL));
  PetscCall(PhynnOptString("bench_derivs", "x,t,xx", "input derivatives carried by the jet (must include t and xx for the NLS residual)", derivs, sizeof(derivs), NULL));
  PetscCall(PhynnOptInt("bench_steps", 10, "timed training steps (the median is reported)", &steps, NULL));
  PetscCall(PhynnOptInt("bench_warmup", 2, "untimed steps before the timed ones", &warmup, NULL));
  PetscCall(PhynnOptBool("bench_profile", PETSC_FALSE, "after the timed steps, run as many again with per-operation timing and print seconds per op type", &profile, NULL));
  PetscCall(PhynnOptInt("seed", 7, "random seed for the initial weights and the points", &seed, NULL));
  PetscCall(PhynnOptChoice("bench_model", BenchModels, "pinn", "what to time: pinn (the NLS PINN step), autoencoder (an image autoencoder step, apps/bench_autoencoder.c) or sindy-ae (a SINDy-autoencoder step against a plain one, apps/bench_sindy.c)", &model, NULL));
  PetscCall(PhynnOptString("bench_arch", "conv", "autoencoder: architecture (spatial or conv, as train autoencoder -arch)", arch, sizeof(arch), NULL));
  PetscCall(PhynnOptInt("bench_frames", 30, "autoencoder, sindy-ae: frames in the global batch (each rank takes its share; sindy-ae: give e.g. 1024, Champion's batch)", &frames, NULL));
  PetscCall(PhynnOptIntList("bench_widths", "128,64,32", "sindy-ae: hidden widths of the encoder (the decoder mirrors them)", bench_widths, 8, &nbench_widths, NULL));
  PetscCall(PhynnOptInt("bench_size", 160, "autoencoder: frame height and width in pixels; sindy-ae: of the blob frames (51, Champion's, unless given; 26: jobs/sindy_quick_data.opts)", &size_px, &size_set));
  if (mode == PHYNN_OPTIONS_COLLECT) PetscFunctionReturn(0);
  if (model == 2) {
    PetscCall(PhynnCommandCheckArgs(comm, "bench", "", nargs, 0, 0));
    PetscCheck(frames >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -bench_frames: %ld frame(s) for %d rank(s); give at least one frame per rank", frames, PhynnSize(comm));
    PetscCheck(nbench_widths >= 1, comm, PHYNN_ERR_INPUT, "option -bench_widths: give at least one hidden width");
    if (!size_set) size_px = 51;
    PetscCheck(size_px >= 8 && size_px <= 64, comm, PHYNN_ERR_INPUT, "option -bench_size: %ld pixels for sindy-ae; give 8 to 64 (Champion's frames: 51)", size_px);
    for (int k = 0; k < nbench_widths; k++) PetscCheck(bench_widths[k] >= 1, comm, PHYNN_ERR_INPUT, "option -bench_widths: width %ld is not positive", bench_widths[k]);
    PetscCheck(steps >= 1 && steps <= BENCH_MAX_STEPS && warmup >= 0 && warmup <= BENCH_MAX_STEPS, comm, PHYNN_ERR_INPUT, "options -bench_steps/-bench_warmup: give 1 to %d timed and 0 to %d untimed steps", BENCH_MAX_STEPS, BENCH_MAX_STEPS);
    PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
    PetscCall(PhynnOptionsCheckUnused(comm));
    if (PhynnOptionsHelp()) PetscFunctionReturn(0);
    PetscCall(PhynnBenchSindy(comm, frames, size_px, bench_widths, nbench_widths, steps, warmup, (uint64_t)seed));
    PetscFunctionReturn(0);
  }
  if (model == 1) {
    PetscCall(PhynnCommandCheckArgs(comm, "bench", "", nargs, 0, 0));
    PetscCheck(frames >= PhynnSize(comm), comm, PHYNN_ERR_INPUT, "option -bench_frames: %ld frame(s) for %d rank(s); give at least one frame per rank", frames, PhynnSize(comm));
    PetscCheck(size_px >= 16, comm, PHYNN_ERR_INPUT, "option -bench_size: %ld pixels; give at least 16", size_px);
    PetscCheck(steps >= 1 && steps <= BENCH_MAX_STEPS && warmup >= 0 && warmup <= BENCH_MAX_STEPS, comm, PHYNN_ERR_INPUT, "options -bench_steps/-bench_warmup: give 1 to %d timed and 0 to %d untimed steps", BENCH_MAX_STEPS, BENCH_MAX_STEPS);
    PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
    PetscCall(PhynnOptionsCheckUnused(comm));
    if (PhynnOptionsHelp()) PetscFunctionReturn(0);
    PetscCall(PhynnBenchAutoencoder(comm, arch, frames, size_px, steps, warmup, (uint64_t)seed));
    PetscFunctionReturn(0);
  }

  /* ---- validate ---- */
  PetscCall(PhynnCommandCheckArgs(comm, "bench", "", nargs, 0, 0));
  (void)args;
  act = (PhynnActivation)act_index;
  PetscCheck(nsizes >= 2, comm, PHYNN_ERR_INPUT, "option -bench_layers: %d size(s) given; give the input width, any hidden widths and the output width, e.g. 2,100,100,2", nsizes);
  PetscCheck(sizes[0] == 2, comm, PHYNN_ERR_INPUT, "option -bench_layers: the first width is %ld, but the NLS benchmark has 2 inputs (x, t); start the list with 2", sizes[0]);
  PetscCheck(sizes[nsizes - 1] == 2, comm, PHYNN_ERR_INPUT, "option -bench_layers: the last width is %ld, but the NLS benchmark has 2 outputs (u, v); end the list with 2", sizes[nsizes - 1]);
  for (int l = 0; l < nsizes; l++) PetscCheck(sizes[l] >= 1, comm, PHYNN_ERR_INPUT, "option -bench_layers: width %ld at position %d is not positive", sizes[l], l + 1);
  PetscCheck(points >= size, comm, PHYNN_ERR_INPUT, "option -bench_points: %ld point(s) for %d rank(s); give at least one point per rank", points, size);
  PetscCheck(steps >= 1 && steps <= BENCH_MAX_STEPS, comm, PHYNN_ERR_INPUT, "option -bench_steps: %ld; give between 1 and %d timed steps", steps, BENCH_MAX_STEPS);
  PetscCheck(warmup >= 0 && warmup <= BENCH_MAX_STEPS, comm, PHYNN_ERR_INPUT, "option -bench_warmup: %ld; give between 0 and %d untimed steps", warmup, BENCH_MAX_STEPS);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCall(PhynnJetFromNames(comm, 2, in_names, derivs, &jet, &nreq, NULL, NULL));
  const int K = PhynnJetBlocks(&jet), bt = PhynnJetBlockFirst(&jet, 1), bxx = PhynnJetBlockSecond(&jet, 0, 0);
  PetscCheck(bt > 0 && bxx > 0, comm, PHYNN_ERR_INPUT, "option -bench_derivs: '%s' lacks %s%s%s, which the NLS residual needs; add them, e.g. -bench_derivs x,t,xx", derivs, bt > 0 ? "" : "t",
             bt > 0 || bxx > 0 ? "" : " and ", bxx > 0 ? "" : "xx");
  PetscCheck(jet.nsecond == 0 || PhynnActivationSmooth(act), comm, PHYNN_ERR_INPUT,
             "option -bench_activation: '%s' has no useful second derivative, so d2/dx2 through it would be wrong; use tanh, sigmoid, sine or softplus", PhynnActivationNames[act]);
  PetscCheck(act != PHYNN_ACT_SOFTMAX, comm, PHYNN_ERR_INPUT, "option -bench_activation: softmax is for classifier outputs only; use tanh, sigmoid, sine or softplus");
  PetscCall(PhynnOptionsCheckUnused(comm));
  if (PhynnOptionsHelp()) PetscFunctionReturn(0);

  /* ---- set up ---- */
  for (int l = 0; l < nsizes; l++) {
    char w[32];
    PetscCall(PetscSNPrintf(w, sizeof(w), "%s%ld", l ? "," : "", sizes[l]));
    PetscCall(PetscStrlcat(layers_text, w, sizeof(layers_text)));
  }
  PhynnBenchBlasGetInfo(&blas);
  if (blas.cpu_avx512 && !blas.core_avx512)
    PetscCall(PhynnWarn(comm, "OpenBLAS uses its generic '%s' kernels on a CPU with AVX-512; set OPENBLAS_CORETYPE=SKYLAKEX for about twice the DGEMM speed", blas.corename));
  PetscCall(CheckOversubscription(comm, blas.threads > 0 ? blas.threads : 1));

  long start, count;
  PhynnSplitRange(points, rank, size, &start, &count);
  const double lb[2] = {-5.0, 0.0}, ub[2] = {5.0, M_PI / 2};
  double       shift[2], scale[2], *X, *tmp;
  for (int c = 0; c < 2; c++) {
    shift[c] = 0.5 * (lb[c] + ub[c]);
    scale[c] = 2.0 / (ub[c] - lb[c]);
  }
  /* Point i has the same coordinates whichever rank draws it (Philox keyed by the index). */
  PetscCall(PetscMalloc2(2 * count, &X, count, &tmp));
  for (int c = 0; c < 2; c++) {
    PhynnUniformFill((uint64_t)seed, PHYNN_STREAM_POINTS + (uint64_t)c, (uint64_t)start, count, lb[c], ub[c], tmp);
    for (long i = 0; i < count; i++) X[2 * i + c] = tmp[i];
  }

  PhynnGraph     g;
  PhynnMLP       mlp;
  PhynnOptimizer opt;
  BenchCtx       ctx;
  int            xin, xjet, out;
  PetscCall(PetscMemzero(&ctx, sizeof(ctx)));
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnGraphInput(g, "x", 2, &xin));
  PetscCall(PhynnGraphJetInput(g, xin, &jet, shift, scale, &xjet));
  PetscCall(PhynnMLPCreate(g, nsizes, sizes, act, PHYNN_ACT_IDENTITY, (PhynnInitSpec){PHYNN_INIT_XAVIER_NORMAL, 0, 0}, PETSC_TRUE, &mlp));
  PetscCall(PhynnMLPApply(g, &mlp, xjet, &jet, &out));
  PetscCall(BuildNlsLoss(g, out, K, bt, bxx, (double)points, &ctx.root));
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphInitParameters(g, (uint64_t)seed));
  PetscCall(PhynnGraphSetInput(g, xin, count, X));

  double *theta;
  ctx.comm = comm;
  ctx.g    = g;
  PetscCall(PhynnGraphParameters(g, &theta, &ctx.dtheta, &ctx.n));
  PetscCall(PetscMalloc1(ctx.n + 1, &ctx.red));
  PetscCall(PhynnOptimizerCreate(comm, ctx.n, &opt));
  PetscCall(PhynnOptimizerSetType(opt, PHYNN_OPTIM_ADAM));
  PetscCall(PhynnOptimizerSetLearningRate(opt, 1e-3));
  PetscCall(PhynnOptimizerSetUp(opt));

  /* ---- run ---- */
  double *ts, *tf, *tb, *tr, *tu, loss = 0, loss_first = 0;
  PetscCall(PetscMalloc5(steps, &ts, steps, &tf, steps, &tb, steps, &tr, steps, &tu));
  for (long s = 0; s < warmup + steps; s++) {
    double t0;
    PetscCallMPI(MPI_Barrier(comm));
    t0 = PhynnTime();
    PetscCall(PhynnOptimizerStep(opt, theta, BenchObjective, &ctx, &loss, NULL));
    if (s == 0) loss_first = loss;
    if (s >= warmup) {
      ts[s - warmup] = PhynnTime() - t0;
      tf[s - warmup] = ctx.t_fwd;
      tb[s - warmup] = ctx.t_bwd;
      tr[s - warmup] = ctx.t_red;
      tu[s - warmup] = ts[s - warmup] - ctx.t_fwd - ctx.t_bwd - ctx.t_red; /* Adam update, copies */
    }
  }
  PetscCheck(isfinite(loss), comm, PHYNN_ERR_NUMERIC, "the benchmark loss became %g; the step is numerically broken (report this with the options used)", loss);
  /* Memory of the step, before the DGEMM reference allocates its own matrices. */
  double rss = PeakRssMB(), gmem = (double)PhynnGraphMemoryBytes(g) / (1024.0 * 1024.0);

  /* Per-rank medians; the step is as slow as the slowest rank. */
  double med[5] = {PhynnBenchMedian((int)steps, ts), PhynnBenchMedian((int)steps, tf), PhynnBenchMedian((int)steps, tb), PhynnBenchMedian((int)steps, tr), PhynnBenchMedian((int)steps, tu)};
  double mx[5], mem_max[2], mem_in[2] = {rss, gmem}, rss_sum, fastest = ts[0], fastest_max;
  for (long s = 1; s < steps; s++) fastest = ts[s] < fastest ? ts[s] : fastest;
  PetscCallMPI(MPI_Allreduce(&fastest, &fastest_max, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(med, mx, 5, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(mem_in, mem_max, 2, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(&rss, &rss_sum, 1, MPI_DOUBLE, MPI_SUM, comm));
  long count_max = count;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &count_max, 1, MPI_LONG, MPI_MAX, comm));

  /* This machine's DGEMM on the widest hidden layer's shapes with this rank's stacked rows. */
  int lref = 0;
  for (int l = 1; l + 2 < nsizes; l++)
    if (lref == 0 || sizes[l] * sizes[l + 1] > sizes[lref] * sizes[lref + 1]) lref = l;
  double dgemm;
  PetscCall(PhynnBenchDgemmRate(comm, (long)K * count, sizes[lref], sizes[lref + 1], 3, &dgemm));

  const double flops = GemmFlops(nsizes, sizes, (double)K * (double)points);
  const double gflops = mx[0] > 0 ? flops / mx[0] / 1e9 : 0;
  PetscCall(PhynnPrintf(comm, "ranks: %d\n", size));
  PetscCall(PhynnPrintf(comm, "blas_threads: %d\n", blas.threads));
  PetscCall(PhynnPrintf(comm, "openblas_corename: %s\n", blas.corename));
  PetscCall(PhynnPrintf(comm, "openblas_config: %s\n", blas.config));
  PetscCall(PhynnPrintf(comm, "cpu_avx512: %s\n", blas.cpu_avx512 ? "yes" : "no"));
  PetscCall(PhynnPrintf(comm, "vecmath_kernel: %s\n", PhynnVecMathKernel()));
  PetscCall(PhynnPrintf(comm, "points: %ld\n", points));
  PetscCall(PhynnPrintf(comm, "points_per_rank: %ld\n", count_max));
  PetscCall(PhynnPrintf(comm, "layers: %s\n", layers_text));
  PetscCall(PhynnPrintf(comm, "activation: %s\n", PhynnActivationNames[act]));
  PetscCall(PhynnPrintf(comm, "derivs: %s\n", derivs));
  PetscCall(PhynnPrintf(comm, "jet_blocks: %d\n", K));
  PetscCall(PhynnPrintf(comm, "parameters: %ld\n", ctx.n));
  PetscCall(PhynnPrintf(comm, "graph_nodes: %d\n", PhynnGraphNodeCount(g)));
  PetscCall(PhynnPrintf(comm, "steps: %ld\n", steps));
  PetscCall(PhynnPrintf(comm, "warmup: %ld\n", warmup));
  PetscCall(PhynnPrintf(comm, "loss_first: %.6e\n", loss_first));
  PetscCall(PhynnPrintf(comm, "loss_last: %.6e\n", loss));
  PetscCall(PhynnPrintf(comm, "seconds_per_step: %.6g\n", mx[0]));
  PetscCall(PhynnPrintf(comm, "seconds_per_step_min: %.6g\n", fastest_max)); /* on a shared machine, the least disturbed step */
  PetscCall(PhynnPrintf(comm, "seconds_forward: %.6g\n", mx[1]));
  PetscCall(PhynnPrintf(comm, "seconds_backward: %.6g\n", mx[2]));
  PetscCall(PhynnPrintf(comm, "seconds_allreduce: %.6g\n", mx[3]));
  PetscCall(PhynnPrintf(comm, "seconds_update: %.6g\n", mx[4]));
  PetscCall(PhynnPrintf(comm, "gemm_flops_per_step: %.6e\n", flops));
  PetscCall(PhynnPrintf(comm, "gflops: %.3f\n", gflops));
  PetscCall(PhynnPrintf(comm, "dgemm_shape: %ldx%ld by %ldx%ld\n", (long)K * count_max, sizes[lref], sizes[lref + 1], sizes[lref]));
  PetscCall(PhynnPrintf(comm, "dgemm_gflops: %.3f\n", dgemm));
  PetscCall(PhynnPrintf(comm, "fraction_of_dgemm: %.3f\n", dgemm > 0 ? gflops / dgemm : 0.0));
  PetscCall(PhynnPrintf(comm, "peak_rss_mb: %.1f\n", mem_max[0]));
  PetscCall(PhynnPrintf(comm, "peak_rss_mb_all_ranks: %.1f\n", rss_sum));
  PetscCall(PhynnPrintf(comm, "graph_memory_mb: %.1f\n", mem_max[1]));

  if (profile) { /* where a step's time goes, per op type (rank 0's numbers, seconds per step) */
    PetscCall(PhynnGraphSetProfiling(g, PETSC_TRUE));
    for (long s = 0; s < steps; s++) PetscCall(PhynnOptimizerStep(opt, theta, BenchObjective, &ctx, &loss, NULL));
    for (int k = 0; k < PhynnGraphOpTypeCount(); k++) {
      double f, b;
      PetscCall(PhynnGraphGetOpSeconds(g, k, &f, &b));
      if (f + b > 0) PetscCall(PhynnPrintf(comm, "op_%s_seconds: forward %.4f backward %.4f\n", PhynnGraphOpTypeName(k), f / (double)steps, b / (double)steps));
    }
  }

  PetscCall(PetscFree5(ts, tf, tb, tr, tu));
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscCall(PetscFree(ctx.red));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PetscFree2(X, tmp));
  PetscFunctionReturn(0);
}
