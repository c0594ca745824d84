#!/bin/bash
# Trains each PINN of docs/results.md on 1 and 2 MPI ranks (one BLAS thread each) against its
# reference solution and prints one markdown table: the error reached, the training seconds to
# relative L2 1e-2 and 1e-3 (from -reference), and the wall time of the whole command.
#
#   bench/pinn_table.sh                          all rows, np 1 and 2
#   NPS="2" ROWS="heat nls_short" bench/pinn_table.sh
#
# PHYNN: the executable (default build/phynn). OUTDIR: where references, models and the full
# output of every run go (default: a temporary directory, printed at the end). Rows:
#   pendulum     tutorial Example 2, theta'' + 19.6 theta = 0           (jobs/pendulum.opts)
#   pendulum_nl  the same with sin(theta), theta0 = 2.5                 (jobs/pendulum.opts)
#   heat         u_t = 0.4 u_xx, Dirichlet                              (jobs/heat.opts)
#   heat_per     u_t = 0.4 u_xx, periodic, 2000 + 2000 iterations       (jobs/heat.opts)
#   nls_short    NLS, 2000 points, 3000 iterations                      (jobs/nls_short.opts)
# The DeepXDE-size NLS run (40 minutes on 2 cores) is not a row: see docs/results.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
phynn=${PHYNN:-$root/build/phynn}
[ -x "$phynn" ] || { echo "pinn_table.sh: no phynn executable at $phynn; build first or set PHYNN" >&2; exit 1; }
nps=${NPS:-1 2}
rows=${ROWS:-pendulum pendulum_nl heat heat_per nls_short}
outdir=${OUTDIR:-$(mktemp -d)}
mkdir -p "$outdir"
mpi=(mpirun --bind-to core -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

# row -> reference command, training problem, training options
ref_of() {
  case $1 in
  pendulum) echo "solve pendulum -linear -g 9.8 -l 0.5 -theta0 pi/4 -tf 2 -nt 201" ;;
  pendulum_nl) echo "solve pendulum -linear false -g 9.8 -l 0.5 -theta0 2.5 -tf 2 -nt 201" ;;
  heat) echo "solve heat" ;;
  heat_per) echo "solve heat -bc periodic" ;;
  nls_short) echo "solve nls" ;;
  *) echo "pinn_table.sh: unknown row '$1' (pendulum pendulum_nl heat heat_per nls_short)" >&2; exit 1 ;;
  esac
}
train_of() {
  case $1 in
  pendulum) echo "pinn-pendulum -options_file $root/jobs/pendulum.opts" ;;
  pendulum_nl) echo "pinn-pendulum -options_file $root/jobs/pendulum.opts -linear false -theta0 2.5" ;;
  heat) echo "pinn-heat -options_file $root/jobs/heat.opts" ;;
  heat_per) echo "pinn-heat -options_file $root/jobs/heat.opts -bc periodic -max_it 2000 -lbfgs_it 2000" ;;
  nls_short) echo "pinn-nls -options_file $root/jobs/nls_short.opts" ;;
  esac
}
# the line "NAME: VALUE" of a run's output, or "-" when the run did not print it
field() { awk -v k="$1: " 'index($0, k) == 1 { v = substr($0, length(k) + 1) } END { print (v == "" ? "-" : v) }' "$2"; }

echo "| row | np | rel L2 | s to 1e-2 | s to 1e-3 | training s | wall s |"
echo "|---|---|---|---|---|---|---|"
for row in $rows; do
  ref_cmd=$(ref_of "$row")
  # shellcheck disable=SC2086
  "$phynn" $ref_cmd -o "$outdir/${row}_ref.nc" >/dev/null
  for np in $nps; do
    log="$outdir/${row}_np$np.out"
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    "${mpi[@]}" -np "$np" "$phynn" train $(train_of "$row") -reference "$outdir/${row}_ref.nc" \
      -o "$outdir/${row}_np$np.nc" >"$log" 2>&1 || { echo "pinn_table.sh: $row on $np rank(s) failed; see $log" >&2; exit 1; }
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    # the headline component: |h| for NLS, the only one otherwise
    err=$(awk -F': ' '/^rel_l2_/ { v = $2; if ($1 == "rel_l2_|h|") h = $2 } END { print (h != "" ? h : v) }' "$log")
    printf '| %s | %s | %s | %s | %s | %s | %.1f |\n' "$row" "$np" "$err" \
      "$(field seconds_to_rel_l2_1e-2 "$log")" "$(field seconds_to_rel_l2_1e-3 "$log")" "$(field seconds "$log")" "$wall"
  done
done
echo "(runs in $outdir)"
